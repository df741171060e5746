package aggregates

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

type decisions struct {
	superseded map[string]bool // decision id → superseded
}

func newDecisions() decisions { return decisions{superseded: map[string]bool{}} }

func (d *decisions) apply(p *Project, payload events.Payload) {
	switch e := payload.(type) {
	case events.DecisionRecorded:
		d.superseded[e.DecisionID] = false
		p.count("DEC")
	case events.DecisionSuperseded:
		d.superseded[e.DecisionID] = true
	}
}

// RecordDecision records a decision: its context, the options considered
// (at least two, the choice among them), the rationale, who decided, and the
// events of this project it rests on, so an auditor can follow a decision
// back to the facts behind it. A decision that supersedes an earlier one
// marks that one superseded in the same append.
type RecordDecision struct {
	Title      string
	Context    string
	Options    []string
	Choice     string
	Rationale  string
	DecidedBy  string
	RestsOn    []string // event ids in this project's stream
	Supersedes string   // an earlier decision's id, optional
	MeetingID  string   // the meeting it was taken in, optional
}

// Decide implements ProjectCommand.
func (c RecordDecision) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("title", c.Title)
	v.text("context", c.Context)
	if len(c.Options) < 2 {
		v.fail(invalid("options", "decision.too_few_options", "at least two options must have been considered, got %d", len(c.Options)))
	}
	for i, o := range c.Options {
		field := fmt.Sprintf("options[%d]", i)
		v.text(field, o)
		if slices.Contains(c.Options[:i], o) {
			v.fail(invalid(field, "decision.duplicate_option", "option %q is listed twice", o))
		}
	}
	v.text("choice", c.Choice)
	if v.err == nil && !slices.Contains(c.Options, c.Choice) {
		v.fail(invalid("choice", "decision.choice_not_an_option", "must be one of the options considered, got %q", c.Choice))
	}
	v.text("rationale", c.Rationale)
	v.text("decided_by", c.DecidedBy)
	restsOn := make([]string, len(c.RestsOn))
	for i, s := range c.RestsOn {
		field := fmt.Sprintf("rests_on[%d]", i)
		id, err := uuid.Parse(s)
		if err != nil {
			v.fail(invalid(field, "uuid", "must be an event id (UUID), got %q", s))
			continue
		}
		restsOn[i] = id.String()
		if slices.Contains(restsOn[:i], restsOn[i]) {
			v.fail(invalid(field, "decision.duplicate_event", "event %s is named twice", id))
		}
	}
	if v.err != nil {
		return nil, v.err
	}
	for i, s := range restsOn {
		if _, ok := p.seen[uuid.MustParse(s)]; !ok {
			return nil, notFound(fmt.Sprintf("rests_on[%d]", i), "event", s)
		}
	}
	if c.Supersedes != "" {
		superseded, ok := p.decisions.superseded[c.Supersedes]
		switch {
		case !ok:
			return nil, notFound("supersedes", "decision", c.Supersedes)
		case superseded:
			return nil, violatesField("supersedes", "decision.already_superseded", "decision %s is already superseded", c.Supersedes)
		}
	}
	if c.MeetingID != "" {
		if err := p.meetings.meeting("meeting_id", c.MeetingID); err != nil {
			return nil, err
		}
	}
	if len(restsOn) == 0 {
		restsOn = nil
	}
	id := p.nextID("DEC")
	out := []events.Payload{events.DecisionRecorded{DecisionID: id, Title: c.Title, Context: c.Context,
		Options: c.Options, Choice: c.Choice, Rationale: c.Rationale, DecidedBy: c.DecidedBy,
		RestsOn: restsOn, Supersedes: c.Supersedes, MeetingID: c.MeetingID}}
	if c.Supersedes != "" {
		out = append(out, events.DecisionSuperseded{DecisionID: c.Supersedes, By: id})
	}
	return out, nil
}
