package projections

import (
	"math/big"
	"time"

	"github.com/pledger/pledger/events"
)

// EVM is earned value analysis of a project at a moment, with the standard
// PMI definitions (PMBOK® Guide, 6th ed., §7.4.2.2–7.4.2.4 and Table 7-1).
//
// Money is in integer minor units. A figure whose formula divides by zero is
// null (a nil pointer), never 0 and never infinity: a project with no actual
// cost yet has no CPI, and so no EAC, ETC or VAC; a project with nothing
// planned yet has no SPI. Rounding is described by EVMRounding and repeated
// in every answer under "rounding".
type EVM struct {
	// BAC, budget at completion: the sum of every task's planned value, the
	// performance measurement baseline (PMB). The budget's contingency
	// category is not in it: contingency is a reserve held against risks and
	// assigned to no scheduled work. It reaches the work only through an
	// approved change request (CR-1 of the demo moved 18,000 EUR of it to
	// services), and until then it is not work that can be planned, earned
	// or fall behind. PMBOK keeps such reserves outside the PMB for the same
	// reason: counting unassigned money in BAC would make EAC, VAC and TCPI
	// look better than the performance of the planned work warrants.
	BAC int64 `json:"bac"`
	// PV, planned value at the moment: each task's planned value spread
	// evenly over its days, start and finish inclusive, of which the days
	// that have ended by the moment count (see PlannedFraction).
	PV int64 `json:"pv"`
	// EV, earned value: Σ planned value × percent complete / 100.
	EV int64 `json:"ev"`
	// AC, actual cost: every actual booked on the project, in every
	// category.
	AC int64 `json:"ac"`

	CV   int64    `json:"cv"`   // cost variance, EV − AC (negative: over budget)
	SV   int64    `json:"sv"`   // schedule variance, EV − PV (negative: behind)
	CPI  *float64 `json:"cpi"`  // cost performance index, EV / AC
	SPI  *float64 `json:"spi"`  // schedule performance index, EV / PV
	EAC  *int64   `json:"eac"`  // estimate at completion, BAC / CPI (typical variances continue)
	ETC  *int64   `json:"etc"`  // estimate to complete, EAC − AC
	VAC  *int64   `json:"vac"`  // variance at completion, BAC − EAC
	TCPI *float64 `json:"tcpi"` // to-complete performance index to meet BAC, (BAC − EV) / (BAC − AC); negative once AC exceeds BAC

	EACVariants EACVariants `json:"eac_variants"`

	PercentComplete *float64 `json:"percent_complete"` // EV / BAC × 100
	PercentSpent    *float64 `json:"percent_spent"`    // AC / BAC × 100
	Rounding        string   `json:"rounding"`
}

// EACVariants are the other estimates at completion PMBOK names.
type EACVariants struct {
	BACOverCPI *int64 `json:"bac_over_cpi"` // BAC / CPI: the variances seen so far continue (the default EAC)
	// ACPlusRemaining is AC + (BAC − EV): the remaining work is done at its
	// budgeted rate (the variances so far were a one-off).
	ACPlusRemaining int64 `json:"ac_plus_remaining"`
	// ACPlusRemainingOverCPISPI is AC + (BAC − EV) / (CPI × SPI): both cost
	// and schedule performance keep weighing on the remaining work.
	ACPlusRemainingOverCPISPI *int64 `json:"ac_plus_remaining_over_cpi_spi"`
}

// EVMRounding is the rounding policy of every EVM figure.
const EVMRounding = "money in integer minor units. BAC is a sum of integers; PV and EV are summed exactly over the tasks " +
	"and rounded once to the minor unit, half away from zero. CV, SV, ETC, VAC and AC + (BAC - EV) are exact differences " +
	"of the figures shown; EAC and its variants are computed exactly from the BAC, PV, EV and AC shown (never from the " +
	"rounded indices) and rounded once to the minor unit, half away from zero. CPI, SPI and TCPI are exact ratios of the " +
	"figures shown, rounded half away from zero to 4 decimal places; percentages to 2 decimal places. " +
	"A figure whose formula divides by zero is null."

// ComputeEVM computes earned value for tasks at moment, with actualCost the
// project's actual cost (AC). It is pure: the same tasks, cost and moment
// always give the same figures.
func ComputeEVM(tasks []Task, actualCost int64, moment time.Time) EVM {
	bac := new(big.Int)
	pv, ev := new(big.Rat), new(big.Rat)
	for _, t := range tasks {
		value := big.NewRat(t.PlannedValue, 1)
		bac.Add(bac, big.NewInt(t.PlannedValue))
		pv.Add(pv, new(big.Rat).Mul(value, PlannedFraction(t, moment)))
		ev.Add(ev, new(big.Rat).Mul(value, big.NewRat(int64(evmClampPercent(t.Percent)), 100)))
	}
	v := EVM{BAC: bac.Int64(), PV: evmRound(pv), EV: evmRound(ev), AC: actualCost, Rounding: EVMRounding}
	v.CV, v.SV = v.EV-v.AC, v.EV-v.PV

	bacR, pvR, evR, acR := evmInt(v.BAC), evmInt(v.PV), evmInt(v.EV), evmInt(v.AC)
	v.CPI = evmRatio(evR, acR)
	v.SPI = evmRatio(evR, pvR)
	v.TCPI = evmRatio(evmSub(bacR, evR), evmSub(bacR, acR))
	v.PercentComplete = evmPercent(evR, bacR)
	v.PercentSpent = evmPercent(acR, bacR)

	// EAC = BAC / CPI = BAC × AC / EV; undefined when CPI is (AC = 0) or is 0 (EV = 0).
	if v.AC != 0 && v.EV != 0 {
		eac := evmRound(evmQuo(evmMul(bacR, acR), evR))
		etc, vac := eac-v.AC, v.BAC-eac
		v.EAC, v.ETC, v.VAC = &eac, &etc, &vac
	}
	if v.EAC != nil {
		eac := *v.EAC
		v.EACVariants.BACOverCPI = &eac
	}
	v.EACVariants.ACPlusRemaining = v.AC + v.BAC - v.EV
	// AC + (BAC − EV) / (CPI × SPI) = AC + (BAC − EV) × AC × PV / EV².
	if v.AC != 0 && v.PV != 0 && v.EV != 0 {
		rest := evmQuo(evmMul(evmMul(evmSub(bacR, evR), acR), pvR), evmMul(evR, evR))
		eac := evmRound(new(big.Rat).Add(acR, rest))
		v.EACVariants.ACPlusRemainingOverCPISPI = &eac
	}
	return v
}

// PlannedFraction is the share of a task's planned value scheduled by
// moment, between 0 and 1. A task runs from the start of its start day to
// the end of its finish day, both inclusive, and its value is spread evenly
// over those days; a day counts once it has ended. So at any moment of the
// start day nothing is planned yet, at the end of the finish day (the
// instant "as of" that date means) all of it is, and halfway through the
// days half of it is. A task without dates, or finishing before it starts,
// is planned in full at the end of its finish (or start) day.
func PlannedFraction(t Task, moment time.Time) *big.Rat {
	start, finish := t.Start, t.Finish
	if start.IsZero() {
		start = finish
	}
	if finish.IsZero() || finish.Before(start) {
		finish = start
	}
	if start.IsZero() {
		return new(big.Rat) // no dates at all: never planned
	}
	days := int64(start.DaysUntil(finish) + 1)
	ended := int64(evmDaysEnded(start, moment))
	return big.NewRat(min(max(ended, 0), days), days)
}

// evmDaysEnded is how many days, counted from the start of from, have ended by
// moment: 0 during from itself, 1 at its last instant.
func evmDaysEnded(from events.Date, moment time.Time) int {
	today := events.DateOf(moment)
	n := from.DaysUntil(today)
	if !moment.Before(today.End()) {
		n++
	}
	return n
}

func evmClampPercent(p int) int { return min(max(p, 0), 100) }

func evmInt(n int64) *big.Rat       { return big.NewRat(n, 1) }
func evmSub(a, b *big.Rat) *big.Rat { return new(big.Rat).Sub(a, b) }
func evmMul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }
func evmQuo(a, b *big.Rat) *big.Rat { return new(big.Rat).Quo(a, b) }
func evmIsZero(r *big.Rat) bool     { return r.Sign() == 0 }

// evmRound rounds r to an integer, half away from zero.
func evmRound(r *big.Rat) int64 { return evmRoundInt(r).Int64() }

// evmRoundInt rounds r to the nearest integer, halves away from zero.
func evmRoundInt(r *big.Rat) *big.Int {
	num, den := new(big.Int).Abs(r.Num()), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if m.Lsh(m, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if r.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

// evmFloat rounds r half away from zero to places decimals.
func evmFloat(r *big.Rat, places int) float64 {
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	f, _ := new(big.Rat).SetFrac(evmRoundInt(new(big.Rat).Mul(r, new(big.Rat).SetInt(unit))), unit).Float64()
	return f
}

// evmRatio is a / b to 4 decimal places, or nil when b is 0.
func evmRatio(a, b *big.Rat) *float64 {
	if evmIsZero(b) {
		return nil
	}
	f := evmFloat(evmQuo(a, b), 4)
	return &f
}

// evmPercent is a / b × 100 to 2 decimal places, or nil when b is 0.
func evmPercent(a, b *big.Rat) *float64 {
	if evmIsZero(b) {
		return nil
	}
	f := evmFloat(evmMul(evmQuo(a, b), evmInt(100)), 2)
	return &f
}
