package aggregates

import (
	"errors"
	"fmt"
)

// Kinds of refusal; every *Error wraps exactly one, for errors.Is.
var (
	// ErrInvalid: the command itself is malformed (a field missing or out of range).
	ErrInvalid = errors.New("aggregates: invalid command")
	// ErrRuleViolated: the command is well-formed but the state forbids it.
	ErrRuleViolated = errors.New("aggregates: rule violated")
	// ErrNotFound: the command names an item (or project) that does not exist.
	ErrNotFound = errors.New("aggregates: not found")
	// ErrConflict: the stream moved on and re-deciding was not allowed or kept failing.
	ErrConflict = errors.New("aggregates: concurrent change")
)

// Error is a refused command: which rule, on which field, and why. Rule is a
// stable, machine-readable name (e.g. "invoice.exceeds_po") that clients may
// switch on; Message is for people.
type Error struct {
	Kind    error
	Rule    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (rule %s)", e.Field, e.Message, e.Rule)
	}
	return fmt.Sprintf("%s (rule %s)", e.Message, e.Rule)
}

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

func invalid(field, rule, format string, args ...any) error {
	return &Error{Kind: ErrInvalid, Rule: rule, Field: field, Message: fmt.Sprintf(format, args...)}
}

func violates(rule, format string, args ...any) error {
	return &Error{Kind: ErrRuleViolated, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

func violatesField(field, rule, format string, args ...any) error {
	return &Error{Kind: ErrRuleViolated, Rule: rule, Field: field, Message: fmt.Sprintf(format, args...)}
}

func notFound(field, kind, id string) error {
	return &Error{Kind: ErrNotFound, Rule: kind + ".not_found", Field: field, Message: fmt.Sprintf("%s %q does not exist", kind, id)}
}
