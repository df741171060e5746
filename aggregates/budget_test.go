package aggregates

import (
	"slices"
	"testing"

	"github.com/pledger/pledger/events"
)

func approvedServices() events.BudgetApproved {
	return events.BudgetApproved{Category: events.CategoryServices, Amount: eur(10_000_000)}
}

func approvedContingency() events.BudgetApproved {
	return events.BudgetApproved{Category: events.CategoryContingency, Amount: eur(5_000_000)}
}

// timesheetActual is AC-1: two days of the engineer's time.
func timesheetActual() events.ActualRecorded {
	return events.ActualRecorded{EntryID: "AC-1", Category: events.CategoryLabour, Amount: eur(160_000),
		Source: events.SourceTimesheet, Person: "eng@example.com", Hours: 16, Description: "porting prep"}
}

func invoiceActual() events.ActualRecorded {
	return events.ActualRecorded{EntryID: "AC-1", Category: events.CategoryServices, Amount: eur(1_000_000),
		Source: events.SourceInvoice, InvoiceID: "INV-1"}
}

func TestApproveBudget(t *testing.T) {
	movedByCR := events.BudgetBaselineChanged{Category: events.CategoryHardware, Delta: eur(300_000), Approved: eur(300_000), CRID: "CR-1"}
	runGWT(t, []gwt{
		{name: "approve a category", given: withCharter(), when: ApproveBudget{Category: events.CategoryServices, Amount: eur(10_000_000)},
			then: []events.Payload{approvedServices()}},
		{name: "another category beside it", given: withCharter(approvedServices()),
			when: ApproveBudget{Category: events.CategoryContingency, Amount: eur(5_000_000)},
			then: []events.Payload{approvedContingency()}},
		{name: "approve an approved category again", given: withCharter(approvedServices()),
			when: ApproveBudget{Category: events.CategoryServices, Amount: eur(12_000_000)},
			kind: ErrRuleViolated, rule: "baseline.requires_cr", field: "category"},
		{name: "a category a CR already moved", given: withCharter(movedByCR),
			when: ApproveBudget{Category: events.CategoryHardware, Amount: eur(1)},
			kind: ErrRuleViolated, rule: "baseline.requires_cr", field: "category"},
		{name: "unknown category", given: withCharter(), when: ApproveBudget{Category: "travel", Amount: eur(1)},
			kind: ErrInvalid, rule: "one_of", field: "category"},
		{name: "another currency", given: withCharter(),
			when: ApproveBudget{Category: events.CategoryServices, Amount: events.Money{Minor: 100, Currency: "USD"}},
			kind: ErrInvalid, rule: "currency_mismatch", field: "amount.currency"},
		{name: "zero", given: withCharter(), when: ApproveBudget{Category: events.CategoryServices, Amount: eur(0)},
			kind: ErrInvalid, rule: "positive", field: "amount.minor"},
		{name: "negative", given: withCharter(), when: ApproveBudget{Category: events.CategoryServices, Amount: eur(-5)},
			kind: ErrInvalid, rule: "non_negative", field: "amount.minor"},
		{name: "before the charter", when: ApproveBudget{Category: events.CategoryServices, Amount: eur(1)},
			kind: ErrNotFound, rule: "project.not_found"},
	})
}

func TestRecordActual(t *testing.T) {
	expense := events.ActualRecorded{EntryID: "AC-2", Category: events.CategoryHardware, Amount: eur(45_990),
		Source: events.SourceExpense, Description: "spare handsets"}
	runGWT(t, []gwt{
		{name: "a timesheet", given: withCharter(),
			when: RecordActual{Category: events.CategoryLabour, Amount: eur(160_000), Source: events.SourceTimesheet,
				Person: "eng@example.com", Hours: 16, Description: "porting prep"},
			then: []events.Payload{timesheetActual()}},
		{name: "an expense after it gets the next id", given: withCharter(timesheetActual()),
			when: RecordActual{Category: events.CategoryHardware, Amount: eur(45_990), Source: events.SourceExpense, Description: "spare handsets"},
			then: []events.Payload{expense}},
		{name: "ids follow invoice actuals too", given: withCharter(invoiceActual()),
			when: RecordActual{Category: events.CategoryHardware, Amount: eur(45_990), Source: events.SourceExpense, Description: "spare handsets"},
			then: []events.Payload{expense}},
		{name: "an invoice by hand", given: withCharter(),
			when: RecordActual{Category: events.CategoryServices, Amount: eur(1), Source: events.SourceInvoice},
			kind: ErrInvalid, rule: "actual.invoice_via_approval", field: "source"},
		{name: "unknown source", given: withCharter(),
			when: RecordActual{Category: events.CategoryServices, Amount: eur(1), Source: "gift"},
			kind: ErrInvalid, rule: "one_of", field: "source"},
		{name: "a timesheet without a person", given: withCharter(),
			when: RecordActual{Category: events.CategoryLabour, Amount: eur(1), Source: events.SourceTimesheet, Hours: 1},
			kind: ErrInvalid, rule: "email", field: "person"},
		{name: "a timesheet without hours", given: withCharter(),
			when: RecordActual{Category: events.CategoryLabour, Amount: eur(1), Source: events.SourceTimesheet, Person: "eng@example.com"},
			kind: ErrInvalid, rule: "positive", field: "hours"},
		{name: "negative hours", given: withCharter(),
			when: RecordActual{Category: events.CategoryLabour, Amount: eur(1), Source: events.SourceTimesheet, Person: "eng@example.com", Hours: -2},
			kind: ErrInvalid, rule: "positive", field: "hours"},
		{name: "an expense with hours", given: withCharter(),
			when: RecordActual{Category: events.CategoryHardware, Amount: eur(1), Source: events.SourceExpense, Hours: 3},
			kind: ErrInvalid, rule: "actual.hours_timesheet_only", field: "hours"},
		{name: "an expense by a malformed person", given: withCharter(),
			when: RecordActual{Category: events.CategoryHardware, Amount: eur(1), Source: events.SourceExpense, Person: "Bob"},
			kind: ErrInvalid, rule: "email", field: "person"},
		{name: "unknown category", given: withCharter(),
			when: RecordActual{Category: "travel", Amount: eur(1), Source: events.SourceExpense},
			kind: ErrInvalid, rule: "one_of", field: "category"},
		{name: "zero amount", given: withCharter(),
			when: RecordActual{Category: events.CategoryHardware, Amount: eur(0), Source: events.SourceExpense},
			kind: ErrInvalid, rule: "positive", field: "amount.minor"},
		{name: "another currency", given: withCharter(),
			when: RecordActual{Category: events.CategoryHardware, Amount: events.Money{Minor: 1, Currency: "GBP"}, Source: events.SourceExpense},
			kind: ErrInvalid, rule: "currency_mismatch", field: "amount.currency"},
	})
}

func TestUpdateForecast(t *testing.T) {
	forecast := events.ForecastUpdated{Category: events.CategoryServices, EstimateAtCompletion: eur(11_500_000)}
	runGWT(t, []gwt{
		{name: "forecast a category", given: withCharter(approvedServices()),
			when: UpdateForecast{Category: events.CategoryServices, EstimateAtCompletion: eur(11_500_000)}, then: []events.Payload{forecast}},
		{name: "revise it", given: withCharter(forecast),
			when: UpdateForecast{Category: events.CategoryServices, EstimateAtCompletion: eur(12_000_000)},
			then: []events.Payload{events.ForecastUpdated{Category: events.CategoryServices, EstimateAtCompletion: eur(12_000_000)}}},
		{name: "forecast nothing more", given: withCharter(),
			when: UpdateForecast{Category: events.CategoryHardware, EstimateAtCompletion: eur(0)},
			then: []events.Payload{events.ForecastUpdated{Category: events.CategoryHardware, EstimateAtCompletion: eur(0)}}},
		{name: "the same forecast again", given: withCharter(forecast),
			when: UpdateForecast{Category: events.CategoryServices, EstimateAtCompletion: eur(11_500_000)},
			kind: ErrRuleViolated, rule: "forecast.unchanged", field: "estimate_at_completion"},
		{name: "negative", given: withCharter(),
			when: UpdateForecast{Category: events.CategoryServices, EstimateAtCompletion: eur(-1)},
			kind: ErrInvalid, rule: "non_negative", field: "estimate_at_completion.minor"},
		{name: "another currency", given: withCharter(),
			when: UpdateForecast{Category: events.CategoryServices, EstimateAtCompletion: events.Money{Minor: 1, Currency: "USD"}},
			kind: ErrInvalid, rule: "currency_mismatch", field: "estimate_at_completion.currency"},
		{name: "unknown category", given: withCharter(), when: UpdateForecast{Category: "", EstimateAtCompletion: eur(1)},
			kind: ErrInvalid, rule: "one_of", field: "category"},
	})
}

func TestSetVarianceThreshold(t *testing.T) {
	total := events.VarianceThresholdSet{WarnPercent: 90, AlertPercent: 100}
	runGWT(t, []gwt{
		{name: "for the total", given: withCharter(), when: SetVarianceThreshold{WarnPercent: 90, AlertPercent: 100},
			then: []events.Payload{total}},
		{name: "for a category", given: withCharter(total),
			when: SetVarianceThreshold{Category: events.CategoryServices, WarnPercent: 80, AlertPercent: 95},
			then: []events.Payload{events.VarianceThresholdSet{Category: events.CategoryServices, WarnPercent: 80, AlertPercent: 95}}},
		{name: "a category's is separate from the total's", given: withCharter(total),
			when: SetVarianceThreshold{Category: events.CategoryLabour, WarnPercent: 90, AlertPercent: 100},
			then: []events.Payload{events.VarianceThresholdSet{Category: events.CategoryLabour, WarnPercent: 90, AlertPercent: 100}}},
		{name: "up to 1000 percent", given: withCharter(), when: SetVarianceThreshold{WarnPercent: 999, AlertPercent: 1000},
			then: []events.Payload{events.VarianceThresholdSet{WarnPercent: 999, AlertPercent: 1000}}},
		{name: "the same again", given: withCharter(total), when: SetVarianceThreshold{WarnPercent: 90, AlertPercent: 100},
			kind: ErrRuleViolated, rule: "threshold.unchanged"},
		{name: "warn at alert", given: withCharter(), when: SetVarianceThreshold{WarnPercent: 100, AlertPercent: 100},
			kind: ErrInvalid, rule: "threshold.warn_not_below_alert", field: "warn_percent"},
		{name: "warn above alert", given: withCharter(), when: SetVarianceThreshold{WarnPercent: 110, AlertPercent: 100},
			kind: ErrInvalid, rule: "threshold.warn_not_below_alert", field: "warn_percent"},
		{name: "warn zero", given: withCharter(), when: SetVarianceThreshold{WarnPercent: 0, AlertPercent: 100},
			kind: ErrInvalid, rule: "percent_range", field: "warn_percent"},
		{name: "alert above 1000", given: withCharter(), when: SetVarianceThreshold{WarnPercent: 90, AlertPercent: 1001},
			kind: ErrInvalid, rule: "percent_range", field: "alert_percent"},
		{name: "unknown category", given: withCharter(), when: SetVarianceThreshold{Category: "travel", WarnPercent: 90, AlertPercent: 100},
			kind: ErrInvalid, rule: "one_of", field: "category"},
	})
}

func TestCorrectEntry(t *testing.T) {
	why := Meta{Reason: "timesheet was booked at the contractor's rate"}
	corrected := events.EntryCorrected{EntryID: "AC-1", Corrects: eventIDOf(1).String(), Category: events.CategoryLabour, Amount: eur(128_000)}
	runGWT(t, []gwt{
		{name: "correct the amount", given: withCharter(timesheetActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryLabour, Amount: eur(128_000)}, then: []events.Payload{corrected}},
		{name: "correct the category", given: withCharter(timesheetActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryServices, Amount: eur(160_000)},
			then: []events.Payload{events.EntryCorrected{EntryID: "AC-1", Corrects: eventIDOf(1).String(), Category: events.CategoryServices, Amount: eur(160_000)}}},
		{name: "void it", given: withCharter(timesheetActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryLabour, Amount: eur(0)},
			then: []events.Payload{events.EntryCorrected{EntryID: "AC-1", Corrects: eventIDOf(1).String(), Category: events.CategoryLabour, Amount: eur(0)}}},
		{name: "a second correction names the first", given: withCharter(timesheetActual(), corrected), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryLabour, Amount: eur(140_000)},
			then: []events.Payload{events.EntryCorrected{EntryID: "AC-1", Corrects: eventIDOf(2).String(), Category: events.CategoryLabour, Amount: eur(140_000)}}},
		{name: "recategorise an invoice actual", given: withCharter(invoiceActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategorySoftware, Amount: eur(1_000_000)},
			then: []events.Payload{events.EntryCorrected{EntryID: "AC-1", Corrects: eventIDOf(1).String(), Category: events.CategorySoftware, Amount: eur(1_000_000)}}},
		{name: "change an invoice actual's amount", given: withCharter(invoiceActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryServices, Amount: eur(900_000)},
			kind: ErrRuleViolated, rule: "entry.invoice_amount", field: "amount"},
		{name: "without a reason", given: withCharter(timesheetActual()),
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryLabour, Amount: eur(128_000)},
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "an unknown entry", given: withCharter(timesheetActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-7", Category: events.CategoryLabour, Amount: eur(128_000)},
			kind: ErrNotFound, rule: "entry.not_found", field: "entry_id"},
		{name: "changing nothing", given: withCharter(timesheetActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryLabour, Amount: eur(160_000)},
			kind: ErrRuleViolated, rule: "entry.unchanged", field: "amount"},
		{name: "the corrected value again changes nothing", given: withCharter(timesheetActual(), corrected), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryLabour, Amount: eur(128_000)},
			kind: ErrRuleViolated, rule: "entry.unchanged", field: "amount"},
		{name: "negative", given: withCharter(timesheetActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryLabour, Amount: eur(-1)},
			kind: ErrInvalid, rule: "non_negative", field: "amount.minor"},
		{name: "another currency", given: withCharter(timesheetActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: events.CategoryLabour, Amount: events.Money{Minor: 1, Currency: "USD"}},
			kind: ErrInvalid, rule: "currency_mismatch", field: "amount.currency"},
		{name: "unknown category", given: withCharter(timesheetActual()), meta: why,
			when: CorrectEntry{EntryID: "AC-1", Category: "travel", Amount: eur(1)},
			kind: ErrInvalid, rule: "one_of", field: "category"},
	})
}

// A baseline moves only through an approved change request: here CR-1
// moves 20,000.00 from contingency to services.
func TestBudgetBaselineByChangeRequest(t *testing.T) {
	submitted := events.ChangeRequestSubmitted{CRID: "CR-1", Title: "Extend cutover", Description: "SIP trunks late: two more weeks of carrier services", RequestedBy: "pm@example.com"}
	assessed := events.ChangeRequestAssessed{CRID: "CR-1", ScopeImpact: "none", ScheduleDays: 14, CostImpact: eur(2_000_000),
		BudgetChanges: []events.BudgetChange{
			{Category: events.CategoryContingency, Delta: eur(-2_000_000)},
			{Category: events.CategoryServices, Delta: eur(2_000_000)},
		}, AssessedBy: "pm@example.com"}
	approved := events.ChangeRequestApproved{CRID: "CR-1", Approver: "CIO", Rationale: "cheaper than a second carrier"}
	history := withCharter(approvedServices(), approvedContingency(), submitted, assessed, approved)
	implemented := append(slices.Clone(history),
		events.BudgetBaselineChanged{Category: events.CategoryContingency, Delta: eur(-2_000_000), Approved: eur(3_000_000), CRID: "CR-1"},
		events.BudgetBaselineChanged{Category: events.CategoryServices, Delta: eur(2_000_000), Approved: eur(12_000_000), CRID: "CR-1"},
		events.ChangeRequestImplemented{CRID: "CR-1"})
	why := Meta{Reason: "steering committee 2026-04-14"}
	runGWT(t, []gwt{
		{name: "implementing the approved CR moves the baselines", given: history, meta: why,
			when: ImplementChangeRequest{CRID: "CR-1"},
			then: []events.Payload{
				events.BudgetBaselineChanged{Category: events.CategoryContingency, Delta: eur(-2_000_000), Approved: eur(3_000_000), CRID: "CR-1"},
				events.BudgetBaselineChanged{Category: events.CategoryServices, Delta: eur(2_000_000), Approved: eur(12_000_000), CRID: "CR-1"},
				events.ChangeRequestImplemented{CRID: "CR-1"},
			}},
		{name: "an unapproved CR moves nothing", given: withCharter(approvedServices(), approvedContingency(), submitted, assessed), meta: why,
			when: ImplementChangeRequest{CRID: "CR-1"}, kind: ErrRuleViolated, rule: "baseline.requires_approved_cr", field: "cr_id"},
		{name: "nor does an implemented one, twice", given: implemented, meta: why,
			when: ImplementChangeRequest{CRID: "CR-1"}, kind: ErrRuleViolated, rule: "baseline.requires_approved_cr", field: "cr_id"},
		{name: "after it, approving the category again still needs a CR", given: implemented,
			when: ApproveBudget{Category: events.CategoryServices, Amount: eur(1)}, kind: ErrRuleViolated, rule: "baseline.requires_cr", field: "category"},
	})
}
