package aggregates

import (
	"fmt"

	"github.com/pledger/pledger/events"
)

// Action item states.
const (
	actionOpen      = "open"
	actionDone      = "done"
	actionCancelled = "cancelled"
)

type action struct {
	owner  string
	due    events.Date
	status string
}

type meetings struct {
	held    map[string]bool
	actions map[string]*action
}

func newMeetings() meetings { return meetings{held: map[string]bool{}, actions: map[string]*action{}} }

func (m *meetings) openCount() int {
	n := 0
	for _, a := range m.actions {
		if a.status == actionOpen {
			n++
		}
	}
	return n
}

func (m *meetings) apply(p *Project, payload events.Payload) {
	switch e := payload.(type) {
	case events.MeetingHeld:
		m.held[e.MeetingID] = true
		p.count("MTG")
	case events.ActionItemAdded:
		m.actions[e.ActionID] = &action{owner: e.Owner, due: e.Due, status: actionOpen}
		p.count("AI")
	case events.ActionItemUpdated:
		if e.Owner != "" {
			m.actions[e.ActionID].owner = e.Owner
		}
		if !e.Due.IsZero() {
			m.actions[e.ActionID].due = e.Due
		}
	case events.ActionItemDone:
		m.actions[e.ActionID].status = actionDone
	case events.ActionItemCancelled:
		m.actions[e.ActionID].status = actionCancelled
	}
}

// meeting checks that a meeting named by field was held.
func (m *meetings) meeting(field, id string) error {
	if !m.held[id] {
		return notFound(field, "meeting", id)
	}
	return nil
}

// openAction returns an action that can still change, or why not.
func (m *meetings) openAction(id string) (*action, error) {
	a, ok := m.actions[id]
	switch {
	case !ok:
		return nil, notFound("action_id", "action", id)
	case a.status != actionOpen:
		return nil, violatesField("action_id", "action.not_open", "action %s is already %s", id, a.status)
	}
	return a, nil
}

// NewAction is an action item agreed in a meeting.
type NewAction struct {
	Title string
	Owner string
	Due   events.Date
}

// HoldMeeting records a meeting and the actions agreed in it, in one append:
// MeetingHeld, then one ActionItemAdded per action. Every owner must be a
// current team member whose access has not been revoked.
type HoldMeeting struct {
	Title     string
	Date      events.Date
	Attendees []string
	Agenda    []string
	Notes     string
	Actions   []NewAction
}

// Decide implements ProjectCommand.
func (c HoldMeeting) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("title", c.Title)
	v.date("date", c.Date)
	if len(c.Attendees) == 0 {
		v.fail(invalid("attendees", "required", "at least one attendee is required"))
	}
	for i, a := range c.Attendees {
		v.person(fmt.Sprintf("attendees[%d]", i), a)
	}
	if len(c.Agenda) == 0 {
		v.fail(invalid("agenda", "required", "at least one agenda item is required"))
	}
	for i, a := range c.Agenda {
		v.text(fmt.Sprintf("agenda[%d]", i), a)
	}
	v.optionalText("notes", c.Notes)
	for i, a := range c.Actions {
		field := fmt.Sprintf("actions[%d]", i)
		v.text(field+".title", a.Title)
		v.person(field+".owner", a.Owner)
		v.date(field+".due", a.Due)
		if v.err == nil && a.Due.Before(c.Date) {
			v.fail(invalid(field+".due", "action.due_before_meeting", "must not be before the meeting on %s", c.Date))
		}
	}
	if v.err != nil {
		return nil, v.err
	}
	for i, a := range c.Actions {
		if err := p.team.assignable(fmt.Sprintf("actions[%d].owner", i), a.Owner); err != nil {
			return nil, err
		}
	}
	meetingID := p.nextID("MTG")
	out := []events.Payload{events.MeetingHeld{MeetingID: meetingID, Title: c.Title, Date: c.Date,
		Attendees: c.Attendees, Agenda: c.Agenda, Notes: c.Notes}}
	for i, a := range c.Actions {
		out = append(out, events.ActionItemAdded{ActionID: fmt.Sprintf("AI-%d", p.counters["AI"]+i+1),
			Title: a.Title, Owner: a.Owner, Due: a.Due, MeetingID: meetingID})
	}
	return out, nil
}

// AddAction assigns an action item to a team member, optionally from a
// meeting already recorded.
type AddAction struct {
	Title     string
	Owner     string
	Due       events.Date
	MeetingID string
}

// Decide implements ProjectCommand.
func (c AddAction) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("title", c.Title)
	v.person("owner", c.Owner)
	v.date("due", c.Due)
	if v.err != nil {
		return nil, v.err
	}
	if c.MeetingID != "" {
		if err := p.meetings.meeting("meeting_id", c.MeetingID); err != nil {
			return nil, err
		}
	}
	if err := p.team.assignable("owner", c.Owner); err != nil {
		return nil, err
	}
	return []events.Payload{events.ActionItemAdded{ActionID: p.nextID("AI"), Title: c.Title, Owner: c.Owner,
		Due: c.Due, MeetingID: c.MeetingID}}, nil
}

// UpdateAction hands an open action to another owner, moves its due date or
// records a note (empty fields unchanged); something must change. The event
// carries only what changed.
type UpdateAction struct {
	ActionID string
	Owner    string
	Due      events.Date
	Note     string
}

// Decide implements ProjectCommand.
func (c UpdateAction) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	if c.Owner != "" {
		v.person("owner", c.Owner)
	}
	v.optionalText("note", c.Note)
	if c.Owner == "" && c.Due.IsZero() && c.Note == "" {
		v.fail(invalid("owner", "nothing_to_update", "give a new owner, due date or note"))
	}
	if v.err != nil {
		return nil, v.err
	}
	a, err := p.meetings.openAction(c.ActionID)
	if err != nil {
		return nil, err
	}
	out := events.ActionItemUpdated{ActionID: c.ActionID, Note: c.Note}
	if c.Owner != "" && c.Owner != a.owner {
		if err := p.team.assignable("owner", c.Owner); err != nil {
			return nil, err
		}
		out.Owner = c.Owner
	}
	if !c.Due.IsZero() && c.Due != a.due {
		out.Due = c.Due
	}
	if out.Owner == "" && out.Due.IsZero() && out.Note == "" {
		return nil, violates("action.unchanged", "action %s already has that owner and due date", c.ActionID)
	}
	return []events.Payload{out}, nil
}

// CompleteAction closes an open action as done.
type CompleteAction struct {
	ActionID string
	Note     string
}

// Decide implements ProjectCommand.
func (c CompleteAction) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.optionalText("note", c.Note)
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.meetings.openAction(c.ActionID); err != nil {
		return nil, err
	}
	return []events.Payload{events.ActionItemDone(c)}, nil
}

// CancelAction closes an open action as no longer needed; the reason is
// required.
type CancelAction struct {
	ActionID string
}

// Decide implements ProjectCommand.
func (c CancelAction) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.reason(meta, "cancel an action")
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.meetings.openAction(c.ActionID); err != nil {
		return nil, err
	}
	return []events.Payload{events.ActionItemCancelled(c)}, nil
}
