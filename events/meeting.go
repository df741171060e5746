package events

// Meetings and action items. Stream: project-<uuid>.

// MeetingHeld records a meeting: agenda, notes, attendees.
type MeetingHeld struct {
	MeetingID string   `json:"meeting_id"`
	Title     string   `json:"title"`
	Date      Date     `json:"date"`
	Attendees []string `json:"attendees"`
	Agenda    []string `json:"agenda"`
	Notes     string   `json:"notes,omitempty"`
}

// ActionItemAdded assigns an action to a project member.
type ActionItemAdded struct {
	ActionID  string `json:"action_id"`
	Title     string `json:"title"`
	Owner     string `json:"owner"`
	Due       Date   `json:"due"`
	MeetingID string `json:"meeting_id,omitempty"`
}

// ActionItemUpdated changes an open action's owner or due date (empty fields
// unchanged) and records a note.
type ActionItemUpdated struct {
	ActionID string `json:"action_id"`
	Owner    string `json:"owner,omitempty"`
	Due      Date   `json:"due,omitzero"`
	Note     string `json:"note,omitempty"`
}

// ActionItemDone closes an action as done.
type ActionItemDone struct {
	ActionID string `json:"action_id"`
	Note     string `json:"note,omitempty"`
}

// ActionItemCancelled closes an action as no longer needed.
type ActionItemCancelled struct {
	ActionID string `json:"action_id"`
}

func (MeetingHeld) EventType() string         { return "meeting.held" }
func (ActionItemAdded) EventType() string     { return "meeting.action_item_added" }
func (ActionItemUpdated) EventType() string   { return "meeting.action_item_updated" }
func (ActionItemDone) EventType() string      { return "meeting.action_item_done" }
func (ActionItemCancelled) EventType() string { return "meeting.action_item_cancelled" }
