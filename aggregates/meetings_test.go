package aggregates

import (
	"testing"

	"github.com/pledger/pledger/events"
)

func TestHoldMeeting(t *testing.T) {
	eng := events.MemberJoined{Person: "eng@example.com", Name: "Ana Engineer", Role: "network engineer"}
	ops := events.MemberJoined{Person: "ops@example.com", Name: "Oli Ops", Role: "service desk lead"}
	revoked := []events.Payload{
		events.AccessRequested{Person: "ops@example.com", System: "carrier portal", Level: "order"},
		events.AccessProvisioned{Person: "ops@example.com", System: "carrier portal"},
		events.AccessRevoked{Person: "ops@example.com", System: "carrier portal"},
	}
	hold := func(mod func(*HoldMeeting)) HoldMeeting {
		c := HoldMeeting{Title: "Weekly status", Date: date("2026-03-10"),
			Attendees: []string{"pm@example.com", "eng@example.com"}, Agenda: []string{"SIP trunks", "Handsets"},
			Notes: "Carrier confirms trunks for 14 April.",
			Actions: []NewAction{
				{Title: "Chase carrier for trunk order", Owner: "eng@example.com", Due: date("2026-03-13")},
				{Title: "Order pilot handsets", Owner: "ops@example.com", Due: date("2026-03-20")},
			}}
		mod(&c)
		return c
	}
	held := events.MeetingHeld{MeetingID: "MTG-1", Title: "Weekly status", Date: date("2026-03-10"),
		Attendees: []string{"pm@example.com", "eng@example.com"}, Agenda: []string{"SIP trunks", "Handsets"},
		Notes: "Carrier confirms trunks for 14 April."}
	onTeam := withCharter(eng, ops)
	runGWT(t, []gwt{
		{name: "hold a meeting with its actions, in one append", given: onTeam, when: hold(func(*HoldMeeting) {}),
			then: []events.Payload{
				held,
				events.ActionItemAdded{ActionID: "AI-1", Title: "Chase carrier for trunk order", Owner: "eng@example.com", Due: date("2026-03-13"), MeetingID: "MTG-1"},
				events.ActionItemAdded{ActionID: "AI-2", Title: "Order pilot handsets", Owner: "ops@example.com", Due: date("2026-03-20"), MeetingID: "MTG-1"},
			}},
		{name: "a meeting without actions", given: onTeam, when: hold(func(c *HoldMeeting) { c.Actions = nil }),
			then: []events.Payload{held}},
		{name: "ids follow on",
			given: withCharter(eng, ops, held,
				events.ActionItemAdded{ActionID: "AI-1", Title: "Chase carrier", Owner: "eng@example.com", Due: date("2026-03-13"), MeetingID: "MTG-1"}),
			when: hold(func(c *HoldMeeting) { c.Date, c.Actions = date("2026-03-17"), c.Actions[1:] }),
			then: []events.Payload{
				events.MeetingHeld{MeetingID: "MTG-2", Title: "Weekly status", Date: date("2026-03-17"),
					Attendees: []string{"pm@example.com", "eng@example.com"}, Agenda: []string{"SIP trunks", "Handsets"},
					Notes: "Carrier confirms trunks for 14 April."},
				events.ActionItemAdded{ActionID: "AI-2", Title: "Order pilot handsets", Owner: "ops@example.com", Due: date("2026-03-20"), MeetingID: "MTG-2"},
			}},
		{name: "no title", given: onTeam, when: hold(func(c *HoldMeeting) { c.Title = "" }),
			kind: ErrInvalid, rule: "required", field: "title"},
		{name: "no date", given: onTeam, when: hold(func(c *HoldMeeting) { c.Date = events.Date{} }),
			kind: ErrInvalid, rule: "required", field: "date"},
		{name: "no attendees", given: onTeam, when: hold(func(c *HoldMeeting) { c.Attendees = nil }),
			kind: ErrInvalid, rule: "required", field: "attendees"},
		{name: "an attendee by name, not e-mail", given: onTeam, when: hold(func(c *HoldMeeting) { c.Attendees = []string{"pm@example.com", "Ana"} }),
			kind: ErrInvalid, rule: "email", field: "attendees[1]"},
		{name: "no agenda", given: onTeam, when: hold(func(c *HoldMeeting) { c.Agenda = []string{} }),
			kind: ErrInvalid, rule: "required", field: "agenda"},
		{name: "a blank agenda item", given: onTeam, when: hold(func(c *HoldMeeting) { c.Agenda = []string{"SIP trunks", " "} }),
			kind: ErrInvalid, rule: "required", field: "agenda[1]"},
		{name: "an action without a title", given: onTeam, when: hold(func(c *HoldMeeting) { c.Actions[1].Title = "" }),
			kind: ErrInvalid, rule: "required", field: "actions[1].title"},
		{name: "an action owned by a name, not an e-mail", given: onTeam, when: hold(func(c *HoldMeeting) { c.Actions[0].Owner = "Ana" }),
			kind: ErrInvalid, rule: "email", field: "actions[0].owner"},
		{name: "an action without a due date", given: onTeam, when: hold(func(c *HoldMeeting) { c.Actions[0].Due = events.Date{} }),
			kind: ErrInvalid, rule: "required", field: "actions[0].due"},
		{name: "an action due before the meeting", given: onTeam, when: hold(func(c *HoldMeeting) { c.Actions[1].Due = date("2026-03-09") }),
			kind: ErrInvalid, rule: "action.due_before_meeting", field: "actions[1].due"},
		{name: "an action for someone not on the team", given: withCharter(eng), when: hold(func(*HoldMeeting) {}),
			kind: ErrRuleViolated, rule: "team.not_a_member", field: "actions[1].owner"},
		{name: "an action for someone who left", given: withCharter(eng, ops, events.MemberLeft{Person: "ops@example.com"}),
			when: hold(func(*HoldMeeting) {}), kind: ErrRuleViolated, rule: "team.member_left", field: "actions[1].owner"},
		{name: "a member whose access is revoked cannot be assigned new actions", given: withCharter(append([]events.Payload{eng, ops}, revoked...)...),
			when: hold(func(*HoldMeeting) {}), kind: ErrRuleViolated, rule: "team.access_revoked", field: "actions[1].owner"},
		{name: "a member whose access is revoked may still attend", given: withCharter(append([]events.Payload{eng, ops}, revoked...)...),
			when: hold(func(c *HoldMeeting) { c.Attendees, c.Actions = []string{"ops@example.com"}, c.Actions[:1] }),
			then: []events.Payload{
				events.MeetingHeld{MeetingID: "MTG-1", Title: "Weekly status", Date: date("2026-03-10"),
					Attendees: []string{"ops@example.com"}, Agenda: []string{"SIP trunks", "Handsets"}, Notes: "Carrier confirms trunks for 14 April."},
				events.ActionItemAdded{ActionID: "AI-1", Title: "Chase carrier for trunk order", Owner: "eng@example.com", Due: date("2026-03-13"), MeetingID: "MTG-1"},
			}},
		{name: "hold a meeting before the charter", when: hold(func(*HoldMeeting) {}), kind: ErrNotFound, rule: "project.not_found"},
	})
}

func TestActions(t *testing.T) {
	eng := events.MemberJoined{Person: "eng@example.com", Name: "Ana Engineer", Role: "network engineer"}
	ops := events.MemberJoined{Person: "ops@example.com", Name: "Oli Ops", Role: "service desk lead"}
	revokeOps := []events.Payload{
		events.AccessRequested{Person: "ops@example.com", System: "carrier portal", Level: "order"},
		events.AccessProvisioned{Person: "ops@example.com", System: "carrier portal"},
		events.AccessRevoked{Person: "ops@example.com", System: "carrier portal"},
	}
	held := events.MeetingHeld{MeetingID: "MTG-1", Title: "Weekly status", Date: date("2026-03-10"),
		Attendees: []string{"pm@example.com"}, Agenda: []string{"SIP trunks"}}
	added := events.ActionItemAdded{ActionID: "AI-1", Title: "Order pilot handsets", Owner: "eng@example.com", Due: date("2026-03-20")}
	onTeam := withCharter(eng, ops)
	withAction := func(more ...events.Payload) []events.Payload { return append(withCharter(eng, ops, added), more...) }
	cancel := Meta{Reason: "pilot handsets come with the carrier's bundle"}
	runGWT(t, []gwt{
		{name: "add an action", given: onTeam, when: AddAction{Title: "Order pilot handsets", Owner: "eng@example.com", Due: date("2026-03-20")},
			then: []events.Payload{added}},
		{name: "add an action from a meeting", given: withCharter(eng, ops, held),
			when: AddAction{Title: "Order pilot handsets", Owner: "eng@example.com", Due: date("2026-03-20"), MeetingID: "MTG-1"},
			then: []events.Payload{events.ActionItemAdded{ActionID: "AI-1", Title: "Order pilot handsets", Owner: "eng@example.com", Due: date("2026-03-20"), MeetingID: "MTG-1"}}},
		{name: "ids follow on", given: withAction(), when: AddAction{Title: "Book training room", Owner: "ops@example.com", Due: date("2026-03-27")},
			then: []events.Payload{events.ActionItemAdded{ActionID: "AI-2", Title: "Book training room", Owner: "ops@example.com", Due: date("2026-03-27")}}},
		{name: "add from an unknown meeting", given: onTeam,
			when: AddAction{Title: "x", Owner: "eng@example.com", Due: date("2026-03-20"), MeetingID: "MTG-4"},
			kind: ErrNotFound, rule: "meeting.not_found", field: "meeting_id"},
		{name: "add without a title", given: onTeam, when: AddAction{Owner: "eng@example.com", Due: date("2026-03-20")},
			kind: ErrInvalid, rule: "required", field: "title"},
		{name: "add without an owner's e-mail", given: onTeam, when: AddAction{Title: "x", Owner: "Ana", Due: date("2026-03-20")},
			kind: ErrInvalid, rule: "email", field: "owner"},
		{name: "add without a due date", given: onTeam, when: AddAction{Title: "x", Owner: "eng@example.com"},
			kind: ErrInvalid, rule: "required", field: "due"},
		{name: "add for someone not on the team", given: withCharter(eng), when: AddAction{Title: "x", Owner: "ops@example.com", Due: date("2026-03-20")},
			kind: ErrRuleViolated, rule: "team.not_a_member", field: "owner"},
		{name: "add for someone who left", given: withCharter(eng, ops, events.MemberLeft{Person: "ops@example.com"}),
			when: AddAction{Title: "x", Owner: "ops@example.com", Due: date("2026-03-20")}, kind: ErrRuleViolated, rule: "team.member_left", field: "owner"},
		{name: "add for someone whose access is revoked", given: withCharter(append([]events.Payload{eng, ops}, revokeOps...)...),
			when: AddAction{Title: "x", Owner: "ops@example.com", Due: date("2026-03-20")}, kind: ErrRuleViolated, rule: "team.access_revoked", field: "owner"},

		{name: "hand an action over", given: withAction(), when: UpdateAction{ActionID: "AI-1", Owner: "ops@example.com", Note: "Ana on leave"},
			then: []events.Payload{events.ActionItemUpdated{ActionID: "AI-1", Owner: "ops@example.com", Note: "Ana on leave"}}},
		{name: "move the due date", given: withAction(), when: UpdateAction{ActionID: "AI-1", Due: date("2026-03-27")},
			then: []events.Payload{events.ActionItemUpdated{ActionID: "AI-1", Due: date("2026-03-27")}}},
		{name: "a note only", given: withAction(), when: UpdateAction{ActionID: "AI-1", Note: "supplier quote received"},
			then: []events.Payload{events.ActionItemUpdated{ActionID: "AI-1", Note: "supplier quote received"}}},
		{name: "only what changed is recorded", given: withAction(),
			when: UpdateAction{ActionID: "AI-1", Owner: "eng@example.com", Due: date("2026-03-27")},
			then: []events.Payload{events.ActionItemUpdated{ActionID: "AI-1", Due: date("2026-03-27")}}},
		{name: "update with nothing", given: withAction(), when: UpdateAction{ActionID: "AI-1"},
			kind: ErrInvalid, rule: "nothing_to_update", field: "owner"},
		{name: "update to what it already is", given: withAction(),
			when: UpdateAction{ActionID: "AI-1", Owner: "eng@example.com", Due: date("2026-03-20")}, kind: ErrRuleViolated, rule: "action.unchanged"},
		{name: "hand over to the owner it already went to",
			given: withAction(events.ActionItemUpdated{ActionID: "AI-1", Owner: "ops@example.com", Due: date("2026-03-27")}),
			when:  UpdateAction{ActionID: "AI-1", Owner: "ops@example.com", Due: date("2026-03-27")}, kind: ErrRuleViolated, rule: "action.unchanged"},
		{name: "hand over to someone not on the team", given: withCharter(eng, added),
			when: UpdateAction{ActionID: "AI-1", Owner: "ops@example.com"}, kind: ErrRuleViolated, rule: "team.not_a_member", field: "owner"},
		{name: "hand over to someone whose access is revoked", given: withAction(revokeOps...),
			when: UpdateAction{ActionID: "AI-1", Owner: "ops@example.com"}, kind: ErrRuleViolated, rule: "team.access_revoked", field: "owner"},
		{name: "hand over to a name, not an e-mail", given: withAction(),
			when: UpdateAction{ActionID: "AI-1", Owner: "Oli"}, kind: ErrInvalid, rule: "email", field: "owner"},
		{name: "update a done action", given: withAction(events.ActionItemDone{ActionID: "AI-1"}),
			when: UpdateAction{ActionID: "AI-1", Note: "x"}, kind: ErrRuleViolated, rule: "action.not_open", field: "action_id"},
		{name: "update an unknown action", given: onTeam, when: UpdateAction{ActionID: "AI-1", Note: "x"},
			kind: ErrNotFound, rule: "action.not_found", field: "action_id"},

		{name: "complete", given: withAction(), when: CompleteAction{ActionID: "AI-1", Note: "PO 4711 sent"},
			then: []events.Payload{events.ActionItemDone{ActionID: "AI-1", Note: "PO 4711 sent"}}},
		{name: "an owner whose access was revoked may still complete old actions",
			given: withCharter(append([]events.Payload{eng, ops, events.ActionItemAdded{ActionID: "AI-1", Title: "x", Owner: "ops@example.com", Due: date("2026-03-20")}}, revokeOps...)...),
			when:  CompleteAction{ActionID: "AI-1"}, then: []events.Payload{events.ActionItemDone{ActionID: "AI-1"}}},
		{name: "complete twice", given: withAction(events.ActionItemDone{ActionID: "AI-1"}), when: CompleteAction{ActionID: "AI-1"},
			kind: ErrRuleViolated, rule: "action.not_open", field: "action_id"},
		{name: "complete a cancelled action", given: withAction(events.ActionItemCancelled{ActionID: "AI-1"}), when: CompleteAction{ActionID: "AI-1"},
			kind: ErrRuleViolated, rule: "action.not_open", field: "action_id"},
		{name: "complete an unknown action", given: onTeam, when: CompleteAction{ActionID: "AI-3"},
			kind: ErrNotFound, rule: "action.not_found", field: "action_id"},

		{name: "cancel", given: withAction(), when: CancelAction{ActionID: "AI-1"}, meta: cancel,
			then: []events.Payload{events.ActionItemCancelled{ActionID: "AI-1"}}},
		{name: "cancel without a reason", given: withAction(), when: CancelAction{ActionID: "AI-1"},
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "cancel a done action", given: withAction(events.ActionItemDone{ActionID: "AI-1"}), when: CancelAction{ActionID: "AI-1"}, meta: cancel,
			kind: ErrRuleViolated, rule: "action.not_open", field: "action_id"},
		{name: "cancel an unknown action", given: onTeam, when: CancelAction{ActionID: "AI-1"}, meta: cancel,
			kind: ErrNotFound, rule: "action.not_found", field: "action_id"},

		{name: "an open action keeps the project open",
			given: withAction(events.ProjectPhaseChanged{Phase: events.PhaseClosing, From: events.PhaseInitiation}),
			when:  CloseProject{Outcome: "migrated", LessonsLearned: []string{"order trunks early"}}, kind: ErrRuleViolated, rule: "project.open_items"},
		{name: "closed actions do not",
			given: withAction(events.ActionItemDone{ActionID: "AI-1"}, events.ProjectPhaseChanged{Phase: events.PhaseClosing, From: events.PhaseInitiation}),
			when:  CloseProject{Outcome: "migrated", LessonsLearned: []string{"order trunks early"}},
			then:  []events.Payload{events.ProjectClosed{Outcome: "migrated", LessonsLearned: []string{"order trunks early"}}}},
	})
}
