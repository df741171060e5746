package aggregates

import (
	"github.com/pledger/pledger/events"
)

type milestone struct {
	baseline events.Date
	forecast events.Date
	actual   events.Date
}

type task struct {
	start, finish events.Date
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
		s.milestones[e.MilestoneID] = &milestone{baseline: e.Baseline, forecast: e.Baseline}
		p.count("M")
	case events.MilestoneForecastChanged:
		s.milestones[e.MilestoneID].forecast = e.Forecast
	case events.MilestoneRebaselined:
		s.milestones[e.MilestoneID].baseline = e.Baseline
	case events.MilestoneAchieved:
		s.milestones[e.MilestoneID].actual = e.Actual
	case events.TaskPlanned:
		s.tasks[e.TaskID] = &task{start: e.Start, finish: e.Finish}
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
