package aggregates

import (
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
		m.actions[e.ActionID] = &action{owner: e.Owner, status: actionOpen}
		p.count("AI")
	case events.ActionItemUpdated:
		if e.Owner != "" {
			m.actions[e.ActionID].owner = e.Owner
		}
	case events.ActionItemDone:
		m.actions[e.ActionID].status = actionDone
	case events.ActionItemCancelled:
		m.actions[e.ActionID].status = actionCancelled
	}
}
