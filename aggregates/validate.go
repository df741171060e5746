package aggregates

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pledger/pledger/events"
)

// check collects the first validation failure of a command, so a decide
// function reads as a list of rules.
type check struct{ err error }

func (c *check) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

const maxText = 4000

// text requires a non-empty value of at most maxText bytes.
func (c *check) text(field, value string) {
	switch {
	case strings.TrimSpace(value) == "":
		c.fail(invalid(field, "required", "is required"))
	case len(value) > maxText || !utf8.ValidString(value):
		c.fail(invalid(field, "text", "must be valid UTF-8 of at most %d bytes", maxText))
	}
}

// optionalText allows an empty value.
func (c *check) optionalText(field, value string) {
	if value != "" {
		c.text(field, value)
	}
}

// reason requires a stated reason: escalations, rejections, overrides,
// corrections and re-baselines are never silent.
func (c *check) reason(meta Meta, what string) {
	if strings.TrimSpace(meta.Reason) == "" {
		c.fail(invalid("reason", "reason_required", "a reason is required to %s", what))
	}
}

func (c *check) rating(field string, v int) {
	if v < 1 || v > 5 {
		c.fail(invalid(field, "range_1_5", "must be between 1 and 5, got %d", v))
	}
}

func (c *check) percent(field string, v, lo, hi int) {
	if v < lo || v > hi {
		c.fail(invalid(field, "percent_range", "must be between %d and %d, got %d", lo, hi, v))
	}
}

func (c *check) date(field string, d events.Date) {
	if d.IsZero() {
		c.fail(invalid(field, "required", "is required (YYYY-MM-DD)"))
	}
}

func (c *check) oneOf(field, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		c.fail(invalid(field, "one_of", "must be one of %s, got %q", strings.Join(allowed, ", "), value))
	}
}

// money requires an amount in the project's currency; positive unless
// negative amounts are meaningful (deltas, corrections).
func (c *check) money(field string, m events.Money, currency string, allowNegative bool) {
	switch {
	case m.Currency != currency:
		c.fail(invalid(field+".currency", "currency_mismatch", "must be the project's currency %s, got %q", currency, m.Currency))
	case m.Minor < 0 && !allowNegative:
		c.fail(invalid(field+".minor", "non_negative", "must not be negative"))
	case m.Minor == 0 && !allowNegative:
		c.fail(invalid(field+".minor", "positive", "must be more than zero"))
	}
}

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// person requires an e-mail address, the key of a person across projects.
func (c *check) person(field, value string) {
	if !emailPattern.MatchString(value) {
		c.fail(invalid(field, "email", "must be an e-mail address, got %q", value))
	}
}

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

var projectCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,5}$`)

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
