package projections_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// The examples build their tasks so PV and EV come out exactly: a task that
// ended before the moment is planned in full, one that starts after it not
// at all, and EV is planned value × percent complete. Amounts are in euros
// and converted to cents (minor units) by evmEUR.

func evmEUR(euros int64) int64 { return euros * 100 }

func evmDay(s string) events.Date {
	d, err := events.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func evmTask(id, start, finish string, plannedEuros int64, percent int) projections.Task {
	return projections.Task{ID: id, Start: evmDay(start), Finish: evmDay(finish), PlannedValue: evmEUR(plannedEuros), Percent: percent}
}

// evmStatusDate is the moment of the examples: the end of 30 June 2026.
var evmStatusDate = evmDay("2026-06-30").End()

func evmF(x float64) *float64 { return &x }
func evmN(x int64) *int64     { return &x }

// TestEVMTextbook is the standard textbook case, worked with the formulas
// of the PMBOK® Guide, 6th ed. (PMI, 2017), §7.4.2.2 "Earned value
// analysis" and Table 7-1 "Summary of Earned Value Calculations"
// (forecasting §7.4.2.3, TCPI §7.4.2.4). The figures are worked by hand:
//
//	BAC = 100,000   PV = 50,000   EV = 40,000   AC = 45,000
//	CV   = EV − AC              = 40,000 − 45,000           = −5,000   (over budget)
//	SV   = EV − PV              = 40,000 − 50,000           = −10,000  (behind schedule)
//	CPI  = EV / AC              = 40,000 / 45,000           = 0.88888… → 0.8889
//	SPI  = EV / PV              = 40,000 / 50,000           = 0.8
//	EAC  = BAC / CPI            = 100,000 × 45,000 / 40,000 = 112,500
//	ETC  = EAC − AC             = 112,500 − 45,000          = 67,500
//	VAC  = BAC − EAC            = 100,000 − 112,500         = −12,500
//	TCPI = (BAC − EV)/(BAC − AC) = 60,000 / 55,000          = 1.090909… → 1.0909
//	EAC variants: AC + (BAC − EV) = 45,000 + 60,000 = 105,000;
//	AC + (BAC − EV)/(CPI × SPI) = 45,000 + 60,000 / (8/9 × 4/5)
//	                            = 45,000 + 60,000 × 45/32 = 45,000 + 84,375 = 129,375
//	percent complete = EV / BAC = 40%; percent spent = AC / BAC = 45%.
//
// EAC uses the exact CPI 8/9: 100,000 / 0.8889 would give 112,498.59.
//
// Tasks: "build" (50,000) ran through May and is 80% done → PV 50,000,
// EV 40,000; "test" (50,000) starts in July → PV 0, EV 0.
func TestEVMTextbook(t *testing.T) {
	tasks := []projections.Task{
		evmTask("T-1", "2026-05-01", "2026-05-31", 50_000, 80),
		evmTask("T-2", "2026-07-01", "2026-07-31", 50_000, 0),
	}
	v := projections.ComputeEVM(tasks, evmEUR(45_000), evmStatusDate)
	require.Equal(t, projections.EVM{
		BAC: evmEUR(100_000), PV: evmEUR(50_000), EV: evmEUR(40_000), AC: evmEUR(45_000),
		CV: evmEUR(-5_000), SV: evmEUR(-10_000), CPI: evmF(0.8889), SPI: evmF(0.8),
		EAC: evmN(evmEUR(112_500)), ETC: evmN(evmEUR(67_500)), VAC: evmN(evmEUR(-12_500)), TCPI: evmF(1.0909),
		EACVariants: projections.EACVariants{BACOverCPI: evmN(evmEUR(112_500)), ACPlusRemaining: evmEUR(105_000),
			ACPlusRemainingOverCPISPI: evmN(evmEUR(129_375))},
		PercentComplete: evmF(40), PercentSpent: evmF(45), Rounding: projections.EVMRounding,
	}, v)
}

// TestEVMAheadAndUnderBudget is a project ahead of schedule and under
// budget: the published exercise "given the following data for a one-year
// project … at the end of the sixth month" (tutorsglobe.com, question
// 53225955): PV = 120,000, EV = 125,000, AC = 120,000, BAC = 235,000. The
// exercise publishes the data; the answers are worked here by hand with the
// PMBOK formulas (Table 7-1):
//
//	CV   = 125,000 − 120,000 = 5,000 (under budget)
//	SV   = 125,000 − 120,000 = 5,000 (ahead of schedule)
//	CPI  = 125,000 / 120,000 = 1.041666… → 1.0417
//	SPI  = 125,000 / 120,000 = 1.041666… → 1.0417
//	EAC  = 235,000 × 120,000 / 125,000 = 225,600
//	ETC  = 225,600 − 120,000 = 105,600
//	VAC  = 235,000 − 225,600 = 9,400
//	TCPI = (235,000 − 125,000) / (235,000 − 120,000) = 110,000 / 115,000 = 0.956521… → 0.9565
//	AC + (BAC − EV) = 120,000 + 110,000 = 230,000
//	AC + (BAC − EV)/(CPI × SPI) = 120,000 + 110,000 × (120/125)² = 120,000 + 101,376 = 221,376
//	percent complete = 125,000 / 235,000 = 53.1914…% → 53.19; spent = 120,000 / 235,000 = 51.0638…% → 51.06
//
// Tasks: "design" (120,000) done on time → PV 120,000, EV 120,000; "build"
// (100,000) starts in July but is already 5% done → PV 0, EV 5,000;
// "handover" (15,000) later still → 0 and 0.
func TestEVMAheadAndUnderBudget(t *testing.T) {
	tasks := []projections.Task{
		evmTask("T-1", "2026-01-01", "2026-06-30", 120_000, 100),
		evmTask("T-2", "2026-07-01", "2026-11-30", 100_000, 5),
		evmTask("T-3", "2026-12-01", "2026-12-31", 15_000, 0),
	}
	v := projections.ComputeEVM(tasks, evmEUR(120_000), evmStatusDate)
	require.Equal(t, projections.EVM{
		BAC: evmEUR(235_000), PV: evmEUR(120_000), EV: evmEUR(125_000), AC: evmEUR(120_000),
		CV: evmEUR(5_000), SV: evmEUR(5_000), CPI: evmF(1.0417), SPI: evmF(1.0417),
		EAC: evmN(evmEUR(225_600)), ETC: evmN(evmEUR(105_600)), VAC: evmN(evmEUR(9_400)), TCPI: evmF(0.9565),
		EACVariants: projections.EACVariants{BACOverCPI: evmN(evmEUR(225_600)), ACPlusRemaining: evmEUR(230_000),
			ACPlusRemainingOverCPISPI: evmN(evmEUR(221_376))},
		PercentComplete: evmF(53.19), PercentSpent: evmF(51.06), Rounding: projections.EVMRounding,
	}, v)
}

// TestEVMEdges: the divisions by zero give null, and the planned value of a
// task accrues per day, start and finish inclusive.
func TestEVMEdges(t *testing.T) {
	t.Run("no actuals: no CPI, so no EAC, ETC, VAC", func(t *testing.T) {
		v := projections.ComputeEVM([]projections.Task{evmTask("T-1", "2026-06-01", "2026-06-30", 10_000, 50)}, 0, evmStatusDate)
		require.Equal(t, evmEUR(10_000), v.PV)
		require.Equal(t, evmEUR(5_000), v.EV)
		require.Nil(t, v.CPI)
		require.Nil(t, v.EAC)
		require.Nil(t, v.ETC)
		require.Nil(t, v.VAC)
		require.Nil(t, v.EACVariants.BACOverCPI)
		require.Nil(t, v.EACVariants.ACPlusRemainingOverCPISPI)
		require.Equal(t, evmEUR(5_000), v.EACVariants.ACPlusRemaining, "AC + (BAC − EV) divides by nothing")
		require.Equal(t, 0.5, *v.SPI)
		require.Equal(t, 0.5, *v.TCPI, "(10,000 − 5,000) / (10,000 − 0)")
		require.Equal(t, 0.0, *v.PercentSpent)

		// null, not 0 and not missing, in JSON
		b, err := json.Marshal(v)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		for _, key := range []string{"cpi", "eac", "etc", "vac"} {
			value, present := m[key]
			require.True(t, present, key)
			require.Nil(t, value, key)
		}
	})

	t.Run("nothing planned yet: no SPI", func(t *testing.T) {
		v := projections.ComputeEVM([]projections.Task{evmTask("T-1", "2026-07-01", "2026-07-31", 10_000, 10)}, evmEUR(800), evmStatusDate)
		require.Zero(t, v.PV)
		require.Equal(t, evmEUR(1_000), v.EV)
		require.Equal(t, evmEUR(1_000), v.SV)
		require.Nil(t, v.SPI)
		require.Nil(t, v.EACVariants.ACPlusRemainingOverCPISPI, "CPI × SPI needs an SPI")
		require.Equal(t, 1.25, *v.CPI)
		require.Equal(t, evmEUR(8_000), *v.EAC, "10,000 × 800 / 1,000")
	})

	t.Run("nothing at all", func(t *testing.T) {
		v := projections.ComputeEVM(nil, 0, evmStatusDate)
		require.Equal(t, projections.EVM{Rounding: projections.EVMRounding}, v)
	})

	t.Run("a task exactly half elapsed", func(t *testing.T) {
		// 1–10 June is ten days, both inclusive; by the end of 5 June five
		// of them have ended: half the planned value.
		half := []projections.Task{evmTask("T-1", "2026-06-01", "2026-06-10", 10_000, 0)}
		require.Equal(t, evmEUR(5_000), projections.ComputeEVM(half, 0, evmDay("2026-06-05").End()).PV)
		// During 5 June only four days have ended.
		require.Equal(t, evmEUR(4_000), projections.ComputeEVM(half, 0, evmDay("2026-06-05").Time().Add(9*time.Hour)).PV)
		// Any moment of the start day: nothing planned yet.
		require.Zero(t, projections.ComputeEVM(half, 0, evmDay("2026-06-01").Time().Add(17*time.Hour)).PV)
		require.Zero(t, projections.ComputeEVM(half, 0, evmDay("2026-05-31").End()).PV)
		// The end of the start day: one day of ten.
		require.Equal(t, evmEUR(1_000), projections.ComputeEVM(half, 0, evmDay("2026-06-01").End()).PV)
		// A third of a 3-day task is 3,333.33⅓ EUR: rounded once to the cent.
		third := []projections.Task{evmTask("T-1", "2026-06-01", "2026-06-03", 10_000, 0)}
		require.Equal(t, int64(333_333), projections.ComputeEVM(third, 0, evmDay("2026-06-01").End()).PV)
		require.Equal(t, int64(666_667), projections.ComputeEVM(third, 0, evmDay("2026-06-02").End()).PV, "6,666.66⅔ rounds up")
	})

	t.Run("a finished task", func(t *testing.T) {
		done := []projections.Task{evmTask("T-1", "2026-06-01", "2026-06-10", 10_000, 100)}
		// At the end of its finish day, and ever after, all of it is planned.
		for _, m := range []time.Time{evmDay("2026-06-10").End(), evmDay("2026-06-11").Time(), evmDay("2027-01-01").End()} {
			v := projections.ComputeEVM(done, evmEUR(9_000), m)
			require.Equal(t, evmEUR(10_000), v.PV, m)
			require.Equal(t, evmEUR(10_000), v.EV, m)
			require.Equal(t, 1.0, *v.SPI)
			require.Equal(t, 1.1111, *v.CPI)
			require.Equal(t, evmEUR(9_000), *v.EAC, "BAC / CPI of a finished task is what it cost")
			require.Equal(t, int64(0), *v.ETC)
			require.Equal(t, 100.0, *v.PercentComplete)
			require.Equal(t, 0.0, *v.TCPI, "nothing left to earn")
		}
		// During its finish day, nine days of ten have ended.
		require.Equal(t, evmEUR(9_000), projections.ComputeEVM(done, 0, evmDay("2026-06-10").Time().Add(8*time.Hour)).PV)
		// A one-day task is planned in full at the end of its day.
		one := []projections.Task{evmTask("T-1", "2026-06-10", "2026-06-10", 10_000, 0)}
		require.Zero(t, projections.ComputeEVM(one, 0, evmDay("2026-06-10").Time().Add(8*time.Hour)).PV)
		require.Equal(t, evmEUR(10_000), projections.ComputeEVM(one, 0, evmDay("2026-06-10").End()).PV)
	})

	t.Run("budget spent before the work is done", func(t *testing.T) {
		// BAC = AC: no TCPI can meet the BAC any more.
		v := projections.ComputeEVM([]projections.Task{evmTask("T-1", "2026-06-01", "2026-06-30", 10_000, 50)}, evmEUR(10_000), evmStatusDate)
		require.Nil(t, v.TCPI)
		require.Equal(t, evmEUR(20_000), *v.EAC)
		// EV = 0 with cost: CPI is 0, and BAC / 0 has no value.
		v = projections.ComputeEVM([]projections.Task{evmTask("T-1", "2026-06-01", "2026-06-30", 10_000, 0)}, evmEUR(500), evmStatusDate)
		require.Equal(t, 0.0, *v.CPI)
		require.Nil(t, v.EAC)
		require.Nil(t, v.EACVariants.ACPlusRemainingOverCPISPI)
	})
}
