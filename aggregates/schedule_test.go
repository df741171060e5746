package aggregates

import (
	"testing"

	"github.com/pledger/pledger/events"
)

// The charter runs from 2 March to 30 June 2026 (helpers_test.go).

func TestMilestones(t *testing.T) {
	pilot := events.MilestonePlanned{MilestoneID: "M-1", Name: "Pilot live", Baseline: date("2026-04-15")}
	achieved := events.MilestoneAchieved{MilestoneID: "M-1", Actual: date("2026-04-17")}
	extended := events.MilestoneRebaselined{MilestoneID: "M-1", Baseline: date("2026-07-31"), From: date("2026-04-15"), CRID: "CR-1"}
	runGWT(t, []gwt{
		{name: "plan a milestone", given: withCharter(), when: PlanMilestone{Name: "Pilot live", Baseline: date("2026-04-15")},
			then: []events.Payload{pilot}},
		{name: "ids follow on", given: withCharter(pilot), when: PlanMilestone{Name: "Cutover", Baseline: date("2026-06-15")},
			then: []events.Payload{events.MilestonePlanned{MilestoneID: "M-2", Name: "Cutover", Baseline: date("2026-06-15")}}},
		{name: "plan on the project's first and last days", given: withCharter(pilot), when: PlanMilestone{Name: "Closure", Baseline: date("2026-06-30")},
			then: []events.Payload{events.MilestonePlanned{MilestoneID: "M-2", Name: "Closure", Baseline: date("2026-06-30")}}},
		{name: "plan without a name", given: withCharter(), when: PlanMilestone{Baseline: date("2026-04-15")},
			kind: ErrInvalid, rule: "required", field: "name"},
		{name: "plan without a baseline", given: withCharter(), when: PlanMilestone{Name: "Pilot live"},
			kind: ErrInvalid, rule: "required", field: "baseline"},
		{name: "plan before the project start", given: withCharter(), when: PlanMilestone{Name: "Kick-off", Baseline: date("2026-03-01")},
			kind: ErrRuleViolated, rule: "date.before_project_start", field: "baseline"},
		{name: "plan after the project end", given: withCharter(), when: PlanMilestone{Name: "Hypercare over", Baseline: date("2026-07-01")},
			kind: ErrRuleViolated, rule: "date.after_project_end", field: "baseline"},
		{name: "plan after the end once a CR extended the schedule", given: withCharter(pilot, extended),
			when: PlanMilestone{Name: "Hypercare over", Baseline: date("2026-07-20")},
			then: []events.Payload{events.MilestonePlanned{MilestoneID: "M-2", Name: "Hypercare over", Baseline: date("2026-07-20")}}},
		{name: "planning a name again is no back door to a new baseline", given: withCharter(pilot),
			when: PlanMilestone{Name: "pilot live ", Baseline: date("2026-05-15")}, kind: ErrRuleViolated, rule: "baseline.requires_cr", field: "name"},
		{name: "planning a name again, even after a CR moved it", given: withCharter(pilot, extended),
			when: PlanMilestone{Name: "Pilot live", Baseline: date("2026-04-15")}, kind: ErrRuleViolated, rule: "baseline.requires_cr", field: "name"},
		{name: "plan before the charter", when: PlanMilestone{Name: "Pilot live", Baseline: date("2026-04-15")},
			kind: ErrNotFound, rule: "project.not_found"},

		{name: "forecast a slip", given: withCharter(pilot), when: ForecastMilestone{MilestoneID: "M-1", Forecast: date("2026-04-29")},
			then: []events.Payload{events.MilestoneForecastChanged{MilestoneID: "M-1", Forecast: date("2026-04-29"), From: date("2026-04-15")}}},
		{name: "forecast again from the last forecast",
			given: withCharter(pilot, events.MilestoneForecastChanged{MilestoneID: "M-1", Forecast: date("2026-04-29"), From: date("2026-04-15")}),
			when:  ForecastMilestone{MilestoneID: "M-1", Forecast: date("2026-04-22")},
			then:  []events.Payload{events.MilestoneForecastChanged{MilestoneID: "M-1", Forecast: date("2026-04-22"), From: date("2026-04-29")}}},
		{name: "a forecast may slip past the project end", given: withCharter(pilot), when: ForecastMilestone{MilestoneID: "M-1", Forecast: date("2026-07-10")},
			then: []events.Payload{events.MilestoneForecastChanged{MilestoneID: "M-1", Forecast: date("2026-07-10"), From: date("2026-04-15")}}},
		{name: "a forecast before the project start is refused", given: withCharter(pilot), when: ForecastMilestone{MilestoneID: "M-1", Forecast: date("2026-02-27")},
			kind: ErrRuleViolated, rule: "date.before_project_start", field: "forecast"},
		{name: "forecast unchanged", given: withCharter(pilot), when: ForecastMilestone{MilestoneID: "M-1", Forecast: date("2026-04-15")},
			kind: ErrRuleViolated, rule: "milestone.forecast_unchanged", field: "forecast"},
		{name: "forecast without a date", given: withCharter(pilot), when: ForecastMilestone{MilestoneID: "M-1"},
			kind: ErrInvalid, rule: "required", field: "forecast"},
		{name: "forecast an unknown milestone", given: withCharter(pilot), when: ForecastMilestone{MilestoneID: "M-9", Forecast: date("2026-04-29")},
			kind: ErrNotFound, rule: "milestone.not_found", field: "milestone_id"},
		{name: "forecast an achieved milestone", given: withCharter(pilot, achieved), when: ForecastMilestone{MilestoneID: "M-1", Forecast: date("2026-04-29")},
			kind: ErrRuleViolated, rule: "milestone.already_achieved", field: "milestone_id"},

		{name: "achieve", given: withCharter(pilot), when: AchieveMilestone{MilestoneID: "M-1", Actual: date("2026-04-17")},
			then: []events.Payload{achieved}},
		{name: "achieve twice", given: withCharter(pilot, achieved), when: AchieveMilestone{MilestoneID: "M-1", Actual: date("2026-04-18")},
			kind: ErrRuleViolated, rule: "milestone.already_achieved", field: "milestone_id"},
		{name: "achieve before the project start", given: withCharter(pilot), when: AchieveMilestone{MilestoneID: "M-1", Actual: date("2026-03-01")},
			kind: ErrRuleViolated, rule: "date.before_project_start", field: "actual"},
		{name: "achieve without a date", given: withCharter(pilot), when: AchieveMilestone{MilestoneID: "M-1"},
			kind: ErrInvalid, rule: "required", field: "actual"},
		{name: "achieve an unknown milestone", given: withCharter(), when: AchieveMilestone{MilestoneID: "M-1", Actual: date("2026-04-17")},
			kind: ErrNotFound, rule: "milestone.not_found", field: "milestone_id"},
	})
}

// TestMilestoneBaselineMovesOnlyByChangeRequest: the one way a milestone
// baseline moves is implementing an approved change request.
func TestMilestoneBaselineMovesOnlyByChangeRequest(t *testing.T) {
	pilot := events.MilestonePlanned{MilestoneID: "M-1", Name: "Pilot live", Baseline: date("2026-04-15")}
	submitted := events.ChangeRequestSubmitted{CRID: "CR-1", Title: "SIP trunks late", Description: "carrier delivers two weeks late", RequestedBy: "pm@example.com"}
	assessed := events.ChangeRequestAssessed{CRID: "CR-1", ScopeImpact: "none", ScheduleDays: 14, CostImpact: eur(0),
		MilestoneChanges: []events.MilestoneChange{{MilestoneID: "M-1", Baseline: date("2026-04-29")}}, AssessedBy: "pm@example.com"}
	approved := events.ChangeRequestApproved{CRID: "CR-1", Approver: "CIO", Rationale: "no way around the carrier"}
	runGWT(t, []gwt{
		{name: "implementing the CR moves the baseline", given: withCharter(pilot, submitted, assessed, approved),
			when: ImplementChangeRequest{CRID: "CR-1"}, meta: Meta{Reason: "CR-1 approved by the steering committee"},
			then: []events.Payload{
				events.MilestoneRebaselined{MilestoneID: "M-1", Baseline: date("2026-04-29"), From: date("2026-04-15"), CRID: "CR-1"},
				events.ChangeRequestImplemented{CRID: "CR-1"},
			}},
		{name: "implementing needs a reason", given: withCharter(pilot, submitted, assessed, approved),
			when: ImplementChangeRequest{CRID: "CR-1"}, kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "an assessment moving a milestone before the project start is refused", given: withCharter(pilot, submitted),
			when: AssessChangeRequest{CRID: "CR-1", ScopeImpact: "none", CostImpact: eur(0), AssessedBy: "pm@example.com",
				MilestoneChanges: []events.MilestoneChange{{MilestoneID: "M-1", Baseline: date("2026-02-20")}}},
			kind: ErrRuleViolated, rule: "date.before_project_start", field: "milestone_changes[0].baseline"},
	})
}

func TestTasks(t *testing.T) {
	pilot := events.MilestonePlanned{MilestoneID: "M-1", Name: "Pilot live", Baseline: date("2026-04-15")}
	network := events.TaskPlanned{TaskID: "T-1", Name: "Network readiness", Start: date("2026-03-02"), Finish: date("2026-03-31"), PlannedValue: eur(2_000_000)}
	pilotTask := events.TaskPlanned{TaskID: "T-2", Name: "Pilot 50 users", Start: date("2026-03-31"), Finish: date("2026-04-15"),
		PlannedValue: eur(1_500_000), DependsOn: []string{"T-1"}, MilestoneID: "M-1"}
	progressed := func(id string, pct int) events.TaskProgressed {
		return events.TaskProgressed{TaskID: id, PercentComplete: pct}
	}
	plan := func(mod func(*PlanTask)) PlanTask {
		c := PlanTask{Name: "Pilot 50 users", Start: date("2026-03-31"), Finish: date("2026-04-15"), PlannedValue: eur(1_500_000),
			DependsOn: []string{"T-1"}, MilestoneID: "M-1"}
		mod(&c)
		return c
	}
	lowered := Meta{Reason: "acceptance test found the SBCs misconfigured"}
	runGWT(t, []gwt{
		{name: "plan a task", given: withCharter(),
			when: PlanTask{Name: "Network readiness", Start: date("2026-03-02"), Finish: date("2026-03-31"), PlannedValue: eur(2_000_000), DependsOn: []string{}},
			then: []events.Payload{network}},
		{name: "plan a task after its predecessor, towards a milestone", given: withCharter(pilot, network),
			when: plan(func(*PlanTask) {}), then: []events.Payload{pilotTask}},
		{name: "a one-day task", given: withCharter(),
			when: PlanTask{Name: "Go/no-go", Start: date("2026-04-14"), Finish: date("2026-04-14"), PlannedValue: eur(100)},
			then: []events.Payload{events.TaskPlanned{TaskID: "T-1", Name: "Go/no-go", Start: date("2026-04-14"), Finish: date("2026-04-14"), PlannedValue: eur(100)}}},
		{name: "starting before a predecessor finishes", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.Start = date("2026-03-30") }),
			kind: ErrRuleViolated, rule: "task.starts_before_predecessor", field: "start"},
		{name: "an unknown predecessor", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.DependsOn = []string{"T-1", "T-7"} }),
			kind: ErrNotFound, rule: "task.not_found", field: "depends_on[1]"},
		{name: "a predecessor named twice", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.DependsOn = []string{"T-1", "T-1"} }),
			kind: ErrInvalid, rule: "task.duplicate_predecessor", field: "depends_on[1]"},
		{name: "an unknown milestone", given: withCharter(network),
			when: plan(func(*PlanTask) {}), kind: ErrNotFound, rule: "milestone.not_found", field: "milestone_id"},
		{name: "finish before start", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.Finish = date("2026-03-30") }), kind: ErrInvalid, rule: "task.finish_before_start", field: "finish"},
		{name: "start before the project", given: withCharter(),
			when: PlanTask{Name: "Survey", Start: date("2026-02-23"), Finish: date("2026-03-06"), PlannedValue: eur(100)},
			kind: ErrRuleViolated, rule: "date.before_project_start", field: "start"},
		{name: "finish after the project", given: withCharter(),
			when: PlanTask{Name: "Hypercare", Start: date("2026-06-15"), Finish: date("2026-07-15"), PlannedValue: eur(100)},
			kind: ErrRuleViolated, rule: "date.after_project_end", field: "finish"},
		{name: "planned value in another currency", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.PlannedValue = events.Money{Minor: 100, Currency: "USD"} }),
			kind: ErrInvalid, rule: "currency_mismatch", field: "planned_value.currency"},
		{name: "planned value zero", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.PlannedValue = eur(0) }), kind: ErrInvalid, rule: "positive", field: "planned_value.minor"},
		{name: "planned value negative", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.PlannedValue = eur(-1) }), kind: ErrInvalid, rule: "non_negative", field: "planned_value.minor"},
		{name: "plan without a name", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.Name = " " }), kind: ErrInvalid, rule: "required", field: "name"},
		{name: "plan without a start", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.Start = events.Date{} }), kind: ErrInvalid, rule: "required", field: "start"},
		{name: "plan without a finish", given: withCharter(pilot, network),
			when: plan(func(c *PlanTask) { c.Finish = events.Date{} }), kind: ErrInvalid, rule: "required", field: "finish"},

		{name: "progress", given: withCharter(network), when: ProgressTask{TaskID: "T-1", PercentComplete: 40},
			then: []events.Payload{progressed("T-1", 40)}},
		{name: "progress to done", given: withCharter(network, progressed("T-1", 40)), when: ProgressTask{TaskID: "T-1", PercentComplete: 100},
			then: []events.Payload{progressed("T-1", 100)}},
		{name: "progress above 100", given: withCharter(network), when: ProgressTask{TaskID: "T-1", PercentComplete: 101},
			kind: ErrInvalid, rule: "percent_range", field: "percent_complete"},
		{name: "progress below 0", given: withCharter(network), when: ProgressTask{TaskID: "T-1", PercentComplete: -1},
			kind: ErrInvalid, rule: "percent_range", field: "percent_complete"},
		{name: "progress unchanged", given: withCharter(network, progressed("T-1", 40)), when: ProgressTask{TaskID: "T-1", PercentComplete: 40},
			kind: ErrRuleViolated, rule: "task.progress_unchanged", field: "percent_complete"},
		{name: "progress down without a reason", given: withCharter(network, progressed("T-1", 40)), when: ProgressTask{TaskID: "T-1", PercentComplete: 30},
			kind: ErrRuleViolated, rule: "task.progress_decrease_needs_reason", field: "reason"},
		{name: "progress down with a reason", given: withCharter(network, progressed("T-1", 40)), when: ProgressTask{TaskID: "T-1", PercentComplete: 30},
			meta: lowered, then: []events.Payload{progressed("T-1", 30)}},
		{name: "start while a predecessor is unfinished", given: withCharter(pilot, network, progressed("T-1", 90), pilotTask),
			when: ProgressTask{TaskID: "T-2", PercentComplete: 10}, kind: ErrRuleViolated, rule: "task.predecessor_unfinished", field: "percent_complete"},
		{name: "start once the predecessors are done", given: withCharter(pilot, network, progressed("T-1", 100), pilotTask),
			when: ProgressTask{TaskID: "T-2", PercentComplete: 10}, then: []events.Payload{progressed("T-2", 10)}},
		{name: "back to 0 when a predecessor reopens",
			given: withCharter(pilot, network, progressed("T-1", 100), pilotTask, progressed("T-2", 20), progressed("T-1", 90)),
			when:  ProgressTask{TaskID: "T-2", PercentComplete: 0}, meta: lowered, then: []events.Payload{progressed("T-2", 0)}},
		{name: "progress an unknown task", given: withCharter(), when: ProgressTask{TaskID: "T-1", PercentComplete: 10},
			kind: ErrNotFound, rule: "task.not_found", field: "task_id"},
	})
}

func TestResourceAssignments(t *testing.T) {
	network := events.TaskPlanned{TaskID: "T-1", Name: "Network readiness", Start: date("2026-03-02"), Finish: date("2026-03-31"), PlannedValue: eur(2_000_000)}
	joined := events.MemberJoined{Person: "eng@example.com", Name: "Ana Engineer", Role: "network engineer"}
	assigned := events.ResourceAssigned{AssignmentID: "RA-1", Person: "eng@example.com", TaskID: "T-1", AllocationPercent: 50,
		From: date("2026-03-02"), To: date("2026-03-31")}
	assign := func(mod func(*AssignResource)) AssignResource {
		c := AssignResource{Person: "eng@example.com", TaskID: "T-1", AllocationPercent: 50, From: date("2026-03-02"), To: date("2026-03-31")}
		mod(&c)
		return c
	}
	onTeam := withCharter(network, joined)
	runGWT(t, []gwt{
		{name: "assign to a task", given: onTeam, when: assign(func(*AssignResource) {}), then: []events.Payload{assigned}},
		{name: "assign to the project", given: withCharter(network, joined, assigned),
			when: assign(func(c *AssignResource) { c.TaskID, c.AllocationPercent, c.To = "", 100, date("2026-06-30") }),
			then: []events.Payload{events.ResourceAssigned{AssignmentID: "RA-2", Person: "eng@example.com", AllocationPercent: 100,
				From: date("2026-03-02"), To: date("2026-06-30")}}},
		{name: "assign someone not on the team", given: withCharter(network),
			when: assign(func(*AssignResource) {}), kind: ErrRuleViolated, rule: "team.not_a_member", field: "person"},
		{name: "assign someone who left", given: withCharter(network, joined, events.MemberLeft{Person: "eng@example.com"}),
			when: assign(func(*AssignResource) {}), kind: ErrRuleViolated, rule: "team.member_left", field: "person"},
		{name: "assign someone whose access was revoked",
			given: withCharter(network, joined,
				events.AccessRequested{Person: "eng@example.com", System: "Teams admin", Level: "admin"},
				events.AccessProvisioned{Person: "eng@example.com", System: "Teams admin"},
				events.AccessRevoked{Person: "eng@example.com", System: "Teams admin"}),
			when: assign(func(*AssignResource) {}), kind: ErrRuleViolated, rule: "team.access_revoked", field: "person"},
		{name: "assign by name, not e-mail", given: onTeam,
			when: assign(func(c *AssignResource) { c.Person = "Ana" }), kind: ErrInvalid, rule: "email", field: "person"},
		{name: "allocation 0", given: onTeam,
			when: assign(func(c *AssignResource) { c.AllocationPercent = 0 }), kind: ErrInvalid, rule: "percent_range", field: "allocation_percent"},
		{name: "allocation above 100", given: onTeam,
			when: assign(func(c *AssignResource) { c.AllocationPercent = 120 }), kind: ErrInvalid, rule: "percent_range", field: "allocation_percent"},
		{name: "without a from date", given: onTeam,
			when: assign(func(c *AssignResource) { c.From = events.Date{} }), kind: ErrInvalid, rule: "required", field: "from"},
		{name: "without a to date", given: onTeam,
			when: assign(func(c *AssignResource) { c.To = events.Date{} }), kind: ErrInvalid, rule: "required", field: "to"},
		{name: "to before from", given: onTeam,
			when: assign(func(c *AssignResource) { c.To = date("2026-03-01") }), kind: ErrInvalid, rule: "assignment.to_before_from", field: "to"},
		{name: "from before the project start", given: onTeam,
			when: assign(func(c *AssignResource) { c.From = date("2026-02-16") }), kind: ErrRuleViolated, rule: "date.before_project_start", field: "from"},
		{name: "to after the project end", given: onTeam,
			when: assign(func(c *AssignResource) { c.To = date("2026-07-31") }), kind: ErrRuleViolated, rule: "date.after_project_end", field: "to"},
		{name: "assign to an unknown task", given: onTeam,
			when: assign(func(c *AssignResource) { c.TaskID = "T-4" }), kind: ErrNotFound, rule: "task.not_found", field: "task_id"},

		{name: "release", given: withCharter(network, joined, assigned), when: ReleaseResource{AssignmentID: "RA-1"},
			then: []events.Payload{events.ResourceReleased{AssignmentID: "RA-1"}}},
		{name: "release twice", given: withCharter(network, joined, assigned, events.ResourceReleased{AssignmentID: "RA-1"}),
			when: ReleaseResource{AssignmentID: "RA-1"}, kind: ErrRuleViolated, rule: "assignment.already_released", field: "assignment_id"},
		{name: "release an unknown assignment", given: onTeam, when: ReleaseResource{AssignmentID: "RA-1"},
			kind: ErrNotFound, rule: "assignment.not_found", field: "assignment_id"},
	})
}
