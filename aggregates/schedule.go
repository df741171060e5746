package aggregates

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pledger/pledger/events"
)

type milestone struct {
	name     string
	baseline events.Date
	forecast events.Date
	actual   events.Date
}

type task struct {
	start, finish events.Date
	dependsOn     []string
	percent       int
}

type assignment struct {
	person   string
	released bool
}

type schedule struct {
	milestones  map[string]*milestone
	tasks       map[string]*task
	assignments map[string]*assignment
}

func newSchedule() schedule {
	return schedule{milestones: map[string]*milestone{}, tasks: map[string]*task{}, assignments: map[string]*assignment{}}
}

func (s *schedule) apply(p *Project, payload events.Payload) {
	switch e := payload.(type) {
	case events.MilestonePlanned:
		s.milestones[e.MilestoneID] = &milestone{name: e.Name, baseline: e.Baseline, forecast: e.Baseline}
		p.count("M")
	case events.MilestoneForecastChanged:
		s.milestones[e.MilestoneID].forecast = e.Forecast
	case events.MilestoneRebaselined:
		s.milestones[e.MilestoneID].baseline = e.Baseline
	case events.MilestoneAchieved:
		s.milestones[e.MilestoneID].actual = e.Actual
	case events.TaskPlanned:
		s.tasks[e.TaskID] = &task{start: e.Start, finish: e.Finish, dependsOn: e.DependsOn}
		p.count("T")
	case events.TaskProgressed:
		s.tasks[e.TaskID].percent = e.PercentComplete
	case events.ResourceAssigned:
		s.assignments[e.AssignmentID] = &assignment{person: e.Person}
		p.count("RA")
	case events.ResourceReleased:
		s.assignments[e.AssignmentID].released = true
	}
}

func (s *schedule) milestoneByID(field, id string) (*milestone, error) {
	m, ok := s.milestones[id]
	if !ok {
		return nil, notFound(field, "milestone", id)
	}
	return m, nil
}

// openMilestone returns a milestone whose date is not yet known, or why not.
func (s *schedule) openMilestone(id string) (*milestone, error) {
	m, err := s.milestoneByID("milestone_id", id)
	if err != nil {
		return nil, err
	}
	if !m.actual.IsZero() {
		return nil, violatesField("milestone_id", "milestone.already_achieved", "milestone %s was already achieved on %s", id, m.actual)
	}
	return m, nil
}

func (s *schedule) taskByID(field, id string) (*task, error) {
	t, ok := s.tasks[id]
	if !ok {
		return nil, notFound(field, "task", id)
	}
	return t, nil
}

// scheduleEnd is the last date work may be planned for: the charter's end,
// or later if an approved change request has moved a milestone baseline
// past it (the only way the schedule is extended).
func (p *Project) scheduleEnd() events.Date {
	end := p.charter.End
	for _, m := range p.schedule.milestones {
		if m.baseline.After(end) {
			end = m.baseline
		}
	}
	return end
}

// notBeforeStart refuses a date before the project start.
func (c *check) notBeforeStart(p *Project, field string, d events.Date) {
	if c.err == nil && d.Before(p.charter.Start) {
		c.fail(violatesField(field, "date.before_project_start", "%s is before the project start %s", d, p.charter.Start))
	}
}

// withinSchedule refuses a date outside the project's dates.
func (c *check) withinSchedule(p *Project, field string, d events.Date) {
	c.notBeforeStart(p, field, d)
	if end := p.scheduleEnd(); c.err == nil && d.After(end) {
		c.fail(violatesField(field, "date.after_project_end", "%s is after the project end %s", d, end))
	}
}

// PlanMilestone adds a milestone with its baseline date, within the project's
// dates. A name is planned once: moving a planned milestone's baseline takes
// an approved change request (ImplementChangeRequest), never a second plan.
type PlanMilestone struct {
	Name     string
	Baseline events.Date
}

// Decide implements ProjectCommand.
func (c PlanMilestone) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("name", c.Name)
	v.date("baseline", c.Baseline)
	if v.err != nil {
		return nil, v.err
	}
	for id, m := range p.schedule.milestones {
		if strings.EqualFold(strings.TrimSpace(m.name), strings.TrimSpace(c.Name)) {
			return nil, violatesField("name", "baseline.requires_cr",
				"milestone %q is already planned as %s: its baseline moves only through an approved change request", c.Name, id)
		}
	}
	v.withinSchedule(p, "baseline", c.Baseline)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.MilestonePlanned{MilestoneID: p.nextID("M"), Name: c.Name, Baseline: c.Baseline}}, nil
}

// ForecastMilestone records a milestone's new expected date: a slip or a
// gain. A forecast may fall after the project end (that is what a slip
// shows) but not before its start; an achieved milestone has no forecast.
type ForecastMilestone struct {
	MilestoneID string
	Forecast    events.Date
}

// Decide implements ProjectCommand.
func (c ForecastMilestone) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.date("forecast", c.Forecast)
	if v.err != nil {
		return nil, v.err
	}
	m, err := p.schedule.openMilestone(c.MilestoneID)
	if err != nil {
		return nil, err
	}
	v.notBeforeStart(p, "forecast", c.Forecast)
	if v.err != nil {
		return nil, v.err
	}
	if m.forecast == c.Forecast {
		return nil, violatesField("forecast", "milestone.forecast_unchanged", "milestone %s is already forecast for %s", c.MilestoneID, c.Forecast)
	}
	return []events.Payload{events.MilestoneForecastChanged{MilestoneID: c.MilestoneID, Forecast: c.Forecast, From: m.forecast}}, nil
}

// AchieveMilestone records the date a milestone was actually reached, once.
type AchieveMilestone struct {
	MilestoneID string
	Actual      events.Date
}

// Decide implements ProjectCommand.
func (c AchieveMilestone) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.date("actual", c.Actual)
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.schedule.openMilestone(c.MilestoneID); err != nil {
		return nil, err
	}
	v.notBeforeStart(p, "actual", c.Actual)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.MilestoneAchieved(c)}, nil
}

// PlanTask adds a task within the project's dates, with its planned value
// (in the project's currency) and finish-to-start predecessors. Predecessors
// must already be planned, so the links can never form a cycle; the task
// may start on the day its last predecessor finishes, not before.
type PlanTask struct {
	Name         string
	Start        events.Date
	Finish       events.Date
	PlannedValue events.Money
	DependsOn    []string
	MilestoneID  string
}

// Decide implements ProjectCommand.
func (c PlanTask) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("name", c.Name)
	v.date("start", c.Start)
	v.date("finish", c.Finish)
	v.money("planned_value", c.PlannedValue, p.Currency(), false)
	if v.err == nil && c.Finish.Before(c.Start) {
		v.fail(invalid("finish", "task.finish_before_start", "must not be before the start %s", c.Start))
	}
	for i, id := range c.DependsOn {
		if slices.Contains(c.DependsOn[:i], id) {
			v.fail(invalid(fmt.Sprintf("depends_on[%d]", i), "task.duplicate_predecessor", "task %s is named twice", id))
		}
	}
	if v.err != nil {
		return nil, v.err
	}
	v.withinSchedule(p, "start", c.Start)
	v.withinSchedule(p, "finish", c.Finish)
	if v.err != nil {
		return nil, v.err
	}
	for i, id := range c.DependsOn {
		field := fmt.Sprintf("depends_on[%d]", i)
		pred, err := p.schedule.taskByID(field, id)
		if err != nil {
			return nil, err
		}
		if c.Start.Before(pred.finish) {
			return nil, violatesField("start", "task.starts_before_predecessor",
				"a task that depends on %s must not start before it finishes on %s", id, pred.finish)
		}
	}
	if c.MilestoneID != "" {
		if _, err := p.schedule.milestoneByID("milestone_id", c.MilestoneID); err != nil {
			return nil, err
		}
	}
	var deps []string
	if len(c.DependsOn) > 0 {
		deps = slices.Clone(c.DependsOn)
	}
	return []events.Payload{events.TaskPlanned{TaskID: p.nextID("T"), Name: c.Name, Start: c.Start, Finish: c.Finish,
		PlannedValue: c.PlannedValue, DependsOn: deps, MilestoneID: c.MilestoneID}}, nil
}

// ProgressTask records a task's percent complete. Work on a task starts only
// once all its predecessors are complete; progress going back down (work
// found undone) needs a reason.
type ProgressTask struct {
	TaskID          string
	PercentComplete int
}

// Decide implements ProjectCommand.
func (c ProgressTask) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.percent("percent_complete", c.PercentComplete, 0, 100)
	if v.err != nil {
		return nil, v.err
	}
	t, err := p.schedule.taskByID("task_id", c.TaskID)
	if err != nil {
		return nil, err
	}
	switch {
	case c.PercentComplete == t.percent:
		return nil, violatesField("percent_complete", "task.progress_unchanged", "task %s is already %d%% complete", c.TaskID, t.percent)
	case c.PercentComplete < t.percent && strings.TrimSpace(meta.Reason) == "":
		return nil, violatesField("reason", "task.progress_decrease_needs_reason",
			"task %s is %d%% complete: a reason is required to lower it to %d%%", c.TaskID, t.percent, c.PercentComplete)
	}
	if c.PercentComplete > 0 {
		for _, id := range t.dependsOn {
			if pred := p.schedule.tasks[id]; pred.percent < 100 {
				return nil, violatesField("percent_complete", "task.predecessor_unfinished",
					"task %s cannot progress while its predecessor %s is %d%% complete", c.TaskID, id, pred.percent)
			}
		}
	}
	return []events.Payload{events.TaskProgressed(c)}, nil
}

// AssignResource books a team member onto the project, or one of its tasks,
// for a share of their time between two dates within the project's dates.
// Over-allocation across projects is not refused here: it is a conflict the
// projections surface for escalation.
type AssignResource struct {
	Person            string
	TaskID            string
	AllocationPercent int
	From              events.Date
	To                events.Date
}

// Decide implements ProjectCommand.
func (c AssignResource) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.person("person", c.Person)
	v.percent("allocation_percent", c.AllocationPercent, 1, 100)
	v.date("from", c.From)
	v.date("to", c.To)
	if v.err == nil && c.To.Before(c.From) {
		v.fail(invalid("to", "assignment.to_before_from", "must not be before %s", c.From))
	}
	if v.err != nil {
		return nil, v.err
	}
	v.withinSchedule(p, "from", c.From)
	v.withinSchedule(p, "to", c.To)
	if v.err != nil {
		return nil, v.err
	}
	if c.TaskID != "" {
		if _, err := p.schedule.taskByID("task_id", c.TaskID); err != nil {
			return nil, err
		}
	}
	if err := p.team.assignable("person", c.Person); err != nil {
		return nil, err
	}
	return []events.Payload{events.ResourceAssigned{AssignmentID: p.nextID("RA"), Person: c.Person, TaskID: c.TaskID,
		AllocationPercent: c.AllocationPercent, From: c.From, To: c.To}}, nil
}

// ReleaseResource ends an assignment, once.
type ReleaseResource struct {
	AssignmentID string
}

// Decide implements ProjectCommand.
func (c ReleaseResource) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	a, ok := p.schedule.assignments[c.AssignmentID]
	switch {
	case !ok:
		return nil, notFound("assignment_id", "assignment", c.AssignmentID)
	case a.released:
		return nil, violatesField("assignment_id", "assignment.already_released", "assignment %s of %s is already released", c.AssignmentID, a.person)
	}
	return []events.Payload{events.ResourceReleased(c)}, nil
}
