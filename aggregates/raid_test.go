package aggregates

import (
	"testing"

	"github.com/pledger/pledger/events"
)

func raisedRisk() events.RiskRaised {
	return events.RiskRaised{RiskID: "R-1", Title: "SIP trunks late", Probability: 3, Impact: 4, Score: 12,
		Owner: "Carrier account manager", ReviewDate: date("2026-04-01")}
}

func TestRisks(t *testing.T) {
	escalate := Meta{Reason: "carrier missed the second date"}
	runGWT(t, []gwt{
		{name: "raise a risk", given: withCharter(),
			when: RaiseRisk{Title: "SIP trunks late", Probability: 3, Impact: 4, Owner: "Carrier account manager", ReviewDate: date("2026-04-01")},
			then: []events.Payload{raisedRisk()}},
		{name: "ids follow on", given: withCharter(raisedRisk()),
			when: RaiseRisk{Title: "Handsets short", Probability: 2, Impact: 2, Owner: "ops@example.com"},
			then: []events.Payload{events.RiskRaised{RiskID: "R-2", Title: "Handsets short", Probability: 2, Impact: 2, Score: 4, Owner: "ops@example.com"}}},
		{name: "probability above 5", given: withCharter(), when: RaiseRisk{Title: "x", Probability: 6, Impact: 1, Owner: "o"},
			kind: ErrInvalid, rule: "range_1_5", field: "probability"},
		{name: "impact below 1", given: withCharter(), when: RaiseRisk{Title: "x", Probability: 1, Impact: 0, Owner: "o"},
			kind: ErrInvalid, rule: "range_1_5", field: "impact"},
		{name: "no owner", given: withCharter(), when: RaiseRisk{Title: "x", Probability: 1, Impact: 1},
			kind: ErrInvalid, rule: "required", field: "owner"},
		{name: "before the charter", when: RaiseRisk{Title: "x", Probability: 1, Impact: 1, Owner: "o"},
			kind: ErrNotFound, rule: "project.not_found"},
		{name: "after the project closed", given: withCharter(events.ProjectClosed{Outcome: "done", LessonsLearned: []string{"l"}}),
			when: RaiseRisk{Title: "x", Probability: 1, Impact: 1, Owner: "o"}, kind: ErrRuleViolated, rule: "project.closed"},
		{name: "assess", given: withCharter(raisedRisk()), when: AssessRisk{RiskID: "R-1", Probability: 5, Impact: 4},
			then: []events.Payload{events.RiskAssessed{RiskID: "R-1", Probability: 5, Impact: 4, Score: 20}}},
		{name: "assess an unknown risk", given: withCharter(), when: AssessRisk{RiskID: "R-9", Probability: 1, Impact: 1},
			kind: ErrNotFound, rule: "risk.not_found", field: "risk_id"},
		{name: "update mitigation", given: withCharter(raisedRisk()), when: UpdateRiskMitigation{RiskID: "R-1", Mitigation: "second carrier", Contingency: "analogue lines"},
			then: []events.Payload{events.RiskMitigationUpdated{RiskID: "R-1", Mitigation: "second carrier", Contingency: "analogue lines"}}},
		{name: "change owner", given: withCharter(raisedRisk()), when: ChangeRiskOwner{RiskID: "R-1", Owner: "pm@example.com"},
			then: []events.Payload{events.RiskOwnerChanged{RiskID: "R-1", Owner: "pm@example.com", From: "Carrier account manager"}}},
		{name: "change owner to the same", given: withCharter(raisedRisk()), when: ChangeRiskOwner{RiskID: "R-1", Owner: "Carrier account manager"},
			kind: ErrRuleViolated, rule: "risk.owner_unchanged"},
		{name: "escalate", given: withCharter(raisedRisk()), when: EscalateRisk{RiskID: "R-1", To: "steering committee"}, meta: escalate,
			then: []events.Payload{events.RiskEscalated{RiskID: "R-1", To: "steering committee"}}},
		{name: "escalate without a reason", given: withCharter(raisedRisk()), when: EscalateRisk{RiskID: "R-1", To: "steering committee"},
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "realise into an issue", given: withCharter(raisedRisk()), when: RealiseRisk{RiskID: "R-1", Severity: events.SeverityHigh, Due: date("2026-04-20")},
			then: []events.Payload{
				events.RiskRealised{RiskID: "R-1", IssueID: "I-1"},
				events.IssueRaised{IssueID: "I-1", Title: "Realised risk R-1", Severity: events.SeverityHigh, Owner: "Carrier account manager", Due: date("2026-04-20"), FromRisk: "R-1"},
			}},
		{name: "close", given: withCharter(raisedRisk()), when: CloseRisk{RiskID: "R-1", Resolution: "trunks delivered"},
			then: []events.Payload{events.RiskClosed{RiskID: "R-1", Resolution: "trunks delivered"}}},
		{name: "close a closed risk", given: withCharter(raisedRisk(), events.RiskClosed{RiskID: "R-1", Resolution: "r"}),
			when: CloseRisk{RiskID: "R-1", Resolution: "again"}, kind: ErrRuleViolated, rule: "risk.not_open"},
		{name: "escalate a realised risk", given: withCharter(raisedRisk(), events.RiskRealised{RiskID: "R-1", IssueID: "I-1"}),
			when: EscalateRisk{RiskID: "R-1", To: "x"}, meta: escalate, kind: ErrRuleViolated, rule: "risk.not_open"},
	})
}

func TestAssumptionsIssuesDependencies(t *testing.T) {
	logged := events.AssumptionLogged{AssumptionID: "A-1", Text: "Number porting takes 10 days", Owner: "carrier"}
	issue := events.IssueRaised{IssueID: "I-1", Title: "Porting rejected", Severity: events.SeverityMedium, Owner: "coord@example.com"}
	dep := events.DependencyLogged{DependencyID: "D-1", Description: "Firewall rules", Provider: "Network team", NeededBy: date("2026-04-10"), Status: events.DependencyOnTrack}
	runGWT(t, []gwt{
		{name: "log an assumption", given: withCharter(), when: LogAssumption{Text: logged.Text, Owner: "carrier"}, then: []events.Payload{logged}},
		{name: "validate", given: withCharter(logged), when: ValidateAssumption{AssumptionID: "A-1", Note: "confirmed"},
			then: []events.Payload{events.AssumptionValidated{AssumptionID: "A-1", Note: "confirmed"}}},
		{name: "invalidate needs a reason", given: withCharter(logged), when: InvalidateAssumption{AssumptionID: "A-1"},
			kind: ErrInvalid, rule: "reason_required"},
		{name: "invalidate", given: withCharter(logged), when: InvalidateAssumption{AssumptionID: "A-1", Note: "takes 20"}, meta: Meta{Reason: "carrier letter"},
			then: []events.Payload{events.AssumptionInvalidated{AssumptionID: "A-1", Note: "takes 20"}}},
		{name: "validate twice", given: withCharter(logged, events.AssumptionValidated{AssumptionID: "A-1"}), when: ValidateAssumption{AssumptionID: "A-1"},
			kind: ErrRuleViolated, rule: "assumption.not_open"},
		{name: "raise an issue", given: withCharter(), when: RaiseIssue{Title: "Porting rejected", Severity: "medium", Owner: "coord@example.com"},
			then: []events.Payload{issue}},
		{name: "raise an issue of unknown severity", given: withCharter(), when: RaiseIssue{Title: "x", Severity: "urgent", Owner: "o"},
			kind: ErrInvalid, rule: "one_of", field: "severity"},
		{name: "update an issue", given: withCharter(issue), when: UpdateIssue{IssueID: "I-1", Severity: "high", Note: "CEO affected"},
			then: []events.Payload{events.IssueUpdated{IssueID: "I-1", Severity: "high", Note: "CEO affected"}}},
		{name: "update with nothing", given: withCharter(issue), when: UpdateIssue{IssueID: "I-1"}, kind: ErrInvalid, rule: "nothing_to_update"},
		{name: "escalate an issue", given: withCharter(issue), when: EscalateIssue{IssueID: "I-1", To: "sponsor"}, meta: Meta{Reason: "blocking cutover"},
			then: []events.Payload{events.IssueEscalated{IssueID: "I-1", To: "sponsor"}}},
		{name: "resolve an issue", given: withCharter(issue), when: ResolveIssue{IssueID: "I-1", Resolution: "ported manually"},
			then: []events.Payload{events.IssueResolved{IssueID: "I-1", Resolution: "ported manually"}}},
		{name: "resolve a resolved issue", given: withCharter(issue, events.IssueResolved{IssueID: "I-1", Resolution: "r"}),
			when: ResolveIssue{IssueID: "I-1", Resolution: "again"}, kind: ErrRuleViolated, rule: "issue.not_open"},
		{name: "log a dependency", given: withCharter(), when: LogDependency{Description: "Firewall rules", Provider: "Network team", NeededBy: date("2026-04-10")},
			then: []events.Payload{dep}},
		{name: "a dependency needs a date", given: withCharter(), when: LogDependency{Description: "x", Provider: "y"},
			kind: ErrInvalid, rule: "required", field: "needed_by"},
		{name: "dependency at risk", given: withCharter(dep), when: ChangeDependencyStatus{DependencyID: "D-1", Status: events.DependencyAtRisk},
			then: []events.Payload{events.DependencyStatusChanged{DependencyID: "D-1", Status: events.DependencyAtRisk, From: events.DependencyOnTrack}}},
		{name: "dependency status unchanged", given: withCharter(dep), when: ChangeDependencyStatus{DependencyID: "D-1", Status: events.DependencyOnTrack},
			kind: ErrRuleViolated, rule: "dependency.status_unchanged"},
		{name: "resolve a dependency", given: withCharter(dep), when: ResolveDependency{DependencyID: "D-1", Note: "rules live"},
			then: []events.Payload{events.DependencyResolved{DependencyID: "D-1", Note: "rules live"}}},
		{name: "resolve a dependency twice", given: withCharter(dep, events.DependencyResolved{DependencyID: "D-1"}),
			when: ResolveDependency{DependencyID: "D-1"}, kind: ErrRuleViolated, rule: "dependency.resolved"},
	})
}
