package projections

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Budget is the budget view: by category, what was approved, committed to
// vendors and spent, what is still exposed and forecast, the thresholds
// crossed, and the project's earned value. Amounts are integer minor units
// of Header.Currency.
type Budget struct {
	Header
	Categories []CategoryRow `json:"categories"`
	Total      CategoryRow   `json:"total"` // its category is "", like the total's threshold events
	Breaches   []Breach      `json:"breaches"`
	EVM        EVM           `json:"evm"`
}

// CategoryRow is one budget category, or the total, at the moment.
type CategoryRow struct {
	Category string `json:"category"`
	Approved int64  `json:"approved"` // the baseline, as moved by approved change requests
	// Committed is the sum of the category's purchase orders.
	Committed int64 `json:"committed"`
	// Actual is the actual cost booked: approved invoices, timesheets,
	// expenses, as corrected.
	Actual int64 `json:"actual"`
	// OpenCommitments is what the purchase orders still commit: per order,
	// its amount less its approved or paid invoices (whose cost is already
	// in Actual), never below 0. Received invoices are not yet cost; rejected
	// ones never will be.
	OpenCommitments int64 `json:"open_commitments"`
	Exposure        int64 `json:"exposure"`  // Actual + OpenCommitments
	Remaining       int64 `json:"remaining"` // Approved − Exposure; negative when overrun
	// ForecastAtCompletion is the category's forecast if finance set one,
	// else the larger of Approved and Exposure.
	ForecastAtCompletion int64   `json:"forecast_at_completion"`
	Variance             int64   `json:"variance"`     // Approved − ForecastAtCompletion
	VariancePct          float64 `json:"variance_pct"` // Variance / Approved × 100; 0 when nothing is approved
	// BurnPerWeek and BurnPerMonth are the actuals effective on or before
	// the moment's day, over the weeks (days / 7) and months
	// (days / 30.4375) from the project's start day to the moment's day,
	// both counted; at least one week and one month.
	BurnPerWeek  int64           `json:"burn_per_week"`
	BurnPerMonth int64           `json:"burn_per_month"`
	SpentPercent float64         `json:"spent_percent"` // Exposure / Approved × 100; 0 when nothing is approved
	Threshold    BudgetThreshold `json:"threshold"`     // the category's own, else the total's
}

// BudgetThreshold is when spending is flagged, in percent of the approved
// amount; 0 means never.
type BudgetThreshold struct {
	Warn  int `json:"warn_percent"`
	Alert int `json:"alert_percent"`
}

// Breach is a category, or the total (Category ""), whose exposure has
// reached a threshold. Only the highest level reached is reported.
type Breach struct {
	Category         string  `json:"category"`
	Level            string  `json:"level"` // warn, alert
	SpentPercent     float64 `json:"spent_percent"`
	ThresholdPercent int     `json:"threshold_percent"`
	Reason           string  `json:"reason"`
}

// Breach levels.
const (
	BreachWarn  = "warn"
	BreachAlert = "alert"
)

// budgetOrder is the order categories are shown in; others follow, by name.
var budgetOrder = []string{events.CategoryLabour, events.CategoryHardware, events.CategorySoftware, events.CategoryServices, events.CategoryContingency}

// BudgetView computes the budget of s at moment. Money is exact integer
// arithmetic; the only divisions (burn rates, percentages and earned value)
// are exact rationals rounded once, half away from zero: money to the minor
// unit, percentages to 2 decimal places, indices to 4 (see EVMRounding).
func BudgetView(s *State, q Query, moment time.Time) Budget {
	today := events.DateOf(moment)
	days := 1 // project days from the start day to the moment's day, both counted
	if start := s.Project.Start; !start.IsZero() {
		days = max(start.DaysUntil(today)+1, 1)
	}

	settled := map[string]int64{} // by PO: its approved or paid invoices
	for _, inv := range s.Invoices.All() {
		if inv.Status == "approved" || inv.Status == "paid" {
			settled[inv.POID] += inv.Amount
		}
	}
	committed, open := map[string]int64{}, map[string]int64{}
	for _, po := range s.POs.All() {
		committed[po.Category] += po.Amount
		open[po.Category] += max(po.Amount-settled[po.ID], 0)
	}

	v := Budget{Header: header(s, q, moment), Categories: []CategoryRow{}, Breaches: []Breach{}}
	total := CategoryRow{Threshold: BudgetThreshold(s.Total)}
	var ac int64
	for _, name := range budgetCategories(s) {
		c, _ := s.Categories.Get(name)
		row := CategoryRow{Category: name, Approved: c.Approved, Committed: committed[name], Actual: c.Actual, OpenCommitments: open[name]}
		row.Exposure = row.Actual + row.OpenCommitments
		row.ForecastAtCompletion = max(row.Approved, row.Exposure)
		if c.Forecast != nil {
			row.ForecastAtCompletion = *c.Forecast
		}
		var burned int64
		for _, b := range c.Burn {
			if !b.Day.After(today) {
				burned += b.Amount
			}
		}
		row.BurnPerWeek, row.BurnPerMonth = burnRates(burned, days)
		row.Threshold = BudgetThreshold(c.Limit)
		if c.Limit == (Threshold{}) {
			row.Threshold = BudgetThreshold(s.Total)
		}
		row.finish()
		v.Categories = append(v.Categories, row)
		if b, ok := row.breach(v.Currency); ok {
			v.Breaches = append(v.Breaches, b)
		}

		total.Approved += row.Approved
		total.Committed += row.Committed
		total.Actual += row.Actual
		total.OpenCommitments += row.OpenCommitments
		total.Exposure += row.Exposure
		total.ForecastAtCompletion += row.ForecastAtCompletion
		total.BurnPerWeek += row.BurnPerWeek // the total foots: it is the sum of the rows shown
		total.BurnPerMonth += row.BurnPerMonth
		ac += c.Actual
	}
	total.finish()
	v.Total = total
	if b, ok := total.breach(v.Currency); ok {
		v.Breaches = append(v.Breaches, b)
	}

	tasks := sortedByID(s.Tasks.All(), func(t Task) string { return t.ID })
	v.EVM = ComputeEVM(tasks, ac, moment)
	return v
}

// Budget returns the budget of project id as q asks.
func (e *Engine) Budget(ctx context.Context, id uuid.UUID, q Query) (Budget, error) {
	return view(ctx, e, id, q, func(s *State, m time.Time) Budget { return BudgetView(s, q, m) })
}

// budgetCategories are the categories that appear in s (approved, spent,
// given a threshold or committed to), in budgetOrder, then the others by name.
func budgetCategories(s *State) []string {
	seen := map[string]bool{}
	for name := range s.Categories.All() {
		seen[name] = true
	}
	for _, po := range s.POs.All() {
		seen[po.Category] = true
	}
	var out, others []string
	for _, name := range budgetOrder {
		if seen[name] {
			out = append(out, name)
			delete(seen, name)
		}
	}
	for name := range seen {
		others = append(others, name)
	}
	slices.Sort(others)
	return append(out, others...)
}

// burnRates divides burned over days into a rate per week (7 days) and per
// month (30.4375 days, the mean Gregorian month), each at least one unit.
func burnRates(burned int64, days int) (perWeek, perMonth int64) {
	perWeek, perMonth = burned, burned
	if days >= 7 {
		perWeek = evmRound(big.NewRat(burned*7, int64(days)))
	}
	if days*16 >= 487 { // 30.4375 = 487/16
		perMonth = evmRound(evmQuo(evmMul(evmInt(burned), big.NewRat(487, 16)), evmInt(int64(days))))
	}
	return perWeek, perMonth
}

// finish computes a row's figures derived from its sums.
func (r *CategoryRow) finish() {
	r.Remaining = r.Approved - r.Exposure
	r.Variance = r.Approved - r.ForecastAtCompletion
	if r.Approved != 0 {
		r.VariancePct = evmFloat(big.NewRat(r.Variance*100, r.Approved), 2)
		r.SpentPercent = evmFloat(big.NewRat(r.Exposure*100, r.Approved), 2)
	}
}

// breach reports the highest threshold r's exposure has reached. Exposure
// with nothing approved is an alert whatever the thresholds. The comparison
// is exact (in integers), not on the rounded percentage.
func (r CategoryRow) breach(currency string) (Breach, bool) {
	name := r.Category
	if name == "" {
		name = "the total"
	}
	money := func(m int64) string { return events.Money{Minor: m, Currency: currency}.String() }
	if r.Approved <= 0 {
		if r.Exposure <= 0 {
			return Breach{}, false
		}
		return Breach{Category: r.Category, Level: BreachAlert, SpentPercent: r.SpentPercent, ThresholdPercent: r.Threshold.Alert,
			Reason: fmt.Sprintf("%s has an exposure of %s (actual %s + open commitments %s) but no approved budget",
				name, money(r.Exposure), money(r.Actual), money(r.OpenCommitments))}, true
	}
	level, limit := "", 0
	switch reached := func(p int) bool { return p > 0 && r.Exposure*100 >= int64(p)*r.Approved }; {
	case reached(r.Threshold.Alert):
		level, limit = BreachAlert, r.Threshold.Alert
	case reached(r.Threshold.Warn):
		level, limit = BreachWarn, r.Threshold.Warn
	default:
		return Breach{}, false
	}
	return Breach{Category: r.Category, Level: level, SpentPercent: r.SpentPercent, ThresholdPercent: limit,
		Reason: fmt.Sprintf("%s: exposure %s (actual %s + open commitments %s) is %.2f%% of the approved %s, at or above the %s threshold of %d%%",
			name, money(r.Exposure), money(r.Actual), money(r.OpenCommitments), r.SpentPercent, money(r.Approved), level, limit)}, true
}
