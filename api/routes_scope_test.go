package api_test

import (
	"net/http"
	"testing"

	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

const (
	rtCRs      = "/v1/projects/:id/change-requests"
	rtCR       = rtCRs + "/:crId"
	rtBaseline = "/v1/projects/:id/scope/baseline"
)

// rtScopeDemoSteps take a new change request through its life on the demo
// (CR-1 is implemented, CR-2 rejected): assessed with budget, milestone and
// contract changes, approved, implemented; another one rejected.
func rtScopeDemoSteps() []rtStep {
	cr3 := rtP{"crId": "CR-3"}
	return []rtStep{
		{name: "submit", role: "contributor", route: rtCRs, status: http.StatusCreated, id: "CR-3", types: rtT(events.ChangeRequestSubmitted{}),
			body: rtB{"title": "Hand-over runbook for operations", "description": "operations need a run book and a week of shadowing", "requested_by": "sam.okafor@example.com"}},
		{name: "submit refused: no title", role: "contributor", route: rtCRs, status: http.StatusUnprocessableEntity, rule: "required",
			body: rtB{"description": "x", "requested_by": "sam"}},
		{name: "approve refused: not assessed", role: "pm", route: rtCR + "/approval", params: cr3, status: http.StatusUnprocessableEntity, rule: "cr.not_assessed",
			body: rtB{"approver": "helena.schulz@example.com", "rationale": "fine"}},
		{name: "assess", role: "coordinator", route: rtCR + "/assessments", params: cr3, status: http.StatusOK, types: rtT(events.ChangeRequestAssessed{}),
			body: rtB{"scope_impact": "adds the operations hand-over", "schedule_days": 10, "cost_impact": rtEUR(5_000), "assessed_by": "petra.maier@example.com",
				"budget_changes":    []rtB{{"category": "contingency", "delta": rtEUR(-5_000)}, {"category": "software", "delta": rtEUR(5_000)}},
				"milestone_changes": []rtB{{"milestone_id": "M-6", "baseline": "2026-07-10"}},
				"contract_changes": []rtB{{"contract_id": "C-1", "value_delta": rtEUR(5_000),
					"deliverables_added": []rtB{{"title": "Operations hand-over", "due": "2026-07-08", "criteria": []rtB{{"text": "Runbook walked through with the NOC"}}}}}}}},
		{name: "assess refused: unknown milestone", role: "coordinator", route: rtCR + "/assessments", params: cr3, status: http.StatusNotFound, rule: "milestone.not_found",
			body: rtB{"scope_impact": "x", "cost_impact": rtEUR(0), "assessed_by": "petra", "milestone_changes": []rtB{{"milestone_id": "M-99", "baseline": "2026-07-10"}}}},
		{name: "approve refused: a coordinator does not decide", role: "coordinator", route: rtCR + "/approval", params: cr3, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"approver": "helena.schulz@example.com", "rationale": "fine"}},
		{name: "approve", role: "pm", route: rtCR + "/approval", params: cr3, status: http.StatusOK, types: rtT(events.ChangeRequestApproved{}),
			body: rtB{"approver": "helena.schulz@example.com", "rationale": "operations will not take the service without it"}},
		{name: "implement refused: no reason", role: "pm", route: rtCR + "/implementation", params: cr3, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{}},
		{name: "implement", role: "pm", route: rtCR + "/implementation", params: cr3, status: http.StatusOK, headers: []string{"X-Reason", "approved on 1 July"},
			types: rtT(events.BudgetBaselineChanged{}, events.BudgetBaselineChanged{}, events.MilestoneRebaselined{}, events.ContractAmended{}, events.ChangeRequestImplemented{}),
			body:  rtB{}},
		{name: "implement refused: already implemented", role: "admin", route: rtCR + "/implementation", params: cr3, status: http.StatusUnprocessableEntity, rule: "baseline.requires_approved_cr",
			body: rtB{"reason": "again"}},
		{name: "reject refused: CR-2 already rejected", role: "pm", route: rtCR + "/rejection", params: rtP{"crId": "CR-2"}, status: http.StatusUnprocessableEntity, rule: "cr.already_decided",
			body: rtB{"approver": "helena.schulz@example.com", "rationale": "no", "reason": "tidy up"}},
		{name: "submit another", role: "coordinator", route: rtCRs, status: http.StatusCreated, id: "CR-4",
			body: rtB{"title": "Second reception console", "description": "one more console", "requested_by": "Vienna office manager"}},
		{name: "reject refused: no reason", role: "pm", route: rtCR + "/rejection", params: rtP{"crId": "CR-4"}, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{"approver": "helena.schulz@example.com", "rationale": "after go-live"}},
		{name: "reject", role: "pm", route: rtCR + "/rejection", params: rtP{"crId": "CR-4"}, status: http.StatusOK, types: rtT(events.ChangeRequestRejected{}),
			body: rtB{"approver": "helena.schulz@example.com", "rationale": "after go-live", "reason": "steering committee"}},
		{name: "baseline refused: already baselined", role: "coordinator", route: rtBaseline, status: http.StatusUnprocessableEntity, rule: "baseline.requires_cr",
			body: rtB{"items": []rtB{{"title": "Everything"}}}},
	}
}

func TestRoutesScopeChangeRequestLifecycle(t *testing.T) {
	f := demoFixture(t)
	project := demo.ProjectID().String()
	rtRun(t, f, project, rtScopeDemoSteps())

	var changes struct {
		Changes []struct {
			ID         string `json:"id"`
			Status     string `json:"status"`
			Approver   string `json:"approver"`
			Assessment struct {
				ScheduleDays int `json:"schedule_days"`
				CostImpact   struct {
					Minor int64 `json:"minor"`
				} `json:"cost_impact"`
			} `json:"assessment"`
		} `json:"changes"`
	}
	rtGet(t, f, project, "/changes", &changes)
	status := map[string]string{}
	for _, c := range changes.Changes {
		status[c.ID] = c.Status
	}
	require.Equal(t, map[string]string{"CR-1": "implemented", "CR-2": "rejected", "CR-3": "implemented", "CR-4": "rejected"}, status)
	require.Equal(t, "helena.schulz@example.com", changes.Changes[2].Approver)
	require.Equal(t, 10, changes.Changes[2].Assessment.ScheduleDays)
	require.EqualValues(t, 500_000, changes.Changes[2].Assessment.CostImpact.Minor)

	var budget struct {
		Categories []struct {
			Category string `json:"category"`
			Approved int64  `json:"approved"`
		} `json:"categories"`
	}
	rtGet(t, f, project, "/budget", &budget)
	approved := map[string]int64{}
	for _, c := range budget.Categories {
		approved[c.Category] = c.Approved
	}
	require.EqualValues(t, (60_000-18_000-5_000)*100, approved["contingency"], "CR-1 and CR-3 each took from contingency")
	require.EqualValues(t, (40_000+5_000)*100, approved["software"])

	var schedule struct {
		Milestones []struct {
			ID       string   `json:"id"`
			Baseline string   `json:"baseline"`
			MovedBy  []string `json:"moved_by"`
		} `json:"milestones"`
	}
	rtGet(t, f, project, "/schedule", &schedule)
	require.Equal(t, "M-6", schedule.Milestones[5].ID)
	require.Equal(t, "2026-07-10", schedule.Milestones[5].Baseline)
	require.Contains(t, schedule.Milestones[5].MovedBy, "CR-3")

	var vendors struct {
		Contracts []struct {
			ID           string   `json:"id"`
			Value        int64    `json:"value"`
			Amendments   []string `json:"amendments"`
			Deliverables []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"deliverables"`
		} `json:"contracts"`
	}
	rtGet(t, f, project, "/vendors", &vendors)
	c1 := vendors.Contracts[0]
	require.Equal(t, "C-1", c1.ID)
	require.EqualValues(t, (80_000+6_000+5_000)*100, c1.Value)
	require.Equal(t, []string{"CR-1", "CR-3"}, c1.Amendments)
	require.Equal(t, "DL-9", c1.Deliverables[len(c1.Deliverables)-1].ID, "the CR added a deliverable, numbered across the project")
	require.Equal(t, "pending", c1.Deliverables[len(c1.Deliverables)-1].Status)
}

func TestRoutesScopeBaseline(t *testing.T) {
	f := newFixture(t)
	project := rtCharter(t, f)
	w := rtRun(t, f, project, []rtStep{
		{name: "baseline refused: a contributor does not baseline", role: "contributor", route: rtBaseline, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"items": []rtB{{"title": "Berlin"}}}},
		{name: "baseline refused: no items", role: "coordinator", route: rtBaseline, status: http.StatusUnprocessableEntity, rule: "required", body: rtB{"items": []rtB{}}},
		{name: "baseline", role: "coordinator", route: rtBaseline, status: http.StatusOK, types: rtT(events.ScopeBaselined{}),
			body: rtB{"items": []rtB{{"title": "Berlin", "description": "350 users"}, {"title": "Hamburg"}}, "reason": "charter"}},
		{name: "baseline again refused", role: "pm", route: rtBaseline, status: http.StatusUnprocessableEntity, rule: "baseline.requires_cr",
			body: rtB{"items": []rtB{{"title": "Munich"}}}},
	})
	items := rtEvent(t, w["baseline"], 0)["data"].(map[string]any)["items"].([]any)
	require.Equal(t, "S-2", items[1].(map[string]any)["item_id"])
}
