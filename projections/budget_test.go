package projections_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// The demo's budget (aggregates/demo), in euros; the view is in cents.
//
//	charter, 3 March: labour 120,000, hardware 96,000, software 40,000,
//	  services 150,000, contingency 60,000; thresholds: total warn 80 /
//	  alert 95, services its own warn 85 / alert 100.
//	5 March: PO-1 NordTel services 80,000; PO-2 Headset Direct hardware
//	  96,000; PO-3 UC Partners services 60,000.
//	CR-1, approved 13 April: contingency −18,000, services +18,000.
//	CR-2 (consoles, software +7,500) rejected 1 June: nothing moves.
//	Timesheets at EUR 85/h, labour: March 498 h = 42,330 (recorded 3 April,
//	  effective 31 March); April 615 h = 52,275; May 690 h = 58,650;
//	  June 590 h = 50,150; on 30 June Chris's April 150 h are corrected to
//	  75 h: −6,375.
//	Invoices: UCP-1107 36,000 on PO-3, approved 3 April; NT-2026-0412
//	  20,000 on PO-1, approved 6 April, paid 30 April; HD-88120 48,000 on
//	  PO-2, received 29 April, approved 4 May, paid 29 May; HD-88127 48,000,
//	  a duplicate, rejected 5 May; NT-2026-0588 30,000 on PO-1, approved
//	  3 June; UCP-1188 30,000 on PO-3 and NT-2026-0711 25,000 on PO-1 still
//	  only received at the end.
//	Expense: Vienna travel 2,350 services, effective 24 June.
//	Forecasts: services 168,000 (3 April), labour 118,000 (29 May),
//	  hardware 96,000 and services 171,000 (30 June).
//
// The tasks (planned value; start–finish, both days included):
//
//	design 36,000 2–20 Mar · trunks 48,000 9 Mar–10 Apr · porting 30,000
//	23 Mar–10 Apr · pilot 32,000 13–24 Apr · headsets 96,000 20 Apr–5 Jun ·
//	wave1 70,000 27 Apr–22 May · wave2 50,000 25 May–12 Jun · training
//	30,000 20 Apr–19 Jun · closure 14,000 15–30 Jun.
//	BAC = 406,000.

var (
	companyLimit  = projections.BudgetThreshold{Warn: 80, Alert: 95}
	servicesLimit = projections.BudgetThreshold{Warn: 85, Alert: 100}
)

// TestBudgetOfTheDemoEndOfApril: the budget as the ledger knew it on the
// evening of 30 April.
func TestBudgetOfTheDemoEndOfApril(t *testing.T) {
	e, id := demoEngine(t)
	v, err := e.Budget(context.Background(), id, asOf("2026-04-30"))
	require.NoError(t, err)
	require.Equal(t, "2026-04-30", v.Today)
	require.Equal(t, "EUR", v.Currency)

	// Burn: 2 March to 30 April is 60 days, both counted: 60/7 = 8.571
	// weeks and 60/30.4375 = 1.971 months.
	require.Equal(t, []projections.CategoryRow{{
		// Labour: no POs. Actual = March 42,330 + April 52,275 = 94,605; no
		// forecast yet, so FAC = max(120,000, 94,605). 94,605/120,000 =
		// 78.84%, under the total's warn of 80 (labour has no threshold of
		// its own). Burn 94,605 × 7/60 = 11,037.25 a week; 94,605 ×
		// 30.4375/60 = 47,992.328 → 47,992.33 a month.
		Category: "labour", Approved: evmEUR(120_000), Actual: evmEUR(94_605), Exposure: evmEUR(94_605),
		Remaining: evmEUR(25_395), ForecastAtCompletion: evmEUR(120_000), BurnPerWeek: 1_103_725, BurnPerMonth: 4_799_233,
		SpentPercent: 78.84, Threshold: companyLimit,
	}, {
		// Hardware: PO-2 96,000 committed; HD-88120 arrived on 29 April but
		// is not approved until 4 May, so no actual and the whole PO is
		// open: exposure 96,000 = 100% of the approved 96,000.
		Category: "hardware", Approved: evmEUR(96_000), Committed: evmEUR(96_000), OpenCommitments: evmEUR(96_000),
		Exposure: evmEUR(96_000), ForecastAtCompletion: evmEUR(96_000), SpentPercent: 100, Threshold: companyLimit,
	}, {
		// Software: approved and untouched.
		Category: "software", Approved: evmEUR(40_000), Remaining: evmEUR(40_000), ForecastAtCompletion: evmEUR(40_000),
		Threshold: companyLimit,
	}, {
		// Services: 150,000 + 18,000 from CR-1 = 168,000. Committed PO-1
		// 80,000 + PO-3 60,000 = 140,000. Actual UCP-1107 36,000 +
		// NT-2026-0412 20,000 = 56,000. Open: PO-1 80,000 − 20,000 + PO-3
		// 60,000 − 36,000 = 84,000. Exposure 140,000 = 83.33% of 168,000,
		// under its own warn of 85. FAC = the 3 April forecast 168,000.
		// Burn 56,000 × 7/60 = 6,533.33; 56,000 × 30.4375/60 = 28,408.33.
		Category: "services", Approved: evmEUR(168_000), Committed: evmEUR(140_000), Actual: evmEUR(56_000),
		OpenCommitments: evmEUR(84_000), Exposure: evmEUR(140_000), Remaining: evmEUR(28_000),
		ForecastAtCompletion: evmEUR(168_000), BurnPerWeek: 653_333, BurnPerMonth: 2_840_833, SpentPercent: 83.33,
		Threshold: servicesLimit,
	}, {
		// Contingency: 60,000 − 18,000 moved to services by CR-1.
		Category: "contingency", Approved: evmEUR(42_000), Remaining: evmEUR(42_000), ForecastAtCompletion: evmEUR(42_000),
		Threshold: companyLimit,
	}}, v.Categories)

	// The total sums the rows: 466,000 approved (CR-1 only moved money),
	// exposure 330,605 = 70.95%, under the warn of 80.
	require.Equal(t, projections.CategoryRow{
		Approved: evmEUR(466_000), Committed: evmEUR(236_000), Actual: evmEUR(150_605), OpenCommitments: evmEUR(180_000),
		Exposure: evmEUR(330_605), Remaining: evmEUR(135_395), ForecastAtCompletion: evmEUR(466_000),
		BurnPerWeek: 1_103_725 + 653_333, BurnPerMonth: 4_799_233 + 2_840_833, SpentPercent: 70.95, Threshold: companyLimit,
	}, v.Total)

	// Only hardware has crossed a line: its PO commits all of it.
	require.Len(t, v.Breaches, 1)
	require.Equal(t, "hardware", v.Breaches[0].Category)
	require.Equal(t, "alert", v.Breaches[0].Level)
	require.Equal(t, 100.0, v.Breaches[0].SpentPercent)
	require.Equal(t, 95, v.Breaches[0].ThresholdPercent)
	require.Contains(t, v.Breaches[0].Reason, "EUR 96000.00")
	require.Contains(t, v.Breaches[0].Reason, "100.00%")

	// Earned value at the end of 30 April.
	//
	// PV: design, trunks, porting and pilot have ended: 36,000 + 48,000 +
	// 30,000 + 32,000 = 146,000. headsets: 11 of its 47 days (20–30 April)
	// → 96,000 × 11/47 = 22,468.085; wave1: 4 of 26 (27–30 April) → 70,000 ×
	// 4/26 = 10,769.231; training: 11 of 61 → 30,000 × 11/61 = 5,409.836;
	// wave2 and closure not started. PV = 184,647.152 → 184,647.15.
	//
	// EV: design 100% 36,000; trunks 90% (24 April) 43,200; porting 100%
	// (10 April) 30,000; headsets 10% 9,600; training 10% 3,000; pilot is
	// first reported on 8 May. EV = 121,800 = 30% of BAC.
	//
	// AC = labour 94,605 + services 56,000 = 150,605.
	// CV = 121,800 − 150,605 = −28,805; SV = 121,800 − 184,647.15 = −62,847.15.
	// CPI = 121,800/150,605 = 0.80874 → 0.8087; SPI = 121,800/184,647.15 = 0.65964 → 0.6596.
	// EAC = 406,000 × 150,605/121,800 = 150,605 × 10/3 = 502,016.67;
	// ETC = 502,016.67 − 150,605 = 351,411.67; VAC = 406,000 − 502,016.67 = −96,016.67.
	// TCPI = (406,000 − 121,800)/(406,000 − 150,605) = 284,200/255,395 = 1.11279 → 1.1128.
	// AC + (BAC − EV) = 150,605 + 284,200 = 434,805;
	// AC + (BAC − EV)/(CPI × SPI) = 150,605 + 284,200 × 150,605 × 184,647.15/121,800² = 683,340.33.
	// Spent: 150,605/406,000 = 37.09%.
	require.Equal(t, projections.EVM{
		BAC: evmEUR(406_000), PV: 18_464_715, EV: evmEUR(121_800), AC: evmEUR(150_605),
		CV: evmEUR(-28_805), SV: -6_284_715, CPI: evmF(0.8087), SPI: evmF(0.6596),
		EAC: evmN(50_201_667), ETC: evmN(35_141_167), VAC: evmN(-9_601_667), TCPI: evmF(1.1128),
		EACVariants: projections.EACVariants{BACOverCPI: evmN(50_201_667), ACPlusRemaining: evmEUR(434_805),
			ACPlusRemainingOverCPISPI: evmN(68_334_033)},
		PercentComplete: evmF(30), PercentSpent: evmF(37.09), Rounding: projections.EVMRounding,
	}, v.EVM)
}

// TestBudgetOfTheDemoAtTheEnd: the whole ledger, on the engine's "now" of
// 1 July 2026, 09:00.
func TestBudgetOfTheDemoAtTheEnd(t *testing.T) {
	e, id := demoEngine(t)
	v, err := e.Budget(context.Background(), id, projections.Query{})
	require.NoError(t, err)
	require.Equal(t, "2026-07-01", v.Today)
	require.Equal(t, "now", v.AsOf)

	// Burn: 2 March to 1 July is 122 days: 17.43 weeks, 4.008 months.
	require.Equal(t, []projections.CategoryRow{{
		// Labour: 42,330 + 52,275 + 58,650 + 50,150 − 6,375 (the April
		// correction) = 197,030 = 164.19% of 120,000: an alert. FAC is
		// finance's forecast of 29 May, 205,000 (the overrun foreseen),
		// so the variance is −85,000 = −70.83%. Burn 197,030 × 7/122 =
		// 11,305.00; 197,030 × 30.4375/122 = 49,156.5625 → 49,156.56.
		Category: "labour", Approved: evmEUR(120_000), Actual: evmEUR(197_030), Exposure: evmEUR(197_030),
		Remaining: evmEUR(-77_030), ForecastAtCompletion: evmEUR(205_000), Variance: evmEUR(-85_000), VariancePct: -70.83,
		BurnPerWeek: 1_130_500, BurnPerMonth: 4_915_656, SpentPercent: 164.19, Threshold: companyLimit,
	}, {
		// Hardware: HD-88120 48,000 approved (and paid); the duplicate
		// HD-88127 was rejected and commits nothing. Open 96,000 − 48,000;
		// exposure still 96,000 = 100%. FAC: the 30 June forecast 96,000.
		// Burn 48,000 × 7/122 = 2,754.10; × 30.4375/122 = 11,975.41.
		Category: "hardware", Approved: evmEUR(96_000), Committed: evmEUR(96_000), Actual: evmEUR(48_000),
		OpenCommitments: evmEUR(48_000), Exposure: evmEUR(96_000), ForecastAtCompletion: evmEUR(96_000),
		BurnPerWeek: 275_410, BurnPerMonth: 1_197_541, SpentPercent: 100, Threshold: companyLimit,
	}, {
		// Software: CR-2 would have added 7,500 but was rejected.
		Category: "software", Approved: evmEUR(40_000), Remaining: evmEUR(40_000), ForecastAtCompletion: evmEUR(40_000),
		Threshold: companyLimit,
	}, {
		// Services: actual 56,000 + NT-2026-0588 30,000 + travel 2,350 =
		// 88,350. Open: PO-1 80,000 − 20,000 − 30,000 = 30,000 (NT-2026-0711
		// is only received) + PO-3 60,000 − 36,000 = 24,000 (UCP-1188 is only
		// received) = 54,000. Exposure 142,350 = 84.73% of 168,000: just
		// under its warn of 85. FAC: the 30 June forecast 171,000, variance
		// −3,000 = −1.79%. Burn 88,350 × 7/122 = 5,069.26; × 30.4375/122 =
		// 22,042.24.
		Category: "services", Approved: evmEUR(168_000), Committed: evmEUR(140_000), Actual: evmEUR(88_350),
		OpenCommitments: evmEUR(54_000), Exposure: evmEUR(142_350), Remaining: evmEUR(25_650),
		ForecastAtCompletion: evmEUR(171_000), Variance: evmEUR(-3_000), VariancePct: -1.79,
		BurnPerWeek: 506_926, BurnPerMonth: 2_204_224, SpentPercent: 84.73, Threshold: servicesLimit,
	}, {
		Category: "contingency", Approved: evmEUR(42_000), Remaining: evmEUR(42_000), ForecastAtCompletion: evmEUR(42_000),
		Threshold: companyLimit,
	}}, v.Categories)

	// Total: exposure 435,380 = 93.43% of 466,000: past the warn of 80,
	// not the alert of 95. FAC 205,000 + 96,000 + 40,000 + 171,000 +
	// 42,000 = 554,000: variance −88,000 = −18.88%.
	require.Equal(t, projections.CategoryRow{
		Approved: evmEUR(466_000), Committed: evmEUR(236_000), Actual: evmEUR(333_380), OpenCommitments: evmEUR(102_000),
		Exposure: evmEUR(435_380), Remaining: evmEUR(30_620), ForecastAtCompletion: evmEUR(554_000),
		Variance: evmEUR(-88_000), VariancePct: -18.88, BurnPerWeek: 1_130_500 + 275_410 + 506_926,
		BurnPerMonth: 4_915_656 + 1_197_541 + 2_204_224, SpentPercent: 93.43, Threshold: companyLimit,
	}, v.Total)

	type flag struct {
		category, level string
		spent           float64
		limit           int
	}
	var flags []flag
	for _, b := range v.Breaches {
		flags = append(flags, flag{b.Category, b.Level, b.SpentPercent, b.ThresholdPercent})
		require.NotEmpty(t, b.Reason)
	}
	require.Equal(t, []flag{
		{"labour", "alert", 164.19, 95},
		{"hardware", "alert", 100, 95},
		{"", "warn", 93.43, 80}, // the total, last
	}, flags)
	require.Contains(t, v.Breaches[0].Reason, "EUR 197030.00")
	require.Contains(t, v.Breaches[2].Reason, "the total")

	// Earned value. Every task finished by 30 June, so PV = BAC = 406,000.
	// EV: all at 100% but training 95% and closure 50% (26 June):
	// 406,000 − 30,000 × 5% − 14,000 × 50% = 397,500. AC = 333,380.
	// CV = 64,120; SV = −8,500; CPI = 397,500/333,380 = 1.19233 → 1.1923;
	// SPI = 397,500/406,000 = 0.97906 → 0.9791.
	// EAC = 406,000 × 333,380/397,500 = 340,508.8805 → 340,508.88;
	// ETC = 7,128.88; VAC = 65,491.12.
	// TCPI = 8,500/72,620 = 0.11705 → 0.117.
	// AC + (BAC − EV) = 341,880; AC + 8,500 × 333,380 × 406,000/397,500² = 340,661.32.
	// Complete 397,500/406,000 = 97.91%; spent 333,380/406,000 = 82.11%.
	require.Equal(t, projections.EVM{
		BAC: evmEUR(406_000), PV: evmEUR(406_000), EV: evmEUR(397_500), AC: evmEUR(333_380),
		CV: evmEUR(64_120), SV: evmEUR(-8_500), CPI: evmF(1.1923), SPI: evmF(0.9791),
		EAC: evmN(34_050_888), ETC: evmN(712_888), VAC: evmN(6_549_112), TCPI: evmF(0.117),
		EACVariants: projections.EACVariants{BACOverCPI: evmN(34_050_888), ACPlusRemaining: evmEUR(341_880),
			ACPlusRemainingOverCPISPI: evmN(34_066_132)},
		PercentComplete: evmF(97.91), PercentSpent: evmF(82.11), Rounding: projections.EVMRounding,
	}, v.EVM)
}

// TestBudgetEffectiveTime: the March timesheets were imported on 3 April,
// effective 31 March. The world at the end of 31 March, by what is known
// now, has them; what the ledger knew on 31 March does not.
func TestBudgetEffectiveTime(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()
	endOfMarch, err := projections.ParseTime("2026-03-31")
	require.NoError(t, err)

	effective, err := e.Budget(ctx, id, projections.Query{Effective: endOfMarch})
	require.NoError(t, err)
	known, err := e.Budget(ctx, id, asOf("2026-03-31"))
	require.NoError(t, err)

	require.Equal(t, "2026-03-31T23:59:59.999999999Z", effective.Effective)
	require.Equal(t, "2026-03-31", effective.Today)
	require.Equal(t, "2026-03-31", known.Today)

	labour := effective.Categories[0]
	require.Equal(t, "labour", labour.Category)
	// 498 h × 85 = 42,330, effective 31 March.
	require.Equal(t, evmEUR(42_330), labour.Actual)
	// 2–31 March is 30 days: 42,330 × 7/30 = 9,877 a week; less than a
	// month has passed, so the month's burn is all of it.
	require.Equal(t, evmEUR(9_877), labour.BurnPerWeek)
	require.Equal(t, evmEUR(42_330), labour.BurnPerMonth)
	require.Equal(t, evmEUR(42_330), effective.EVM.AC, "labour is the only actual in March")
	require.Equal(t, 1.5167, *effective.EVM.CPI, "64,200 / 42,330")

	require.Zero(t, known.Categories[0].Actual, "on 31 March the ledger had no timesheets yet")
	require.Zero(t, known.Total.Actual)
	require.Zero(t, known.EVM.AC)
	require.Nil(t, known.EVM.CPI, "no actual cost: no CPI")
	require.Nil(t, known.EVM.EAC)

	// The rest agrees: CR-1 has not moved services yet (13 April), both
	// March invoices are only received (effective 31 March, recorded
	// 2 April), so the POs are still open in full: services 140,000 of
	// 150,000 = 93.33%, past its warn of 85; hardware's PO is 100%.
	for _, v := range []projections.Budget{effective, known} {
		services := v.Categories[3]
		require.Equal(t, "services", services.Category)
		require.Equal(t, evmEUR(150_000), services.Approved)
		require.Equal(t, evmEUR(140_000), services.OpenCommitments)
		require.Equal(t, 93.33, services.SpentPercent)
		require.Len(t, v.Breaches, 2)
		require.Equal(t, "hardware", v.Breaches[0].Category)
		require.Equal(t, "alert", v.Breaches[0].Level)
		require.Equal(t, "services", v.Breaches[1].Category)
		require.Equal(t, "warn", v.Breaches[1].Level)

		// EV: design 100% 36,000 + trunks 40% 19,200 + porting 30% 9,000
		// (27 March) = 64,200. PV: design 36,000 + trunks 23 of 33 days
		// × 48,000 = 33,454.545 + porting 9 of 19 days × 30,000 =
		// 14,210.526 → 83,665.07.
		require.Equal(t, evmEUR(64_200), v.EVM.EV)
		require.Equal(t, int64(8_366_507), v.EVM.PV)
		require.Equal(t, 0.7673, *v.EVM.SPI)
	}
}

// TestBudgetJSON: the keys of the budget, exactly.
func TestBudgetJSON(t *testing.T) {
	e, id := demoEngine(t)
	v, err := e.Budget(context.Background(), id, projections.Query{})
	require.NoError(t, err)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))

	keys := func(x any) []string { return slices.Sorted(maps.Keys(x.(map[string]any))) }
	require.Equal(t, []string{"as_of", "breaches", "categories", "code", "currency", "evm", "moment", "name", "position",
		"project_id", "today", "total", "version"}, keys(doc))
	row := []string{"actual", "approved", "burn_per_month", "burn_per_week", "category", "committed", "exposure",
		"forecast_at_completion", "open_commitments", "remaining", "spent_percent", "threshold", "variance", "variance_pct"}
	require.Equal(t, row, keys(doc["total"]))
	require.Equal(t, row, keys(doc["categories"].([]any)[0]))
	require.Equal(t, []string{"alert_percent", "warn_percent"}, keys(doc["total"].(map[string]any)["threshold"]))
	require.Equal(t, []string{"category", "level", "reason", "spent_percent", "threshold_percent"}, keys(doc["breaches"].([]any)[0]))
	evm := doc["evm"].(map[string]any)
	require.Equal(t, []string{"ac", "bac", "cpi", "cv", "eac", "eac_variants", "etc", "ev", "percent_complete", "percent_spent",
		"pv", "rounding", "spi", "sv", "tcpi", "vac"}, keys(evm))
	require.Equal(t, []string{"ac_plus_remaining", "ac_plus_remaining_over_cpi_spi", "bac_over_cpi"}, keys(evm["eac_variants"]))
}
