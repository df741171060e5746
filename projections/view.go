package projections

import (
	"cmp"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pledger/pledger/events"
)

// Header says what a view is of and when: every view starts with it.
// Amounts in views are integers in minor units of Currency.
type Header struct {
	ProjectID string    `json:"project_id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Currency  string    `json:"currency"`
	AsOf      string    `json:"as_of"`               // "now", an RFC 3339 time or pos:N
	Effective string    `json:"effective,omitempty"` // RFC 3339, when asked
	Moment    time.Time `json:"moment"`              // what time-relative fields are computed against
	Today     string    `json:"today"`               // the moment's date
	Version   uint64    `json:"version"`             // stream version the view reflects
	Position  uint64    `json:"position"`            // global position of that event
}

func header(s *State, q Query, moment time.Time) Header {
	h := Header{ProjectID: s.Project.ProjectID, Code: s.Project.Code, Name: s.Project.Name, Currency: s.Project.Currency,
		AsOf: q.AsOf.String(), Moment: moment.UTC(), Today: events.DateOf(moment).String(), Version: s.Version, Position: s.Position}
	if !q.Effective.IsZero() {
		h.Effective = q.Effective.UTC().Format(time.RFC3339Nano)
	}
	return h
}

// sortedByID returns items in natural id order (R-2 before R-10). Each id
// is split once, and the sort moves small keys, not items.
func sortedByID[T any](items iter.Seq2[string, T], id func(T) string) []T {
	type key struct {
		prefix string
		n, at  int
		id     string
	}
	var all []T
	var keys []key
	for _, it := range items {
		k := id(it)
		p, n := splitID(k)
		keys = append(keys, key{p, n, len(all), k})
		all = append(all, it)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.prefix, b.prefix), cmp.Compare(a.n, b.n), strings.Compare(a.id, b.id))
	})
	out := make([]T, len(keys))
	for i, k := range keys {
		out[i] = all[k.at]
	}
	return out
}

// CompareIDs orders ids like R-2 before R-10: by prefix, then by number.
func CompareIDs(a, b string) int {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if c := strings.Compare(pa, pb); c != 0 {
		return c
	}
	if c := cmp.Compare(na, nb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func splitID(id string) (string, int) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return id, 0
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil {
		return id, 0
	}
	return id[:i], n
}

// daysFrom is the number of days from a to b; negative if b is earlier.
func daysFrom(a, b events.Date) int {
	if a.IsZero() || b.IsZero() {
		return 0
	}
	return a.DaysUntil(b)
}
