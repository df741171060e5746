package projections_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

const aylinEmail = "aylin.demir@example.com"

// TestScheduleOfTheDemo checks the schedule on two days of the story; the
// comment by each figure says why it is right.
func TestScheduleOfTheDemo(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	// 20 April: CR-1 (approved 13 April) moved M-2 to M-5 three weeks.
	v, err := e.Schedule(ctx, id, asOf("2026-04-20"))
	require.NoError(t, err)
	require.Equal(t, "2026-04-20", v.Today)
	require.Len(t, v.Milestones, 6)
	m1, m2, m3, m6 := v.Milestones[0], v.Milestones[1], v.Milestones[2], v.Milestones[5]
	require.Equal(t, "achieved", m1.Status, "design signed off on 20 March")
	require.Zero(t, m1.SlipDays, "on its baseline day")
	require.Nil(t, m1.DaysToForecast, "achieved: nothing to count down")
	require.Equal(t, "M-2", m2.ID)
	require.Equal(t, "2026-04-10", m2.Original.String(), "the charter's date for the SIP trunks")
	require.Equal(t, "2026-05-01", m2.Baseline.String(), "moved by CR-1")
	require.Equal(t, []string{"CR-1"}, m2.CRs)
	require.Equal(t, "2026-05-01", m2.Forecast.String(), "NordTel's date since 30 March")
	require.Equal(t, 0, m2.SlipDays, "the forecast is the new baseline")
	require.Equal(t, 21, m2.SlipOriginalDays, "three weeks after 10 April")
	require.Equal(t, "on_track", m2.Status)
	require.Equal(t, 11, *m2.DaysToForecast, "20 April to 1 May")
	require.Equal(t, "2026-05-15", m3.Baseline.String(), "pilot moved from 24 April by CR-1")
	require.Equal(t, "2026-05-15", m3.Forecast.String(), "a new baseline drags an earlier forecast along")
	require.Equal(t, "on_track", m6.Status, "closure stays on 30 June")

	tasks := map[string]projections.TaskRow{}
	for _, row := range v.Tasks {
		tasks[row.ID] = row
	}
	require.Len(t, tasks, 9)
	// The tasks keep their planned dates (CR-1 moved milestones, not tasks):
	// SIP trunk provisioning was due 10 April and stood at 80%.
	require.True(t, tasks["T-2"].Late)
	require.Equal(t, 80, tasks["T-2"].Percent)
	require.Equal(t, 10, tasks["T-2"].DaysLate, "10 April to 20 April")
	require.False(t, tasks["T-3"].Late, "porting prep is 100% although its finish has passed")
	require.False(t, tasks["T-4"].Late, "the pilot's finish, 24 April, is still ahead")

	// The plan is a chain of Monday starts after Friday finishes: design
	// (T-1) → porting prep (T-3) and trunks (T-2) → pilot (T-4) → wave 1
	// (T-6) → wave 2 (T-7) → closure (T-9, ends 30 June, the latest
	// finish). Counted in working days none of them has slack; headsets
	// (T-5) and training (T-8) hang off nothing and end early.
	require.Equal(t, []string{"T-1", "T-2", "T-3", "T-4", "T-6", "T-7", "T-9"}, v.CriticalPath)
	require.Equal(t, "2026-06-30", v.PlannedFinish.String())
	require.True(t, tasks["T-7"].Critical)
	require.Zero(t, tasks["T-7"].TotalFloatDays, "wave 2 ends Friday 12 June, closure starts Monday 15 June")
	require.False(t, tasks["T-8"].Critical)
	require.Equal(t, 7, tasks["T-8"].TotalFloatDays, "training ends Friday 19 June: 22–30 June are 7 working days")
	require.Equal(t, "2026-06-30", tasks["T-8"].LateFinish.String())
	require.Equal(t, 17, tasks["T-5"].TotalFloatDays, "headsets end Friday 5 June: 8–30 June are 17 working days")
	require.Empty(t, v.OverAllocation, "Aylin's wave 2 booking is only made on 25 May")

	// After the demo: everything achieved but closure; Aylin double-booked.
	v, err = e.Schedule(ctx, id, projections.Query{})
	require.NoError(t, err)
	require.Equal(t, "2026-07-01", v.Today)
	for _, m := range v.Milestones[:5] {
		require.Equal(t, "achieved", m.Status, m.ID)
	}
	m5, m6 := v.Milestones[4], v.Milestones[5]
	require.Equal(t, 0, m5.SlipDays, "wave 2 went live on 26 June, its CR-1 baseline")
	require.Equal(t, 14, m5.SlipOriginalDays, "two weeks after the charter's 12 June")
	require.Equal(t, "late", m6.Status, "project closed was forecast for 30 June and is not achieved on 1 July")
	require.Equal(t, 0, m6.SlipDays, "the forecast never moved")
	require.Equal(t, -1, *m6.DaysToForecast)
	tasks = map[string]projections.TaskRow{}
	for _, row := range v.Tasks {
		tasks[row.ID] = row
	}
	require.True(t, tasks["T-8"].Late, "training at 95%, due 19 June")
	require.Equal(t, 12, tasks["T-8"].DaysLate)
	require.True(t, tasks["T-9"].Late, "closure at 50%, due 30 June")
	require.Equal(t, 1, tasks["T-9"].DaysLate)
	require.False(t, tasks["T-2"].Late, "the trunks reached 100% on 1 May")

	// Aylin: 100% on the design task (RA-2, 2 March–30 June, never
	// released) plus 30% on wave 2 (RA-6, 25 May–12 June).
	require.Len(t, v.OverAllocation, 1)
	o := v.OverAllocation[0]
	require.Equal(t, aylinEmail, o.Person)
	require.Equal(t, "2026-05-25", o.From.String())
	require.Equal(t, "2026-06-12", o.To.String())
	require.Equal(t, 19, o.Days)
	require.Equal(t, 130, o.TotalPercent)
	require.Equal(t, []projections.AllocationShare{
		{ProjectCode: "TPM", AssignmentID: "RA-2", TaskID: "T-1", Percent: 100, From: mustDate("2026-03-02"), To: mustDate("2026-06-30")},
		{ProjectCode: "TPM", AssignmentID: "RA-6", TaskID: "T-7", Percent: 30, From: mustDate("2026-05-25"), To: mustDate("2026-06-12")},
	}, o.Assignments)
	// Jonas (80% on porting) was released on 1 June and Nils, Sam and
	// Lena are under 100%: nobody else appears.

	b, err := json.Marshal(v)
	require.NoError(t, err)
	for _, key := range []string{`"milestones":`, `"slip_days":`, `"days_to_forecast":`, `"tasks":`, `"total_float_days":`, `"critical":`,
		`"critical_path":["T-1"`, `"over_allocation":[{"person":`, `"total_percent":130`, `"project_code":"TPM"`} {
		require.Contains(t, string(b), key)
	}
}

// TestCriticalPath checks the forward and backward passes on a small plan
// counted in working days.
func TestCriticalPath(t *testing.T) {
	task := func(id, start, finish string, deps ...string) projections.Task {
		return projections.Task{ID: id, Start: mustDate(start), Finish: mustDate(finish), DependsOn: deps}
	}
	// Week of Monday 5 January 2026:
	//   A  Mon 5 – Fri 9            ┐
	//   B  Mon 12 – Fri 16  after A ├─ D  Mon 19 – Fri 23  after B and C
	//   C  Mon 12 – Wed 14  after A ┘
	//   E  Mon 5 – Wed 7            (free-standing)
	//   F  Sat 10 – Tue 13  after X (an unknown task: the link is ignored)
	//   G  Mon 12 – Tue 13  after H, H after G (a cycle: one link dropped)
	path, timing := projections.CriticalPath([]projections.Task{
		task("T-4", "2026-01-19", "2026-01-23", "T-2", "T-3"),
		task("T-1", "2026-01-05", "2026-01-09"),
		task("T-2", "2026-01-12", "2026-01-16", "T-1"),
		task("T-3", "2026-01-12", "2026-01-14", "T-1"),
		task("T-5", "2026-01-05", "2026-01-07"),
		task("T-6", "2026-01-10", "2026-01-13", "T-X"),
		task("T-7", "2026-01-12", "2026-01-13", "T-8"),
		task("T-8", "2026-01-12", "2026-01-13", "T-7"),
	})
	require.Equal(t, []string{"T-1", "T-2", "T-4"}, path, "A → B → D ends last; no slack anywhere on it")

	require.Equal(t, projections.TaskTiming{EarlyStart: mustDate("2026-01-05"), EarlyFinish: mustDate("2026-01-09"),
		LateStart: mustDate("2026-01-05"), LateFinish: mustDate("2026-01-09"), Critical: true}, timing["T-1"])
	require.Equal(t, mustDate("2026-01-23"), timing["T-4"].EarlyFinish, "the planned finish")
	// C takes 3 days where B takes 5: D waits for B, so C can slip 2 days.
	require.Equal(t, 2, timing["T-3"].TotalFloat)
	require.Equal(t, mustDate("2026-01-16"), timing["T-3"].LateFinish)
	require.Equal(t, mustDate("2026-01-14"), timing["T-3"].LateStart)
	// E (3 days from working day 0) may finish as late as Friday 23rd:
	// working days 0–2 early, 12–14 late.
	require.Equal(t, 12, timing["T-5"].TotalFloat)
	require.Equal(t, mustDate("2026-01-21"), timing["T-5"].LateStart)
	// F starts on a Saturday: it starts on Monday 12th, two working days.
	require.Equal(t, mustDate("2026-01-12"), timing["T-6"].EarlyStart)
	require.Equal(t, mustDate("2026-01-13"), timing["T-6"].EarlyFinish)
	require.Equal(t, 8, timing["T-6"].TotalFloat)
	// In the cycle T-7 is reached first (by id) and keeps its link to T-8;
	// T-8's link back to T-7 would close the cycle and is dropped.
	require.Equal(t, mustDate("2026-01-12"), timing["T-8"].EarlyStart)
	require.Equal(t, mustDate("2026-01-14"), timing["T-7"].EarlyStart, "the day after T-8's early finish")

	// A gap before a planned start is float: Y cannot start before
	// Wednesday, so X (done by Friday before) has two days to spare.
	path, timing = projections.CriticalPath([]projections.Task{
		task("X-1", "2026-01-05", "2026-01-09"),
		task("X-2", "2026-01-14", "2026-01-16", "X-1"),
	})
	require.Equal(t, []string{"X-2"}, path)
	require.Equal(t, 2, timing["X-1"].TotalFloat)

	path, timing = projections.CriticalPath(nil)
	require.Empty(t, path)
	require.Empty(t, timing)
}

// TestOverAllocations checks the periods on hand-made assignments.
func TestOverAllocations(t *testing.T) {
	a := func(id, person string, pct int, from, to string) projections.Assignment {
		return projections.Assignment{ID: id, Person: person, Percent: pct, From: mustDate(from), To: mustDate(to)}
	}
	released := a("RA-9", "pat", 100, "2026-01-01", "2026-12-31")
	released.Released = true
	got := projections.OverAllocations([]projections.ProjectAssignments{
		{Code: "P1", Assignments: []projections.Assignment{
			a("RA-1", "pat", 60, "2026-01-01", "2026-01-31"),
			a("RA-2", "pat", 30, "2026-01-15", "2026-02-10"),
			a("RA-3", "sue", 50, "2026-01-01", "2026-01-31"),
			a("RA-4", "max", 100, "2026-01-01", "2026-01-10"),
			a("RA-5", "max", 10, "2026-01-01", "2026-01-05"),
			released,
		}},
		{Code: "P2", Assignments: []projections.Assignment{
			a("RA-1", "pat", 50, "2026-01-10", "2026-01-20"),
			a("RA-2", "sue", 50, "2026-01-20", "2026-02-28"), // exactly 100%: not over
			a("RA-3", "max", 10, "2026-01-06", "2026-01-10"),
		}},
	})
	type period struct {
		person, from, to string
		total            int
		ids              []string
	}
	var periods []period
	for _, o := range got {
		p := period{o.Person, o.From.String(), o.To.String(), o.TotalPercent, nil}
		for _, s := range o.Assignments {
			p.ids = append(p.ids, s.ProjectCode+"/"+s.AssignmentID)
		}
		periods = append(periods, p)
		require.Equal(t, o.Days, int(o.To.Time().Sub(o.From.Time()).Hours()/24)+1)
	}
	require.Equal(t, []period{
		// max: 110% all of 1–10 January, but the set changes on the 6th.
		{"max", "2026-01-01", "2026-01-05", 110, []string{"P1/RA-4", "P1/RA-5"}},
		{"max", "2026-01-06", "2026-01-10", 110, []string{"P1/RA-4", "P2/RA-3"}},
		// pat: 60% alone to the 9th; +50% from the 10th; +30% from the
		// 15th; P2 ends on the 20th leaving 90%. The released 100% counts
		// for nothing.
		{"pat", "2026-01-10", "2026-01-14", 110, []string{"P1/RA-1", "P2/RA-1"}},
		{"pat", "2026-01-15", "2026-01-20", 140, []string{"P1/RA-1", "P1/RA-2", "P2/RA-1"}},
	}, periods)

	require.Empty(t, projections.OverAllocations(nil))
}

// TestOverAllocationAcrossProjects adds a second project that books Aylin
// from June and asks the demo's schedule before and after it was chartered.
func TestOverAllocationAcrossProjects(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "two.db")
	clock := &demo.Clock{}
	store, err := sqlite.Open(ctx, path, sqlite.Options{Clock: clock.Now})
	require.NoError(t, err)
	_, err = demo.Seed(ctx, aggregates.NewRepository(store, events.NewCatalogue()), clock)
	require.NoError(t, err)
	require.NoError(t, store.Close())

	store, err = sqlite.Open(ctx, path, sqlite.Options{Clock: fixedClock("2026-06-30T18:00:00Z")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	repo := aggregates.NewRepository(store, events.NewCatalogue())
	other := uuid.NewSHA1(uuid.NameSpaceURL, []byte("contact centre"))
	meta := aggregates.Meta{Actor: "petra.maier@example.com", Reason: "test"}
	for _, cmd := range []aggregates.ProjectCommand{
		aggregates.CharterProject{Code: "CCX", Name: "Contact centre", Sponsor: "Helena Schulz", Manager: "petra.maier@example.com",
			Coordinator: "chris.ortega@example.com", Start: mustDate("2026-06-01"), End: mustDate("2026-09-30"), Currency: "EUR"},
		aggregates.JoinMember{Person: aylinEmail, Name: "Aylin Demir", Role: "UC engineer"},
		aggregates.AssignResource{Person: aylinEmail, AllocationPercent: 20, From: mustDate("2026-06-01"), To: mustDate("2026-07-31")},
	} {
		_, err := repo.ExecProject(ctx, other, cmd, meta)
		require.NoError(t, err)
	}
	e := projections.NewEngine(store, events.NewCatalogue(), fixedClock("2026-07-01T09:00:00Z"), 0)

	// As the ledger stood on 29 June, CCX did not exist.
	v, err := e.Schedule(ctx, demo.ProjectID(), asOf("2026-06-29"))
	require.NoError(t, err)
	require.Len(t, v.OverAllocation, 1)
	require.Equal(t, 130, v.OverAllocation[0].TotalPercent)

	// Now: Aylin's TPM 100% (to 30 June) + 30% wave 2 (25 May–12 June) +
	// CCX 20% (1 June–31 July).
	v, err = e.Schedule(ctx, demo.ProjectID(), projections.Query{})
	require.NoError(t, err)
	type period struct {
		from, to string
		total    int
	}
	var got []period
	for _, o := range v.OverAllocation {
		got = append(got, period{o.From.String(), o.To.String(), o.TotalPercent})
	}
	require.Equal(t, []period{
		{"2026-05-25", "2026-05-31", 130}, // TPM only
		{"2026-06-01", "2026-06-12", 150}, // TPM, TPM, CCX
		{"2026-06-13", "2026-06-30", 120}, // TPM design + CCX; in July CCX alone is 20%
	}, got)
	require.Equal(t, "CCX", v.OverAllocation[1].Assignments[0].ProjectCode, "assignments by project code")

	// CCX's own schedule lists only the periods its assignment is part of.
	v, err = e.Schedule(ctx, other, projections.Query{})
	require.NoError(t, err)
	require.Len(t, v.OverAllocation, 2)
	require.Equal(t, "2026-06-01", v.OverAllocation[0].From.String())
	require.Equal(t, "2026-06-13", v.OverAllocation[1].From.String())
}

func mustDate(s string) events.Date {
	d, err := events.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
