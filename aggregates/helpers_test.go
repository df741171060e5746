package aggregates

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

var testProjectID = uuid.MustParse("6f1c2a9e-3b7d-4c1e-9a55-2d8e0b7c4f10")

// charter is the project every given-when-then case starts from: EUR,
// 2 March to 30 June 2026.
func charter() events.ProjectChartered {
	return events.ProjectChartered{
		ProjectID: testProjectID.String(), Code: "TPM", Name: "Teams Phone migration", Sponsor: "CIO",
		Manager: "pm@example.com", Coordinator: "coord@example.com",
		Start: date("2026-03-02"), End: date("2026-06-30"), Currency: "EUR",
	}
}

func date(s string) events.Date {
	d, err := events.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func eur(minor int64) events.Money { return events.Money{Minor: minor, Currency: "EUR"} }

// eventIDOf is the id given's i-th event gets, for cases that refer to an
// earlier event (corrections, decisions resting on events).
func eventIDOf(i int) uuid.UUID { return uuid.NewSHA1(testProjectID, fmt.Appendf(nil, "given-%d", i)) }

// given folds a history into a project state, as the repository would.
func given(history ...events.Payload) *Project {
	p := NewProject(testProjectID)
	for i, e := range history {
		p.apply(events.Event{ID: eventIDOf(i), Version: uint64(i + 1), Type: e.EventType()}, e)
	}
	return p
}

// withCharter prepends the charter to a history. The result has no spare
// capacity, so appending to it in one case never changes another's.
func withCharter(history ...events.Payload) []events.Payload {
	out := append([]events.Payload{charter()}, history...)
	return out[:len(out):len(out)]
}

// gwt is one given-when-then case: given these events, when this command,
// then exactly these events — or a refusal of this kind under this rule.
type gwt struct {
	name  string
	given []events.Payload
	when  ProjectCommand
	meta  Meta
	then  []events.Payload
	kind  error  // ErrInvalid, ErrRuleViolated, ErrNotFound; nil for success
	rule  string // the refusal's Rule
	field string // the refusal's Field, when it names one
}

func runGWT(t *testing.T, cases []gwt) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := given(c.given...)
			before := p.Version()
			meta := c.meta
			if meta.Actor == "" {
				meta.Actor = "coord@example.com"
			}
			got, ok := requireDecision(t, func() ([]events.Payload, error) { return Decide(p, c.when, meta) }, c.then, c.kind, c.rule, c.field)
			if !ok {
				return
			}
			require.Equal(t, before, p.Version())
			for i, e := range got { // the produced events fold without trouble
				p.apply(events.Event{ID: uuid.New(), Version: before + uint64(i) + 1, Type: e.EventType()}, e)
			}
		})
	}
}

// requireDecision decides twice: the first outcome is exactly then, or a
// refusal of kind under rule (naming field, when given); the second is the
// same, because deciding changes nothing. ok is false for a refusal.
func requireDecision(t *testing.T, decide func() ([]events.Payload, error), then []events.Payload, kind error, rule, field string) (got []events.Payload, ok bool) {
	t.Helper()
	got, err := decide()
	if kind != nil {
		require.ErrorIs(t, err, kind)
		var e *Error
		require.True(t, errors.As(err, &e), "a refusal is an *Error: %v", err)
		require.Equal(t, rule, e.Rule, "rule of: %v", err)
		if field != "" {
			require.Equal(t, field, e.Field, "field of: %v", err)
		}
		require.Nil(t, got)
		return nil, false
	}
	require.NoError(t, err)
	require.Equal(t, then, got)
	again, err := decide()
	require.NoError(t, err)
	require.Equal(t, got, again, "deciding did not change the state")
	return got, true
}
