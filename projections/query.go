package projections

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pledger/pledger/events"
)

// Bound is how much of the log a question sees: the events recorded up to
// a time, or up to a global position. The zero Bound sees everything.
type Bound struct {
	Time     time.Time
	Position uint64
}

// IsZero reports whether b sees everything.
func (b Bound) IsZero() bool { return b.Time.IsZero() && b.Position == 0 }

// includes reports whether b sees r.
func (b Bound) includes(r Record) bool {
	return (b.Position == 0 || r.Position <= b.Position) && (b.Time.IsZero() || !r.RecordedAt.After(b.Time))
}

func (b Bound) String() string {
	switch {
	case b.Position > 0:
		return fmt.Sprintf("pos:%d", b.Position)
	case !b.Time.IsZero():
		return b.Time.UTC().Format(time.RFC3339Nano)
	}
	return "now"
}

// Query is a time-travel question: what the ledger knew (AsOf), and
// optionally the state of the world at a business time (Effective) by what
// it knew then.
type Query struct {
	AsOf      Bound
	Effective time.Time
}

// ParseBound reads the CLI's and the API's syntax for a moment: an RFC 3339
// time, a date (meaning the end of that day, UTC), or pos:N.
func ParseBound(s string) (Bound, error) {
	if s == "" {
		return Bound{}, nil
	}
	if n, ok := strings.CutPrefix(s, "pos:"); ok {
		pos, err := strconv.ParseUint(n, 10, 64)
		if err != nil || pos == 0 {
			return Bound{}, fmt.Errorf("%q: pos:N needs a position of 1 or more", s)
		}
		return Bound{Position: pos}, nil
	}
	t, err := ParseTime(s)
	return Bound{Time: t}, err
}

// ParseTime reads an RFC 3339 time or a date (the end of that day, UTC).
func ParseTime(s string) (time.Time, error) {
	if d, err := events.ParseDate(s); err == nil {
		return d.End(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q must be an RFC 3339 time, a date YYYY-MM-DD or pos:N", s)
	}
	return t.UTC(), nil
}
