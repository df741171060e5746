package aggregates

import (
	"testing"

	"github.com/pledger/pledger/events"
)

func charterCommand() CharterProject {
	c := charter()
	return CharterProject{Code: c.Code, Name: c.Name, Sponsor: c.Sponsor, Manager: c.Manager, Coordinator: c.Coordinator,
		Start: c.Start, End: c.End, Currency: c.Currency}
}

func TestCharterProject(t *testing.T) {
	with := func(change func(*CharterProject)) CharterProject {
		c := charterCommand()
		change(&c)
		return c
	}
	runGWT(t, []gwt{
		{name: "charter", when: charterCommand(), then: []events.Payload{charter()}},
		{name: "charter with a description",
			when: with(func(c *CharterProject) { c.Description = "Move 800 users to Teams Phone" }),
			then: []events.Payload{func() events.ProjectChartered {
				e := charter()
				e.Description = "Move 800 users to Teams Phone"
				return e
			}()}},
		{name: "code in lower case", when: with(func(c *CharterProject) { c.Code = "tpm" }),
			kind: ErrInvalid, rule: "project_code", field: "code"},
		{name: "code too long", when: with(func(c *CharterProject) { c.Code = "TEAMSPHONE" }),
			kind: ErrInvalid, rule: "project_code", field: "code"},
		{name: "code starting with a digit", when: with(func(c *CharterProject) { c.Code = "1TP" }),
			kind: ErrInvalid, rule: "project_code", field: "code"},
		{name: "no name", when: with(func(c *CharterProject) { c.Name = " " }),
			kind: ErrInvalid, rule: "required", field: "name"},
		{name: "no sponsor", when: with(func(c *CharterProject) { c.Sponsor = "" }),
			kind: ErrInvalid, rule: "required", field: "sponsor"},
		{name: "currency not ISO 4217", when: with(func(c *CharterProject) { c.Currency = "euro" }),
			kind: ErrInvalid, rule: "iso_4217", field: "currency"},
		{name: "no currency", when: with(func(c *CharterProject) { c.Currency = "" }),
			kind: ErrInvalid, rule: "iso_4217", field: "currency"},
		{name: "end before start", when: with(func(c *CharterProject) { c.End = date("2026-03-01") }),
			kind: ErrInvalid, rule: "after_start", field: "end"},
		{name: "end on the start", when: with(func(c *CharterProject) { c.End = c.Start }),
			kind: ErrInvalid, rule: "after_start", field: "end"},
		{name: "no start", when: with(func(c *CharterProject) { c.Start = events.Date{} }),
			kind: ErrInvalid, rule: "required", field: "start"},
		{name: "manager not an e-mail", when: with(func(c *CharterProject) { c.Manager = "Pat Manager" }),
			kind: ErrInvalid, rule: "email", field: "manager"},
		{name: "coordinator not an e-mail", when: with(func(c *CharterProject) { c.Coordinator = "coord@" }),
			kind: ErrInvalid, rule: "email", field: "coordinator"},
		{name: "charter twice", given: withCharter(), when: charterCommand(),
			kind: ErrRuleViolated, rule: "project.already_chartered"},
		{name: "charter a closed project again", given: withCharter(events.ProjectClosed{Outcome: "o", LessonsLearned: []string{"l"}}),
			when: charterCommand(), kind: ErrRuleViolated, rule: "project.already_chartered"},
	})
}

func TestChangePhase(t *testing.T) {
	toPlanning := events.ProjectPhaseChanged{Phase: events.PhasePlanning, From: events.PhaseInitiation}
	toExecution := events.ProjectPhaseChanged{Phase: events.PhaseExecution, From: events.PhasePlanning}
	runGWT(t, []gwt{
		{name: "initiation to planning", given: withCharter(), when: ChangePhase{Phase: events.PhasePlanning},
			then: []events.Payload{toPlanning}},
		{name: "planning to execution", given: withCharter(toPlanning), when: ChangePhase{Phase: events.PhaseExecution},
			then: []events.Payload{toExecution}},
		{name: "execution to closing", given: withCharter(toPlanning, toExecution), when: ChangePhase{Phase: events.PhaseClosing},
			then: []events.Payload{events.ProjectPhaseChanged{Phase: events.PhaseClosing, From: events.PhaseExecution}}},
		{name: "skip planning", given: withCharter(), when: ChangePhase{Phase: events.PhaseExecution},
			kind: ErrRuleViolated, rule: "phase.skipped", field: "phase"},
		{name: "skip to closing", given: withCharter(toPlanning), when: ChangePhase{Phase: events.PhaseClosing},
			kind: ErrRuleViolated, rule: "phase.skipped", field: "phase"},
		{name: "the same phase", given: withCharter(toPlanning), when: ChangePhase{Phase: events.PhasePlanning},
			kind: ErrRuleViolated, rule: "phase.unchanged", field: "phase"},
		{name: "initiation again", given: withCharter(), when: ChangePhase{Phase: events.PhaseInitiation},
			kind: ErrRuleViolated, rule: "phase.unchanged", field: "phase"},
		{name: "back without a reason", given: withCharter(toPlanning, toExecution), when: ChangePhase{Phase: events.PhasePlanning},
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "back with a reason", given: withCharter(toPlanning, toExecution), when: ChangePhase{Phase: events.PhasePlanning},
			meta: Meta{Reason: "carrier contract re-tendered"},
			then: []events.Payload{events.ProjectPhaseChanged{Phase: events.PhasePlanning, From: events.PhaseExecution}}},
		{name: "back two phases with a reason", given: withCharter(toPlanning, toExecution), when: ChangePhase{Phase: events.PhaseInitiation},
			meta: Meta{Reason: "project re-scoped"},
			then: []events.Payload{events.ProjectPhaseChanged{Phase: events.PhaseInitiation, From: events.PhaseExecution}}},
		{name: "unknown phase", given: withCharter(), when: ChangePhase{Phase: "design"},
			kind: ErrInvalid, rule: "one_of", field: "phase"},
		{name: "before the charter", when: ChangePhase{Phase: events.PhasePlanning},
			kind: ErrNotFound, rule: "project.not_found", field: "project_id"},
		{name: "after closing", given: withCharter(toPlanning, events.ProjectClosed{Outcome: "o", LessonsLearned: []string{"l"}}),
			when: ChangePhase{Phase: events.PhaseExecution}, kind: ErrRuleViolated, rule: "project.closed"},
	})
}

func TestCloseProject(t *testing.T) {
	closing := []events.Payload{
		events.ProjectPhaseChanged{Phase: events.PhasePlanning, From: events.PhaseInitiation},
		events.ProjectPhaseChanged{Phase: events.PhaseExecution, From: events.PhasePlanning},
		events.ProjectPhaseChanged{Phase: events.PhaseClosing, From: events.PhaseExecution},
	}
	in := func(history ...events.Payload) []events.Payload {
		return withCharter(append(append([]events.Payload{}, closing...), history...)...)
	}
	closeIt := CloseProject{Outcome: "800 users on Teams Phone", LessonsLearned: []string{"Order SIP trunks before the charter"}}
	closed := events.ProjectClosed{Outcome: "800 users on Teams Phone", LessonsLearned: []string{"Order SIP trunks before the charter"}}
	action := events.ActionItemAdded{ActionID: "AI-1", Title: "Return old handsets", Owner: "coord@example.com", Due: date("2026-06-30")}
	issue := events.IssueRaised{IssueID: "I-1", Title: "Porting rejected", Severity: events.SeverityMedium, Owner: "coord@example.com"}
	runGWT(t, []gwt{
		{name: "close", given: in(), when: closeIt, then: []events.Payload{closed}},
		{name: "close after dealing with every item", given: in(raisedRisk(), events.RiskClosed{RiskID: "R-1", Resolution: "r"},
			issue, events.IssueResolved{IssueID: "I-1", Resolution: "r"},
			action, events.ActionItemDone{ActionID: "AI-1"}),
			when: closeIt, then: []events.Payload{closed}},
		{name: "close from execution", given: withCharter(closing[:2]...), when: closeIt,
			kind: ErrRuleViolated, rule: "project.not_closing"},
		{name: "close from initiation", given: withCharter(), when: closeIt,
			kind: ErrRuleViolated, rule: "project.not_closing"},
		{name: "close with a risk open", given: in(raisedRisk()), when: closeIt,
			kind: ErrRuleViolated, rule: "project.open_items"},
		{name: "close with an issue open", given: in(issue), when: closeIt,
			kind: ErrRuleViolated, rule: "project.open_items"},
		{name: "close with an action open", given: in(action), when: closeIt,
			kind: ErrRuleViolated, rule: "project.open_items"},
		{name: "close without an outcome", given: in(), when: CloseProject{LessonsLearned: []string{"l"}},
			kind: ErrInvalid, rule: "required", field: "outcome"},
		{name: "close without lessons", given: in(), when: CloseProject{Outcome: "o"},
			kind: ErrInvalid, rule: "required", field: "lessons_learned"},
		{name: "close with an empty lesson", given: in(), when: CloseProject{Outcome: "o", LessonsLearned: []string{"l", " "}},
			kind: ErrInvalid, rule: "required", field: "lessons_learned[1]"},
		{name: "close twice", given: in(closed), when: closeIt,
			kind: ErrRuleViolated, rule: "project.closed"},
	})
}
