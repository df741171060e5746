package api

import (
	"net/http"
	"net/url"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
)

// ScopeBaselineRequest sets the initial scope baseline; item ids are
// assigned (S-1, S-2, …). Later changes go through a change request.
type ScopeBaselineRequest struct {
	Write
	Items []events.ScopeItem `json:"items"`
}

// ChangeRequestRequest submits a change request.
type ChangeRequestRequest struct {
	Write
	Title       string `json:"title"`
	Description string `json:"description"`
	RequestedBy string `json:"requested_by"`
}

// ChangeAssessmentRequest records a change request's impact and the exact
// baseline changes implementing it would make.
type ChangeAssessmentRequest struct {
	Write
	ScopeImpact  string       `json:"scope_impact"`
	ScheduleDays int          `json:"schedule_days"`
	CostImpact   events.Money `json:"cost_impact"`
	// ScopeItems is the whole new scope baseline (kept items with their
	// item_id, new ones without); empty leaves the scope unchanged.
	ScopeItems       []events.ScopeItem       `json:"scope_items,omitempty"`
	BudgetChanges    []events.BudgetChange    `json:"budget_changes,omitempty"`
	MilestoneChanges []events.MilestoneChange `json:"milestone_changes,omitempty"`
	ContractChanges  []events.ContractChange  `json:"contract_changes,omitempty"`
	AssessedBy       string                   `json:"assessed_by"`
}

// ChangeDecisionRequest approves or rejects a change request (a rejection
// needs a reason).
type ChangeDecisionRequest struct {
	Write
	Approver  string `json:"approver"`
	Rationale string `json:"rationale"`
}

func (s *Server) scopeRoutes() []Route {
	const base = "/v1/projects/:id"
	const cr = base + "/change-requests/:crId"
	return []Route{
		command(base+"/scope/baseline", "Set the initial scope baseline", writers, http.StatusOK, "", func(cl *call, r ScopeBaselineRequest) aggregates.ProjectCommand {
			return aggregates.BaselineScope{Items: r.Items}
		}),
		command(base+"/change-requests", "Submit a change request", workers, http.StatusCreated, "cr_id", func(cl *call, r ChangeRequestRequest) aggregates.ProjectCommand {
			return aggregates.SubmitChangeRequest{Title: r.Title, Description: r.Description, RequestedBy: r.RequestedBy}
		}),
		command(cr+"/assessments", "Assess a change request: its impact and the baseline changes it makes", writers, http.StatusOK, "", func(cl *call, r ChangeAssessmentRequest) aggregates.ProjectCommand {
			return aggregates.AssessChangeRequest{CRID: cl.Param("crId"), ScopeImpact: r.ScopeImpact, ScheduleDays: r.ScheduleDays, CostImpact: r.CostImpact,
				ScopeItems: r.ScopeItems, BudgetChanges: r.BudgetChanges, MilestoneChanges: r.MilestoneChanges, ContractChanges: r.ContractChanges, AssessedBy: r.AssessedBy}
		}),
		command(cr+"/approval", "Approve an assessed change request", deciders, http.StatusOK, "", func(cl *call, r ChangeDecisionRequest) aggregates.ProjectCommand {
			return aggregates.ApproveChangeRequest{CRID: cl.Param("crId"), Approver: r.Approver, Rationale: r.Rationale}
		}),
		command(cr+"/rejection", "Reject a change request (reason required)", deciders, http.StatusOK, "", func(cl *call, r ChangeDecisionRequest) aggregates.ProjectCommand {
			return aggregates.RejectChangeRequest{CRID: cl.Param("crId"), Approver: r.Approver, Rationale: r.Rationale}
		}),
		command(cr+"/implementation", "Implement an approved change request: move the baselines (reason required)", deciders, http.StatusOK, "", func(cl *call, _ Write) aggregates.ProjectCommand {
			return aggregates.ImplementChangeRequest{CRID: cl.Param("crId")}
		}),
	}
}

// unescapedParam is a path parameter as the client meant it: echo leaves a
// parameter escaped when the request path needed a non-default encoding
// (an e-mail with "+", a system name with "/").
func (cl *call) unescapedParam(name string) string {
	v := cl.Param(name)
	if cl.Request().URL.RawPath == "" {
		return v
	}
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}
