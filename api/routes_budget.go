package api

import (
	"net/http"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
)

// BudgetApprovalRequest approves a category's initial budget; once set, it
// moves only through an approved change request.
type BudgetApprovalRequest struct {
	Write
	Category string       `json:"category"`
	Amount   events.Money `json:"amount"`
}

// ActualRequest books actual cost from a timesheet or an expense (invoice
// actuals are booked by approving the invoice).
type ActualRequest struct {
	Write
	Category    string       `json:"category"`
	Amount      events.Money `json:"amount"`
	Source      string       `json:"source"`           // timesheet or expense
	Person      string       `json:"person,omitempty"` // required for a timesheet
	Hours       int          `json:"hours,omitempty"`  // required for a timesheet
	Description string       `json:"description,omitempty"`
}

// ForecastRequest sets a category's estimate at completion.
type ForecastRequest struct {
	Write
	Category             string       `json:"category"`
	EstimateAtCompletion events.Money `json:"estimate_at_completion"`
}

// ThresholdRequest sets when a category (or the total, category omitted)
// is flagged, in percent of its approved amount.
type ThresholdRequest struct {
	Write
	Category     string `json:"category,omitempty"`
	WarnPercent  int    `json:"warn_percent"`
	AlertPercent int    `json:"alert_percent"`
}

// CorrectionRequest replaces an actual's category or amount; the reason is
// required and the original stays in the log.
type CorrectionRequest struct {
	Write
	Category string       `json:"category"`
	Amount   events.Money `json:"amount"`
}

func (s *Server) budgetRoutes() []Route {
	const base = "/v1/projects/:id/budget"
	return []Route{
		command(base+"/approvals", "Approve a category's initial budget", deciders, http.StatusOK, "", func(cl *call, r BudgetApprovalRequest) aggregates.ProjectCommand {
			return aggregates.ApproveBudget{Category: r.Category, Amount: r.Amount}
		}),
		command(base+"/actuals", "Book actual cost from a timesheet or an expense", workers, http.StatusCreated, "entry_id", func(cl *call, r ActualRequest) aggregates.ProjectCommand {
			return aggregates.RecordActual{Category: r.Category, Amount: r.Amount, Source: r.Source, Person: r.Person, Hours: r.Hours, Description: r.Description}
		}),
		command(base+"/actuals/:entryId/corrections", "Correct an actual's category or amount (reason required)", writers, http.StatusOK, "", func(cl *call, r CorrectionRequest) aggregates.ProjectCommand {
			return aggregates.CorrectEntry{EntryID: cl.Param("entryId"), Category: r.Category, Amount: r.Amount}
		}),
		command(base+"/forecasts", "Set a category's estimate at completion", writers, http.StatusOK, "", func(cl *call, r ForecastRequest) aggregates.ProjectCommand {
			return aggregates.UpdateForecast{Category: r.Category, EstimateAtCompletion: r.EstimateAtCompletion}
		}),
		command(base+"/thresholds", "Set a variance threshold for a category or the total", writers, http.StatusOK, "", func(cl *call, r ThresholdRequest) aggregates.ProjectCommand {
			return aggregates.SetVarianceThreshold{Category: r.Category, WarnPercent: r.WarnPercent, AlertPercent: r.AlertPercent}
		}),
	}
}
