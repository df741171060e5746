package events

import (
	"errors"
	"fmt"
)

var (
	// ErrWrongExpectedVersion is wrapped by *VersionConflictError.
	ErrWrongExpectedVersion = errors.New("events: wrong expected version")
	// ErrInvalidEvent is wrapped by *FieldError: an event that breaks an envelope rule.
	ErrInvalidEvent = errors.New("events: invalid event")
	// ErrDuplicateID means an event id is already in the ledger but the
	// append is not a retry of the append that wrote it (another stream, or
	// only some of the batch's ids).
	ErrDuplicateID = errors.New("events: event id already used")
	// ErrClosed is returned by a store that has been closed.
	ErrClosed = errors.New("events: store closed")
	// ErrReadOnly is returned when appending to a store opened read-only.
	ErrReadOnly = errors.New("events: store is read-only")
	// ErrNotEmpty is returned when importing into a ledger that already has events.
	ErrNotEmpty = errors.New("events: ledger is not empty")
	// ErrUnavailable is wrapped by a store's errors that a retry may cure:
	// its server cannot be reached or has no leader just now.
	ErrUnavailable = errors.New("events: store unavailable")
)

// VersionConflictError is returned by Append when the stream is not at the
// expected version. It carries the version the stream is actually at.
type VersionConflictError struct {
	Stream   string
	Expected ExpectedVersion
	Actual   uint64
}

func (e *VersionConflictError) Error() string {
	return fmt.Sprintf("events: stream %q: expected version %s, stream is at %d", e.Stream, e.Expected, e.Actual)
}

// Unwrap lets errors.Is(err, ErrWrongExpectedVersion) match.
func (e *VersionConflictError) Unwrap() error { return ErrWrongExpectedVersion }

// FieldError names the field of an event that broke a rule, and the rule.
type FieldError struct {
	Index int // position of the event in the appended batch
	Field string
	Rule  string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("events: event %d: %s: %s", e.Index, e.Field, e.Rule)
}

// Unwrap lets errors.Is(err, ErrInvalidEvent) match.
func (e *FieldError) Unwrap() error { return ErrInvalidEvent }
