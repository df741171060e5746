package aggregates

import (
	"slices"
	"testing"

	"github.com/pledger/pledger/events"
)

func TestScopeAndChangeRequests(t *testing.T) {
	baseline := events.ScopeBaselined{Items: []events.ScopeItem{
		{ItemID: "S-1", Title: "Berlin office, 300 users"},
		{ItemID: "S-2", Title: "Vienna office, 120 users"},
	}}
	submitted := events.ChangeRequestSubmitted{CRID: "CR-1", Title: "Extend for SIP delay", Description: "carrier slipped 3 weeks", RequestedBy: "pm@example.com"}
	assessed := events.ChangeRequestAssessed{CRID: "CR-1", ScopeImpact: "none", ScheduleDays: 21, CostImpact: eur(1_500_000),
		ScopeItems:    []events.ScopeItem{{ItemID: "S-1", Title: "Berlin office, 300 users"}, {Title: "Hamburg office, 150 users"}},
		BudgetChanges: []events.BudgetChange{{Category: "contingency", Delta: eur(-1_500_000)}, {Category: "services", Delta: eur(1_500_000)}},
		AssessedBy:    "pm@example.com"}
	approved := events.ChangeRequestApproved{CRID: "CR-1", Approver: "CIO", Rationale: "cheaper than a second carrier"}
	budgets := []events.Payload{
		events.BudgetApproved{Category: "contingency", Amount: eur(5_000_000)},
		events.BudgetApproved{Category: "services", Amount: eur(10_000_000)},
	}
	base := withCharter(append(budgets, baseline, submitted)...)
	reason := Meta{Reason: "CR-1 approved by the steering committee"}

	runGWT(t, []gwt{
		{name: "baseline the scope", given: withCharter(), when: BaselineScope{Items: []events.ScopeItem{{Title: "Berlin office, 300 users"}, {Title: "Vienna office, 120 users"}}},
			then: []events.Payload{baseline}},
		{name: "baseline again without a CR", given: withCharter(baseline), when: BaselineScope{Items: []events.ScopeItem{{Title: "x"}}},
			kind: ErrRuleViolated, rule: "baseline.requires_cr"},
		{name: "baseline with no items", given: withCharter(), when: BaselineScope{}, kind: ErrInvalid, rule: "required", field: "items"},
		{name: "submit", given: withCharter(), when: SubmitChangeRequest{Title: submitted.Title, Description: submitted.Description, RequestedBy: "pm@example.com"},
			then: []events.Payload{submitted}},
		{name: "assess", given: base, when: AssessChangeRequest{CRID: "CR-1", ScopeImpact: "none", ScheduleDays: 21, CostImpact: eur(1_500_000),
			ScopeItems: assessed.ScopeItems, BudgetChanges: assessed.BudgetChanges, AssessedBy: "pm@example.com"},
			then: []events.Payload{assessed}},
		{name: "assess with a cost in another currency", given: base, when: AssessChangeRequest{CRID: "CR-1", ScopeImpact: "x", CostImpact: events.Money{Minor: 1, Currency: "USD"}, AssessedBy: "pm"},
			kind: ErrInvalid, rule: "currency_mismatch", field: "cost_impact.currency"},
		{name: "assess a budget move below zero", given: base, when: AssessChangeRequest{CRID: "CR-1", ScopeImpact: "x", CostImpact: eur(0), AssessedBy: "pm",
			BudgetChanges: []events.BudgetChange{{Category: "contingency", Delta: eur(-6_000_000)}}},
			kind: ErrRuleViolated, rule: "budget.negative", field: "budget_changes[0].delta"},
		{name: "assess a move of an unknown milestone", given: base, when: AssessChangeRequest{CRID: "CR-1", ScopeImpact: "x", CostImpact: eur(0), AssessedBy: "pm",
			MilestoneChanges: []events.MilestoneChange{{MilestoneID: "M-9", Baseline: date("2026-05-01")}}},
			kind: ErrNotFound, rule: "milestone.not_found", field: "milestone_changes[0].milestone_id"},
		{name: "assess a move of an achieved milestone", given: slices.Concat(base, []events.Payload{
			events.MilestonePlanned{MilestoneID: "M-1", Name: "Design", Baseline: date("2026-03-20")},
			events.MilestoneAchieved{MilestoneID: "M-1", Actual: date("2026-03-20")}}),
			when: AssessChangeRequest{CRID: "CR-1", ScopeImpact: "x", CostImpact: eur(0), AssessedBy: "pm",
				MilestoneChanges: []events.MilestoneChange{{MilestoneID: "M-1", Baseline: date("2026-04-01")}}},
			kind: ErrRuleViolated, rule: "milestone.already_achieved", field: "milestone_changes[0].milestone_id"},
		{name: "assess a contract cut below its purchase orders", given: slices.Concat(base, []events.Payload{
			events.ContractSigned{ContractID: "C-1", VendorID: "v", Title: "t", Value: eur(1_000_000), SignedOn: date("2026-03-05")},
			events.PurchaseOrderIssued{POID: "PO-1", ContractID: "C-1", VendorID: "v", Category: "services", Amount: eur(800_000)}}),
			when: AssessChangeRequest{CRID: "CR-1", ScopeImpact: "x", CostImpact: eur(0), AssessedBy: "pm",
				ContractChanges: []events.ContractChange{{ContractID: "C-1", ValueDelta: eur(-300_000)}}},
			kind: ErrRuleViolated, rule: "contract.below_committed", field: "contract_changes[0].value_delta"},
		{name: "assess an unknown CR", given: base, when: AssessChangeRequest{CRID: "CR-7", ScopeImpact: "x", CostImpact: eur(0), AssessedBy: "pm"},
			kind: ErrNotFound, rule: "cr.not_found"},
		{name: "approve before assessment", given: base, when: ApproveChangeRequest{CRID: "CR-1", Approver: "CIO", Rationale: "ok"},
			kind: ErrRuleViolated, rule: "cr.not_assessed"},
		{name: "approve", given: slices.Concat(base, []events.Payload{assessed}), when: ApproveChangeRequest{CRID: "CR-1", Approver: "CIO", Rationale: approved.Rationale},
			then: []events.Payload{approved}},
		{name: "approve twice", given: slices.Concat(base, []events.Payload{assessed, approved}), when: ApproveChangeRequest{CRID: "CR-1", Approver: "CIO", Rationale: "again"},
			kind: ErrRuleViolated, rule: "cr.already_decided"},
		{name: "approve without a rationale", given: slices.Concat(base, []events.Payload{assessed}), when: ApproveChangeRequest{CRID: "CR-1", Approver: "CIO"},
			kind: ErrInvalid, rule: "required", field: "rationale"},
		{name: "reject needs a reason", given: slices.Concat(base, []events.Payload{assessed}), when: RejectChangeRequest{CRID: "CR-1", Approver: "CIO", Rationale: "too dear"},
			kind: ErrInvalid, rule: "reason_required"},
		{name: "reject", given: slices.Concat(base, []events.Payload{assessed}), when: RejectChangeRequest{CRID: "CR-1", Approver: "CIO", Rationale: "too dear"}, meta: Meta{Reason: "steering committee"},
			then: []events.Payload{events.ChangeRequestRejected{CRID: "CR-1", Approver: "CIO", Rationale: "too dear"}}},
		{name: "reassess an approved CR", given: slices.Concat(base, []events.Payload{assessed, approved}), when: AssessChangeRequest{CRID: "CR-1", ScopeImpact: "x", CostImpact: eur(0), AssessedBy: "pm"},
			kind: ErrRuleViolated, rule: "cr.already_decided"},
		{name: "implement an approved CR: every baseline moves, naming the CR", given: slices.Concat(base, []events.Payload{assessed, approved}), when: ImplementChangeRequest{CRID: "CR-1"}, meta: reason,
			then: []events.Payload{
				events.ScopeBaselined{Items: []events.ScopeItem{{ItemID: "S-1", Title: "Berlin office, 300 users"}, {ItemID: "S-3", Title: "Hamburg office, 150 users"}}, CRID: "CR-1"},
				events.BudgetBaselineChanged{Category: "contingency", Delta: eur(-1_500_000), Approved: eur(3_500_000), CRID: "CR-1"},
				events.BudgetBaselineChanged{Category: "services", Delta: eur(1_500_000), Approved: eur(11_500_000), CRID: "CR-1"},
				events.ChangeRequestImplemented{CRID: "CR-1"},
			}},
		{name: "implement an assessed but unapproved CR", given: slices.Concat(base, []events.Payload{assessed}), when: ImplementChangeRequest{CRID: "CR-1"}, meta: reason,
			kind: ErrRuleViolated, rule: "baseline.requires_approved_cr"},
		{name: "implement twice", given: slices.Concat(base, []events.Payload{assessed, approved, events.ChangeRequestImplemented{CRID: "CR-1"}}), when: ImplementChangeRequest{CRID: "CR-1"}, meta: reason,
			kind: ErrRuleViolated, rule: "baseline.requires_approved_cr"},
		{name: "implement without a reason", given: slices.Concat(base, []events.Payload{assessed, approved}), when: ImplementChangeRequest{CRID: "CR-1"},
			kind: ErrInvalid, rule: "reason_required"},
		{name: "implement a CR the budget has outrun", given: slices.Concat(base, []events.Payload{assessed, approved, events.BudgetBaselineChanged{Category: "contingency", Delta: eur(-4_000_000), Approved: eur(1_000_000), CRID: "CR-0"}}),
			when: ImplementChangeRequest{CRID: "CR-1"}, meta: reason, kind: ErrRuleViolated, rule: "cr.no_longer_applies"},
	})
}
