package projections

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Schedule is the schedule view: milestones with their slip, tasks with
// their lateness and float, the critical path, and the over-allocation of
// the project's people across every project in the ledger.
type Schedule struct {
	Header
	Milestones     []MilestoneRow   `json:"milestones"`
	Tasks          []TaskRow        `json:"tasks"`
	CriticalPath   []string         `json:"critical_path"`  // task ids with zero total float, by early start
	PlannedFinish  events.Date      `json:"planned_finish"` // the latest early finish of the task network
	OverAllocation []OverAllocation `json:"over_allocation"`
}

// Milestone statuses.
const (
	MilestoneAchieved = "achieved"
	MilestoneOnTrack  = "on_track"
	MilestoneSlipping = "slipping" // the forecast is after the baseline
	MilestoneLate     = "late"     // not achieved and the forecast has passed
)

// MilestoneRow is a milestone with its slip and status for the moment.
type MilestoneRow struct {
	Milestone
	SlipDays         int    `json:"slip_days"`               // forecast (or actual, once achieved) minus the current baseline
	SlipOriginalDays int    `json:"slip_from_original_days"` // the same against the original baseline
	Status           string `json:"status"`                  // achieved, on_track, slipping, late
	DaysToForecast   *int   `json:"days_to_forecast,omitempty"`
}

// TaskRow is a task with its lateness and its place in the critical-path
// analysis. Float and the early/late dates are in working days (see
// CriticalPath).
type TaskRow struct {
	Task
	Late           bool        `json:"late"` // not complete and its finish has passed
	DaysLate       int         `json:"days_late,omitempty"`
	Critical       bool        `json:"critical"`
	TotalFloatDays int         `json:"total_float_days"` // working days
	EarlyStart     events.Date `json:"early_start"`
	EarlyFinish    events.Date `json:"early_finish"`
	LateStart      events.Date `json:"late_start"`
	LateFinish     events.Date `json:"late_finish"`
}

// ScheduleView computes the schedule of s at moment. others are the
// assignments of the ledger's other projects at the same question; the view
// lists the over-allocations that involve at least one of this project's
// assignments.
func ScheduleView(s *State, q Query, moment time.Time, others []ProjectAssignments) Schedule {
	today := events.DateOf(moment)
	v := Schedule{Header: header(s, q, moment), Milestones: []MilestoneRow{}, Tasks: []TaskRow{}, OverAllocation: []OverAllocation{}}
	for _, m := range sortedByID(s.Milestones.All(), func(m Milestone) string { return m.ID }) {
		v.Milestones = append(v.Milestones, milestoneRow(m, today))
	}
	tasks := sortedByID(s.Tasks.All(), func(t Task) string { return t.ID })
	var timings map[string]TaskTiming
	v.CriticalPath, v.PlannedFinish, timings = analyse(tasks)
	for _, t := range tasks {
		n := timings[t.ID]
		row := TaskRow{Task: t, Critical: n.Critical, TotalFloatDays: n.TotalFloat,
			EarlyStart: n.EarlyStart, EarlyFinish: n.EarlyFinish, LateStart: n.LateStart, LateFinish: n.LateFinish}
		if t.Percent < 100 && t.Finish.Before(today) {
			row.Late, row.DaysLate = true, daysFrom(t.Finish, today)
		}
		v.Tasks = append(v.Tasks, row)
	}

	code := s.Project.Code
	all := []ProjectAssignments{{Code: code, Assignments: sortedByID(s.Assignments.All(), func(a Assignment) string { return a.ID })}}
	for _, o := range others {
		if o.Code != code {
			all = append(all, o)
		}
	}
	for _, o := range OverAllocations(all) {
		if slices.ContainsFunc(o.Assignments, func(a AllocationShare) bool { return a.ProjectCode == code }) {
			v.OverAllocation = append(v.OverAllocation, o)
		}
	}
	return v
}

func milestoneRow(m Milestone, today events.Date) MilestoneRow {
	row := MilestoneRow{Milestone: m}
	switch {
	case !m.Actual.IsZero():
		row.Status = MilestoneAchieved
		row.SlipDays, row.SlipOriginalDays = daysFrom(m.Baseline, m.Actual), daysFrom(m.Original, m.Actual)
		return row
	case m.Forecast.Before(today):
		row.Status = MilestoneLate
	case m.Forecast.After(m.Baseline):
		row.Status = MilestoneSlipping
	default:
		row.Status = MilestoneOnTrack
	}
	row.SlipDays, row.SlipOriginalDays = daysFrom(m.Baseline, m.Forecast), daysFrom(m.Original, m.Forecast)
	d := daysFrom(today, m.Forecast)
	row.DaysToForecast = &d
	return row
}

// TaskTiming is one task's result of the critical-path analysis.
type TaskTiming struct {
	EarlyStart  events.Date
	EarlyFinish events.Date
	LateStart   events.Date
	LateFinish  events.Date
	TotalFloat  int // working days the task can slip without moving the planned finish
	Critical    bool
}

// CriticalPath analyses tasks linked finish-to-start and returns the
// critical path — the ids of the tasks with zero total float, ordered by
// early start, then id — and each task's timing.
//
// The analysis counts working days, Monday to Friday (no holidays), so a
// weekend between one task's finish and the next one's start is not float.
// A task's duration is the working days from its start to its finish,
// inclusive (at least one). The forward pass gives each task, in dependency
// order, early start = the later of its own planned start and the day after
// its latest predecessor's early finish; early finish = early start +
// duration − 1. The planned finish is the latest early finish. The backward
// pass gives late finish = the earlier of the planned finish and the day
// before its earliest successor's late start; late start = late finish −
// duration + 1. Total float = late start − early start, never negative: a
// task with zero float is on a longest path to the planned finish, and any
// delay to it moves the end of the project. Links to unknown tasks are
// ignored, and so is a link that would close a cycle. Dates are the planned
// dates; progress does not move them.
func CriticalPath(tasks []Task) ([]string, map[string]TaskTiming) {
	sorted := slices.Clone(tasks)
	slices.SortFunc(sorted, func(a, b Task) int { return CompareIDs(a.ID, b.ID) })
	path, _, timings := analyse(sorted)
	return path, timings
}

// analyse returns the critical path, the planned finish and the timings of
// tasks, sorted by id.
func analyse(tasks []Task) ([]string, events.Date, map[string]TaskTiming) {
	timings := network(tasks)
	path := []string{}
	var finish events.Date
	for _, t := range tasks {
		n := timings[t.ID]
		if n.Critical {
			path = append(path, t.ID)
		}
		if n.EarlyFinish.After(finish) {
			finish = n.EarlyFinish
		}
	}
	slices.SortStableFunc(path, func(a, b string) int {
		if c := cmp.Compare(timings[a].EarlyStart.Time().Unix(), timings[b].EarlyStart.Time().Unix()); c != 0 {
			return c
		}
		return CompareIDs(a, b)
	})
	return path, finish, timings
}

// network runs the forward and backward passes over tasks (sorted by id).
func network(tasks []Task) map[string]TaskTiming {
	byID := make(map[string]Task, len(tasks))
	for _, t := range tasks {
		byID[t.ID] = t
	}
	// Dependency order: predecessors first; a link back into a task still
	// being visited would close a cycle and is dropped.
	order := make([]string, 0, len(tasks))
	preds := make(map[string][]string, len(tasks))
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(id string)
	visit = func(id string) {
		state[id] = 1
		for _, p := range byID[id].DependsOn {
			if _, ok := byID[p]; !ok || state[p] == 1 || slices.Contains(preds[id], p) {
				continue
			}
			preds[id] = append(preds[id], p)
			if state[p] == 0 {
				visit(p)
			}
		}
		state[id] = 2
		order = append(order, id)
	}
	for _, t := range tasks {
		if state[t.ID] == 0 {
			visit(t.ID)
		}
	}
	succs := map[string][]string{}
	for _, id := range order {
		for _, p := range preds[id] {
			succs[p] = append(succs[p], id)
		}
	}

	type pass struct{ dur, es, ef, ls, lf int }
	w := make(map[string]*pass, len(tasks))
	end, first := 0, true
	for _, id := range order {
		t := byID[id]
		s, f := workdayOnOrAfter(t.Start), workdayOnOrBefore(t.Finish)
		p := &pass{dur: max(1, f-s+1), es: s}
		for _, pr := range preds[id] {
			p.es = max(p.es, w[pr].ef+1)
		}
		p.ef = p.es + p.dur - 1
		if first || p.ef > end {
			end, first = p.ef, false
		}
		w[id] = p
	}
	for _, id := range slices.Backward(order) {
		p := w[id]
		p.lf = end
		for _, sc := range succs[id] {
			p.lf = min(p.lf, w[sc].ls-1)
		}
		p.ls = p.lf - p.dur + 1
	}
	out := make(map[string]TaskTiming, len(tasks))
	for id, p := range w {
		float := max(0, p.ls-p.es)
		out[id] = TaskTiming{EarlyStart: workdayDate(p.es), EarlyFinish: workdayDate(p.ef), LateStart: workdayDate(p.ls), LateFinish: workdayDate(p.lf),
			TotalFloat: float, Critical: float == 0}
	}
	return out
}

// Working days are numbered from workEpoch, a Monday: Monday to Friday of
// week k are 5k … 5k+4.
var workEpoch = events.NewDate(2024, time.January, 1)

func weekAndDay(d events.Date) (week, weekday int) {
	n := workEpoch.DaysUntil(d)
	week, weekday = n/7, n%7
	if weekday < 0 {
		week, weekday = week-1, weekday+7
	}
	return week, weekday
}

// workdayOnOrAfter is d's working-day number, or the next Monday's if d is
// a Saturday or Sunday.
func workdayOnOrAfter(d events.Date) int {
	w, wd := weekAndDay(d)
	return w*5 + min(wd, 5)
}

// workdayOnOrBefore is d's working-day number, or the Friday before's if d
// is a Saturday or Sunday.
func workdayOnOrBefore(d events.Date) int {
	w, wd := weekAndDay(d)
	return w*5 + min(wd, 4)
}

// workdayDate is the date of working day n.
func workdayDate(n int) events.Date {
	w, wd := n/5, n%5
	if wd < 0 {
		w, wd = w-1, wd+5
	}
	return workEpoch.AddDays(w*7 + wd)
}

// ProjectAssignments are one project's resource assignments, for the
// over-allocation check across projects.
type ProjectAssignments struct {
	Code        string
	Assignments []Assignment
}

// OverAllocation is a period in which a person's active assignments add up
// to more than 100% of their time.
type OverAllocation struct {
	Person       string            `json:"person"`
	From         events.Date       `json:"from"`
	To           events.Date       `json:"to"`
	Days         int               `json:"days"` // calendar days, inclusive
	TotalPercent int               `json:"total_percent"`
	Assignments  []AllocationShare `json:"assignments"`
}

// AllocationShare is one assignment taking part in an over-allocation.
type AllocationShare struct {
	ProjectCode  string      `json:"project_code"`
	AssignmentID string      `json:"assignment_id"`
	TaskID       string      `json:"task_id,omitempty"`
	Percent      int         `json:"percent"`
	From         events.Date `json:"from"`
	To           events.Date `json:"to"`
}

// OverAllocations finds every period in which a person's active (not
// released) assignments across projects overlap to more than 100%. A
// period is a maximal range of days over which the set of overlapping
// assignments stays the same, so one person can have several periods, each
// listing the assignments that make it up. Periods are ordered by person,
// then date; assignments by project code, then id.
func OverAllocations(projects []ProjectAssignments) []OverAllocation {
	byPerson := map[string][]AllocationShare{}
	for _, p := range projects {
		for _, a := range p.Assignments {
			if a.Released || a.Percent <= 0 || a.From.IsZero() || a.To.IsZero() || a.To.Before(a.From) {
				continue
			}
			byPerson[a.Person] = append(byPerson[a.Person], AllocationShare{ProjectCode: p.Code, AssignmentID: a.ID, TaskID: a.TaskID,
				Percent: a.Percent, From: a.From, To: a.To})
		}
	}
	people := make([]string, 0, len(byPerson))
	for person := range byPerson {
		people = append(people, person)
	}
	slices.Sort(people)

	out := []OverAllocation{}
	for _, person := range people {
		shares := byPerson[person]
		slices.SortFunc(shares, func(a, b AllocationShare) int {
			if c := cmp.Compare(a.ProjectCode, b.ProjectCode); c != 0 {
				return c
			}
			return CompareIDs(a.AssignmentID, b.AssignmentID)
		})
		// The set of overlapping assignments can only change where one
		// starts or the day after one ends.
		var bounds []events.Date
		for _, a := range shares {
			bounds = append(bounds, a.From, a.To.AddDays(1))
		}
		slices.SortFunc(bounds, func(a, b events.Date) int { return a.Time().Compare(b.Time()) })
		bounds = slices.Compact(bounds)
		var last *OverAllocation
		for i := 0; i+1 < len(bounds); i++ {
			from, to := bounds[i], bounds[i+1].AddDays(-1)
			var set []AllocationShare
			total := 0
			for _, a := range shares {
				if !a.From.After(from) && !a.To.Before(to) {
					set, total = append(set, a), total+a.Percent
				}
			}
			if total <= 100 {
				last = nil
				continue
			}
			if last != nil && last.To.AddDays(1) == from && sameShares(last.Assignments, set) {
				last.To, last.Days = to, daysFrom(last.From, to)+1
				continue
			}
			out = append(out, OverAllocation{Person: person, From: from, To: to, Days: daysFrom(from, to) + 1, TotalPercent: total, Assignments: set})
			last = &out[len(out)-1]
		}
	}
	return out
}

func sameShares(a, b []AllocationShare) bool {
	return slices.EqualFunc(a, b, func(x, y AllocationShare) bool {
		return x.ProjectCode == y.ProjectCode && x.AssignmentID == y.AssignmentID
	})
}

// Schedule returns the schedule of project id as q asks. Over-allocation
// is checked against every project in the ledger, each at the same q.
func (e *Engine) Schedule(ctx context.Context, id uuid.UUID, q Query) (Schedule, error) {
	charters, err := e.Projects(ctx)
	if err != nil {
		return Schedule{}, err
	}
	var others []ProjectAssignments
	for _, c := range charters {
		pid, err := uuid.Parse(c.ProjectID)
		if err != nil || pid == id {
			continue
		}
		err = e.At(ctx, pid, q, func(s *State, _ time.Time) error {
			others = append(others, ProjectAssignments{Code: s.Project.Code, Assignments: sortedByID(s.Assignments.All(), func(a Assignment) string { return a.ID })})
			return nil
		})
		if err != nil && !errors.Is(err, ErrNoProject) {
			return Schedule{}, err
		}
	}
	return view(ctx, e, id, q, func(s *State, m time.Time) Schedule { return ScheduleView(s, q, m, others) })
}
