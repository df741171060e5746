package events

// Schedule: milestones, tasks, resource assignments. Stream: project-<uuid>.

// MilestonePlanned adds a milestone; its forecast starts at the baseline.
type MilestonePlanned struct {
	MilestoneID string `json:"milestone_id"`
	Name        string `json:"name"`
	Baseline    Date   `json:"baseline"`
}

// MilestoneForecastChanged records a new expected date (a slip or a gain).
type MilestoneForecastChanged struct {
	MilestoneID string `json:"milestone_id"`
	Forecast    Date   `json:"forecast"`
	From        Date   `json:"from"`
}

// MilestoneRebaselined moves a milestone's baseline, as the result of an
// approved change request.
type MilestoneRebaselined struct {
	MilestoneID string `json:"milestone_id"`
	Baseline    Date   `json:"baseline"`
	From        Date   `json:"from"`
	CRID        string `json:"cr_id"`
}

// MilestoneAchieved records the actual date.
type MilestoneAchieved struct {
	MilestoneID string `json:"milestone_id"`
	Actual      Date   `json:"actual"`
}

// TaskPlanned adds a task with its planned value (the budgeted cost of its
// work, spread evenly from start to finish) and finish-to-start predecessors.
type TaskPlanned struct {
	TaskID       string   `json:"task_id"`
	Name         string   `json:"name"`
	Start        Date     `json:"start"`
	Finish       Date     `json:"finish"`
	PlannedValue Money    `json:"planned_value"`
	DependsOn    []string `json:"depends_on,omitempty"`
	MilestoneID  string   `json:"milestone_id,omitempty"`
}

// TaskProgressed records a task's percent complete (0–100).
type TaskProgressed struct {
	TaskID          string `json:"task_id"`
	PercentComplete int    `json:"percent_complete"`
}

// ResourceAssigned books a person onto the project (optionally a task) at
// AllocationPercent of their time from From to To.
type ResourceAssigned struct {
	AssignmentID      string `json:"assignment_id"`
	Person            string `json:"person"`
	TaskID            string `json:"task_id,omitempty"`
	AllocationPercent int    `json:"allocation_percent"`
	From              Date   `json:"from"`
	To                Date   `json:"to"`
}

// ResourceReleased ends an assignment.
type ResourceReleased struct {
	AssignmentID string `json:"assignment_id"`
}

func (MilestonePlanned) EventType() string         { return "schedule.milestone_planned" }
func (MilestoneForecastChanged) EventType() string { return "schedule.milestone_forecast_changed" }
func (MilestoneRebaselined) EventType() string     { return "schedule.milestone_rebaselined" }
func (MilestoneAchieved) EventType() string        { return "schedule.milestone_achieved" }
func (TaskPlanned) EventType() string              { return "schedule.task_planned" }
func (TaskProgressed) EventType() string           { return "schedule.task_progressed" }
func (ResourceAssigned) EventType() string         { return "schedule.resource_assigned" }
func (ResourceReleased) EventType() string         { return "schedule.resource_released" }

// ChangeRequest names the CR behind the move.
func (e MilestoneRebaselined) ChangeRequest() string { return e.CRID }
