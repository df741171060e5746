package aggregates

import (
	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

var categories = []string{events.CategoryLabour, events.CategoryHardware, events.CategorySoftware, events.CategoryServices, events.CategoryContingency}

type actual struct {
	event     uuid.UUID // the ActualRecorded, or the latest correction
	category  string
	amount    int64
	source    string
	invoiceID string
}

// threshold is a variance threshold, in percent of the approved amount.
type threshold struct{ warn, alert int }

type budget struct {
	approved   map[string]int64 // category → approved amount (baseline)
	actuals    map[string]*actual
	entryByEvt map[uuid.UUID]string // ActualRecorded event id → entry id
	spent      map[string]int64     // category → actual cost
	forecasts  map[string]int64     // category → estimate at completion
	thresholds map[string]threshold // category ("" = total) → threshold
}

func newBudget() budget {
	return budget{approved: map[string]int64{}, actuals: map[string]*actual{}, entryByEvt: map[uuid.UUID]string{},
		spent: map[string]int64{}, forecasts: map[string]int64{}, thresholds: map[string]threshold{}}
}

func (b *budget) apply(p *Project, ev events.Event, payload events.Payload) {
	switch e := payload.(type) {
	case events.BudgetApproved:
		b.approved[e.Category] = e.Amount.Minor
	case events.BudgetBaselineChanged:
		b.approved[e.Category] = e.Approved.Minor
	case events.ActualRecorded:
		b.actuals[e.EntryID] = &actual{event: ev.ID, category: e.Category, amount: e.Amount.Minor, source: e.Source, invoiceID: e.InvoiceID}
		b.entryByEvt[ev.ID] = e.EntryID
		b.spent[e.Category] += e.Amount.Minor
		p.count("AC")
	case events.EntryCorrected:
		a := b.actuals[e.EntryID]
		b.spent[a.category] -= a.amount
		a.event, a.category, a.amount = ev.ID, e.Category, e.Amount.Minor
		b.spent[a.category] += a.amount
		b.entryByEvt[ev.ID] = e.EntryID
	case events.ForecastUpdated:
		b.forecasts[e.Category] = e.EstimateAtCompletion.Minor
	case events.VarianceThresholdSet:
		b.thresholds[e.Category] = threshold{warn: e.WarnPercent, alert: e.AlertPercent}
	}
}

// zeroOrMoreMoney requires an amount in the project's currency that is not
// negative; zero is allowed (a forecast of nothing, a voided entry).
func (c *check) zeroOrMoreMoney(field string, m events.Money, currency string) {
	c.money(field, m, currency, true)
	if m.Currency == currency && m.Minor < 0 {
		c.fail(invalid(field+".minor", "non_negative", "must not be negative"))
	}
}

// ApproveBudget sets a category's initial approved amount (its baseline).
// Once a category has one, it moves only through an approved change request
// (ImplementChangeRequest).
type ApproveBudget struct {
	Category string
	Amount   events.Money
}

// Decide implements ProjectCommand.
func (c ApproveBudget) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.oneOf("category", c.Category, categories...)
	v.money("amount", c.Amount, p.Currency(), false)
	if v.err != nil {
		return nil, v.err
	}
	if approved, ok := p.budget.approved[c.Category]; ok {
		return nil, violatesField("category", "baseline.requires_cr",
			"%s already has an approved budget of %s: change it through an approved change request",
			c.Category, events.Money{Minor: approved, Currency: p.Currency()})
	}
	return []events.Payload{events.BudgetApproved(c)}, nil
}

// RecordActual books actual cost from a timesheet or an expense. Invoice
// actuals are booked by ApproveInvoice, never by hand.
type RecordActual struct {
	Category    string
	Amount      events.Money
	Source      string // timesheet or expense
	Person      string // required for a timesheet
	Hours       int    // required for a timesheet, none for an expense
	Description string
}

// Decide implements ProjectCommand.
func (c RecordActual) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.oneOf("category", c.Category, categories...)
	v.money("amount", c.Amount, p.Currency(), false)
	if c.Source == events.SourceInvoice {
		v.fail(invalid("source", "actual.invoice_via_approval", "invoice actuals are booked by approving the invoice, not recorded by hand"))
	}
	v.oneOf("source", c.Source, events.SourceTimesheet, events.SourceExpense)
	switch c.Source {
	case events.SourceTimesheet:
		v.person("person", c.Person)
		if c.Hours <= 0 {
			v.fail(invalid("hours", "positive", "a timesheet entry needs its hours, more than zero; got %d", c.Hours))
		}
	case events.SourceExpense:
		if c.Person != "" {
			v.person("person", c.Person)
		}
		if c.Hours != 0 {
			v.fail(invalid("hours", "actual.hours_timesheet_only", "only a timesheet entry has hours"))
		}
	}
	v.optionalText("description", c.Description)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.ActualRecorded{EntryID: p.nextID("AC"), Category: c.Category, Amount: c.Amount,
		Source: c.Source, Person: c.Person, Hours: c.Hours, Description: c.Description}}, nil
}

// UpdateForecast sets a category's estimate at completion.
type UpdateForecast struct {
	Category             string
	EstimateAtCompletion events.Money
}

// Decide implements ProjectCommand.
func (c UpdateForecast) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.oneOf("category", c.Category, categories...)
	v.zeroOrMoreMoney("estimate_at_completion", c.EstimateAtCompletion, p.Currency())
	if v.err != nil {
		return nil, v.err
	}
	if eac, ok := p.budget.forecasts[c.Category]; ok && eac == c.EstimateAtCompletion.Minor {
		return nil, violatesField("estimate_at_completion", "forecast.unchanged", "the %s forecast is already %s", c.Category, c.EstimateAtCompletion)
	}
	return []events.Payload{events.ForecastUpdated(c)}, nil
}

// SetVarianceThreshold sets when a category (or the total, Category "") is
// flagged: at WarnPercent and AlertPercent of its approved amount.
type SetVarianceThreshold struct {
	Category     string // "" is the project total
	WarnPercent  int
	AlertPercent int
}

// Decide implements ProjectCommand.
func (c SetVarianceThreshold) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	if c.Category != "" {
		v.oneOf("category", c.Category, categories...)
	}
	v.percent("warn_percent", c.WarnPercent, 1, 1000)
	v.percent("alert_percent", c.AlertPercent, 1, 1000)
	if v.err == nil && c.WarnPercent >= c.AlertPercent {
		v.fail(invalid("warn_percent", "threshold.warn_not_below_alert", "must be below the alert percent %d, got %d", c.AlertPercent, c.WarnPercent))
	}
	if v.err != nil {
		return nil, v.err
	}
	if t, ok := p.budget.thresholds[c.Category]; ok && t == (threshold{warn: c.WarnPercent, alert: c.AlertPercent}) {
		return nil, violates("threshold.unchanged", "the threshold is already %d%% / %d%%", c.WarnPercent, c.AlertPercent)
	}
	return []events.Payload{events.VarianceThresholdSet(c)}, nil
}

// CorrectEntry replaces the category or amount of an actual. The correction
// names the event it corrects (the actual, or its latest correction); the
// original stays in the log. The reason is required. An invoice actual's
// amount follows its invoice: only its category can be corrected.
type CorrectEntry struct {
	EntryID  string
	Category string
	Amount   events.Money
}

// Decide implements ProjectCommand.
func (c CorrectEntry) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.reason(meta, "correct a budget entry")
	v.oneOf("category", c.Category, categories...)
	v.zeroOrMoreMoney("amount", c.Amount, p.Currency())
	if v.err != nil {
		return nil, v.err
	}
	a, ok := p.budget.actuals[c.EntryID]
	switch {
	case !ok:
		return nil, notFound("entry_id", "entry", c.EntryID)
	case a.category == c.Category && a.amount == c.Amount.Minor:
		return nil, violatesField("amount", "entry.unchanged", "entry %s is already %s on %s: the correction changes nothing", c.EntryID, c.Amount, c.Category)
	case a.source == events.SourceInvoice && a.amount != c.Amount.Minor:
		return nil, violatesField("amount", "entry.invoice_amount", "entry %s books invoice %s: its amount follows the invoice, only its category can be corrected", c.EntryID, a.invoiceID)
	}
	return []events.Payload{events.EntryCorrected{EntryID: c.EntryID, Corrects: a.event.String(), Category: c.Category, Amount: c.Amount}}, nil
}
