package api_test

import (
	"net/http"
	"testing"

	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

const rtBudget = "/v1/projects/:id/budget"

func rtBudgetSteps() []rtStep {
	return []rtStep{
		{name: "approve", role: "pm", route: rtBudget + "/approvals", status: http.StatusOK, types: rtT(events.BudgetApproved{}),
			body: rtB{"category": "labour", "amount": rtEUR(100_000), "reason": "charter budget"}},
		{name: "approve refused: a coordinator does not approve budgets", role: "coordinator", route: rtBudget + "/approvals", status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"category": "hardware", "amount": rtEUR(1_000)}},
		{name: "approve refused: labour is approved already", role: "pm", route: rtBudget + "/approvals", status: http.StatusUnprocessableEntity, rule: "baseline.requires_cr",
			body: rtB{"category": "labour", "amount": rtEUR(120_000)}},
		{name: "approve refused: wrong currency", role: "admin", route: rtBudget + "/approvals", status: http.StatusUnprocessableEntity, rule: "currency_mismatch",
			body: rtB{"category": "hardware", "amount": map[string]any{"minor": 100, "currency": "USD"}}},
		{name: "timesheet", role: "contributor", route: rtBudget + "/actuals", status: http.StatusCreated, id: "AC-1", types: rtT(events.ActualRecorded{}),
			body: rtB{"category": "labour", "amount": rtEUR(850), "source": "timesheet", "person": "kim.lee@example.com", "hours": 10, "description": "September"}},
		{name: "expense", role: "coordinator", route: rtBudget + "/actuals", status: http.StatusCreated, id: "AC-2",
			body: rtB{"category": "labour", "amount": rtEUR(120), "source": "expense", "description": "train to Hamburg"}},
		{name: "actual refused: invoices are booked by approval", role: "contributor", route: rtBudget + "/actuals", status: http.StatusUnprocessableEntity, rule: "actual.invoice_via_approval",
			body: rtB{"category": "labour", "amount": rtEUR(850), "source": "invoice"}},
		{name: "actual refused: an auditor writes nothing", role: "auditor", route: rtBudget + "/actuals", status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"category": "labour", "amount": rtEUR(850), "source": "expense"}},
		{name: "correct refused: no reason", role: "coordinator", route: rtBudget + "/actuals/:entryId/corrections", params: rtP{"entryId": "AC-1"}, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{"category": "labour", "amount": rtEUR(935)}},
		{name: "correct refused: a contributor does not correct", role: "contributor", route: rtBudget + "/actuals/:entryId/corrections", params: rtP{"entryId": "AC-1"}, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"category": "labour", "amount": rtEUR(935), "reason": "11 hours"}},
		{name: "correct", role: "coordinator", route: rtBudget + "/actuals/:entryId/corrections", params: rtP{"entryId": "AC-1"}, status: http.StatusOK, types: rtT(events.EntryCorrected{}),
			body: rtB{"category": "labour", "amount": rtEUR(935), "reason": "the timesheet said 11 hours"}},
		{name: "correct refused: no such entry", role: "coordinator", route: rtBudget + "/actuals/:entryId/corrections", params: rtP{"entryId": "AC-9"}, status: http.StatusNotFound, rule: "entry.not_found",
			body: rtB{"category": "labour", "amount": rtEUR(1), "reason": "x"}},
		{name: "forecast", role: "coordinator", route: rtBudget + "/forecasts", status: http.StatusOK, types: rtT(events.ForecastUpdated{}),
			body: rtB{"category": "labour", "estimate_at_completion": rtEUR(110_000)}},
		{name: "forecast refused: unchanged", role: "coordinator", route: rtBudget + "/forecasts", status: http.StatusUnprocessableEntity, rule: "forecast.unchanged",
			body: rtB{"category": "labour", "estimate_at_completion": rtEUR(110_000)}},
		{name: "threshold", role: "coordinator", route: rtBudget + "/thresholds", status: http.StatusOK, types: rtT(events.VarianceThresholdSet{}),
			body: rtB{"category": "labour", "warn_percent": 80, "alert_percent": 95}},
		{name: "total threshold", role: "pm", route: rtBudget + "/thresholds", status: http.StatusOK,
			body: rtB{"warn_percent": 85, "alert_percent": 100}},
		{name: "threshold refused: warn not below alert", role: "coordinator", route: rtBudget + "/thresholds", status: http.StatusUnprocessableEntity, rule: "threshold.warn_not_below_alert",
			body: rtB{"category": "labour", "warn_percent": 95, "alert_percent": 90}},
	}
}

func TestRoutesBudget(t *testing.T) {
	f := newFixture(t)
	project := rtCharter(t, f)
	w := rtRun(t, f, project, rtBudgetSteps())
	require.Equal(t, "the timesheet said 11 hours", rtEvent(t, w["correct"], 0)["reason"])

	var budget struct {
		Categories []struct {
			Category             string `json:"category"`
			Approved             int64  `json:"approved"`
			Actual               int64  `json:"actual"`
			ForecastAtCompletion int64  `json:"forecast_at_completion"`
			Threshold            struct {
				Warn  int `json:"warn_percent"`
				Alert int `json:"alert_percent"`
			} `json:"threshold"`
		} `json:"categories"`
		Total struct {
			Threshold struct {
				Warn int `json:"warn_percent"`
			} `json:"threshold"`
		} `json:"total"`
	}
	rtGet(t, f, project, "/budget", &budget)
	var labour = budget.Categories[0]
	for _, c := range budget.Categories {
		if c.Category == "labour" {
			labour = c
		}
	}
	require.Equal(t, "labour", labour.Category)
	require.EqualValues(t, 10_000_000, labour.Approved)
	require.EqualValues(t, 93_500+12_000, labour.Actual, "the corrected timesheet and the expense")
	require.EqualValues(t, 11_000_000, labour.ForecastAtCompletion)
	require.Equal(t, 80, labour.Threshold.Warn)
	require.Equal(t, 95, labour.Threshold.Alert)
	require.Equal(t, 85, budget.Total.Threshold.Warn)
}

func TestRoutesBudgetOnTheDemo(t *testing.T) {
	f := demoFixture(t)
	rtRun(t, f, demo.ProjectID().String(), []rtStep{
		{name: "approve refused: every category has its baseline", role: "pm", route: rtBudget + "/approvals", status: http.StatusUnprocessableEntity, rule: "baseline.requires_cr",
			body: rtB{"category": "contingency", "amount": rtEUR(10_000)}},
		{name: "correct refused: an invoice actual follows its invoice", role: "pm", route: rtBudget + "/actuals/:entryId/corrections", params: rtP{"entryId": "AC-1"}, status: http.StatusUnprocessableEntity,
			rule: "entry.invoice_amount", body: rtB{"category": "services", "amount": rtEUR(1), "reason": "x"}},
	})
}
