package aggregates

import (
	"strings"
	"testing"

	"github.com/pledger/pledger/events"
)

func TestDecisions(t *testing.T) {
	// given: 0 charter, 1 risk raised, 2 meeting held
	risk := events.RiskRaised{RiskID: "R-1", Title: "SIP trunks late", Probability: 4, Impact: 4, Score: 16, Owner: "carrier"}
	held := events.MeetingHeld{MeetingID: "MTG-1", Title: "Steering committee", Date: date("2026-03-24"),
		Attendees: []string{"pm@example.com"}, Agenda: []string{"Carrier delay"}}
	history := withCharter(risk, held)
	record := func(mod func(*RecordDecision)) RecordDecision {
		c := RecordDecision{Title: "Interim analogue lines", Context: "SIP trunks two weeks late",
			Options: []string{"wait", "interim analogue lines"}, Choice: "interim analogue lines",
			Rationale: "the pilot date holds", DecidedBy: "steering committee",
			RestsOn: []string{eventIDOf(1).String()}, MeetingID: "MTG-1"}
		mod(&c)
		return c
	}
	recorded := events.DecisionRecorded{DecisionID: "DEC-1", Title: "Interim analogue lines", Context: "SIP trunks two weeks late",
		Options: []string{"wait", "interim analogue lines"}, Choice: "interim analogue lines",
		Rationale: "the pilot date holds", DecidedBy: "steering committee",
		RestsOn: []string{eventIDOf(1).String()}, MeetingID: "MTG-1"}
	second := events.DecisionRecorded{DecisionID: "DEC-2", Title: "Wait for the trunks", Context: "analogue lines unavailable",
		Options: []string{"wait", "interim analogue lines"}, Choice: "wait", Rationale: "no lines to be had", DecidedBy: "sponsor",
		Supersedes: "DEC-1"}
	runGWT(t, []gwt{
		{name: "record a decision resting on events", given: history, when: record(func(*RecordDecision) {}),
			then: []events.Payload{recorded}},
		{name: "event ids are recorded in canonical form", given: history,
			when: record(func(c *RecordDecision) {
				c.RestsOn = []string{strings.ToUpper(eventIDOf(1).String()), eventIDOf(0).String()}
			}),
			then: []events.Payload{func() events.DecisionRecorded {
				d := recorded
				d.RestsOn = []string{eventIDOf(1).String(), eventIDOf(0).String()}
				return d
			}()}},
		{name: "a decision outside a meeting, on no event", given: withCharter(),
			when: record(func(c *RecordDecision) { c.RestsOn, c.MeetingID = nil, "" }),
			then: []events.Payload{func() events.DecisionRecorded {
				d := recorded
				d.RestsOn, d.MeetingID = nil, ""
				return d
			}()}},
		{name: "supersede an earlier decision, in the same append", given: withCharter(risk, held, recorded),
			when: RecordDecision{Title: "Wait for the trunks", Context: "analogue lines unavailable", Options: []string{"wait", "interim analogue lines"},
				Choice: "wait", Rationale: "no lines to be had", DecidedBy: "sponsor", Supersedes: "DEC-1"},
			then: []events.Payload{second, events.DecisionSuperseded{DecisionID: "DEC-1", By: "DEC-2"}}},
		{name: "supersede a superseded decision", given: withCharter(risk, held, recorded, second, events.DecisionSuperseded{DecisionID: "DEC-1", By: "DEC-2"}),
			when: record(func(c *RecordDecision) { c.Supersedes = "DEC-1" }), kind: ErrRuleViolated, rule: "decision.already_superseded", field: "supersedes"},
		{name: "supersede an unknown decision", given: history,
			when: record(func(c *RecordDecision) { c.Supersedes = "DEC-7" }), kind: ErrNotFound, rule: "decision.not_found", field: "supersedes"},
		{name: "rest on an event not in this project", given: history,
			when: record(func(c *RecordDecision) { c.RestsOn = []string{eventIDOf(1).String(), eventIDOf(9).String()} }),
			kind: ErrNotFound, rule: "event.not_found", field: "rests_on[1]"},
		{name: "rest on something that is not an event id", given: history,
			when: record(func(c *RecordDecision) { c.RestsOn = []string{"R-1"} }), kind: ErrInvalid, rule: "uuid", field: "rests_on[0]"},
		{name: "rest on an event twice", given: history,
			when: record(func(c *RecordDecision) {
				c.RestsOn = []string{eventIDOf(1).String(), strings.ToUpper(eventIDOf(1).String())}
			}),
			kind: ErrInvalid, rule: "decision.duplicate_event", field: "rests_on[1]"},
		{name: "one option is no choice", given: history,
			when: record(func(c *RecordDecision) { c.Options = []string{"interim analogue lines"} }), kind: ErrInvalid, rule: "decision.too_few_options", field: "options"},
		{name: "an option twice", given: history,
			when: record(func(c *RecordDecision) { c.Options = []string{"wait", "wait", "interim analogue lines"} }),
			kind: ErrInvalid, rule: "decision.duplicate_option", field: "options[1]"},
		{name: "a blank option", given: history,
			when: record(func(c *RecordDecision) { c.Options = []string{"interim analogue lines", ""} }), kind: ErrInvalid, rule: "required", field: "options[1]"},
		{name: "a choice that was not an option", given: history,
			when: record(func(c *RecordDecision) { c.Choice = "second carrier" }), kind: ErrInvalid, rule: "decision.choice_not_an_option", field: "choice"},
		{name: "no choice", given: history,
			when: record(func(c *RecordDecision) { c.Choice = "" }), kind: ErrInvalid, rule: "required", field: "choice"},
		{name: "no title", given: history,
			when: record(func(c *RecordDecision) { c.Title = "" }), kind: ErrInvalid, rule: "required", field: "title"},
		{name: "no context", given: history,
			when: record(func(c *RecordDecision) { c.Context = "" }), kind: ErrInvalid, rule: "required", field: "context"},
		{name: "no rationale", given: history,
			when: record(func(c *RecordDecision) { c.Rationale = "" }), kind: ErrInvalid, rule: "required", field: "rationale"},
		{name: "no one decided", given: history,
			when: record(func(c *RecordDecision) { c.DecidedBy = "" }), kind: ErrInvalid, rule: "required", field: "decided_by"},
		{name: "taken in an unknown meeting", given: withCharter(risk),
			when: record(func(*RecordDecision) {}), kind: ErrNotFound, rule: "meeting.not_found", field: "meeting_id"},
		{name: "record before the charter", when: record(func(*RecordDecision) {}), kind: ErrNotFound, rule: "project.not_found"},
	})
}
