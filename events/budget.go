package events

// Budget: approvals, baseline changes, actuals, forecasts, thresholds,
// corrections. Stream: project-<uuid>. Purchase orders (commitments) are
// vendor events.

// Budget categories.
const (
	CategoryLabour      = "labour"
	CategoryHardware    = "hardware"
	CategorySoftware    = "software"
	CategoryServices    = "services"
	CategoryContingency = "contingency"
)

// BudgetApproved sets a category's initial approved amount (its baseline).
type BudgetApproved struct {
	Category string `json:"category"`
	Amount   Money  `json:"amount"`
}

// BudgetBaselineChanged moves a category's approved amount, as the result of
// an approved change request. A reallocation is two of these that sum to zero.
type BudgetBaselineChanged struct {
	Category string `json:"category"`
	Delta    Money  `json:"delta"`
	Approved Money  `json:"approved"` // the new approved amount
	CRID     string `json:"cr_id"`
}

// Sources of actual cost.
const (
	SourceInvoice   = "invoice"
	SourceTimesheet = "timesheet"
	SourceExpense   = "expense"
)

// ActualRecorded books actual cost against a category: from an approved
// invoice (InvoiceID), a timesheet (Person, Hours) or an expense.
type ActualRecorded struct {
	EntryID     string `json:"entry_id"`
	Category    string `json:"category"`
	Amount      Money  `json:"amount"`
	Source      string `json:"source"`
	InvoiceID   string `json:"invoice_id,omitempty"`
	Person      string `json:"person,omitempty"`
	Hours       int    `json:"hours,omitempty"`
	Description string `json:"description,omitempty"`
}

// ForecastUpdated sets a category's estimate at completion.
type ForecastUpdated struct {
	Category             string `json:"category"`
	EstimateAtCompletion Money  `json:"estimate_at_completion"`
}

// VarianceThresholdSet sets when a category (or the total, Category "")
// is flagged: at WarnPercent and AlertPercent of its approved amount spent
// or committed.
type VarianceThresholdSet struct {
	Category     string `json:"category,omitempty"`
	WarnPercent  int    `json:"warn_percent"`
	AlertPercent int    `json:"alert_percent"`
}

// EntryCorrected replaces the amount or category of an earlier actual. It
// names the event it corrects; the original stays in the log.
type EntryCorrected struct {
	EntryID  string `json:"entry_id"`
	Corrects string `json:"corrects"` // event id of the ActualRecorded
	Category string `json:"category"`
	Amount   Money  `json:"amount"`
}

func (BudgetApproved) EventType() string        { return "budget.approved" }
func (BudgetBaselineChanged) EventType() string { return "budget.baseline_changed" }
func (ActualRecorded) EventType() string        { return "budget.actual_recorded" }
func (ForecastUpdated) EventType() string       { return "budget.forecast_updated" }
func (VarianceThresholdSet) EventType() string  { return "budget.threshold_set" }
func (EntryCorrected) EventType() string        { return "budget.entry_corrected" }

// ChangeRequest names the CR behind the move.
func (e BudgetBaselineChanged) ChangeRequest() string { return e.CRID }
