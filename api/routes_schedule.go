package api

import (
	"net/http"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
)

// MilestoneRequest plans a milestone with its baseline date.
type MilestoneRequest struct {
	Write
	Name     string      `json:"name"`
	Baseline events.Date `json:"baseline"`
}

// MilestoneForecastRequest records a milestone's new expected date.
type MilestoneForecastRequest struct {
	Write
	Forecast events.Date `json:"forecast"`
}

// AchievementRequest records the date a milestone was reached.
type AchievementRequest struct {
	Write
	Actual events.Date `json:"actual"`
}

// TaskRequest plans a task with its planned value and finish-to-start
// predecessors.
type TaskRequest struct {
	Write
	Name         string       `json:"name"`
	Start        events.Date  `json:"start"`
	Finish       events.Date  `json:"finish"`
	PlannedValue events.Money `json:"planned_value"`
	DependsOn    []string     `json:"depends_on,omitempty"`
	MilestoneID  string       `json:"milestone_id,omitempty"`
}

// ProgressRequest records a task's percent complete (lowering it needs a
// reason).
type ProgressRequest struct {
	Write
	PercentComplete int `json:"percent_complete"`
}

// AssignmentRequest books a team member onto the project or a task.
type AssignmentRequest struct {
	Write
	Person            string      `json:"person"`
	TaskID            string      `json:"task_id,omitempty"`
	AllocationPercent int         `json:"allocation_percent"`
	From              events.Date `json:"from"`
	To                events.Date `json:"to"`
}

func (s *Server) scheduleRoutes() []Route {
	const base = "/v1/projects/:id"
	const ms = base + "/milestones/:milestoneId"
	return []Route{
		command(base+"/milestones", "Plan a milestone", writers, http.StatusCreated, "milestone_id", func(cl *call, r MilestoneRequest) aggregates.ProjectCommand {
			return aggregates.PlanMilestone{Name: r.Name, Baseline: r.Baseline}
		}),
		command(ms+"/forecasts", "Forecast a milestone's new date (a slip or a gain)", writers, http.StatusOK, "", func(cl *call, r MilestoneForecastRequest) aggregates.ProjectCommand {
			return aggregates.ForecastMilestone{MilestoneID: cl.Param("milestoneId"), Forecast: r.Forecast}
		}),
		command(ms+"/achievement", "Record the date a milestone was reached", writers, http.StatusOK, "", func(cl *call, r AchievementRequest) aggregates.ProjectCommand {
			return aggregates.AchieveMilestone{MilestoneID: cl.Param("milestoneId"), Actual: r.Actual}
		}),
		command(base+"/tasks", "Plan a task", writers, http.StatusCreated, "task_id", func(cl *call, r TaskRequest) aggregates.ProjectCommand {
			return aggregates.PlanTask{Name: r.Name, Start: r.Start, Finish: r.Finish, PlannedValue: r.PlannedValue, DependsOn: r.DependsOn, MilestoneID: r.MilestoneID}
		}),
		command(base+"/tasks/:taskId/progress", "Record a task's percent complete", workers, http.StatusOK, "", func(cl *call, r ProgressRequest) aggregates.ProjectCommand {
			return aggregates.ProgressTask{TaskID: cl.Param("taskId"), PercentComplete: r.PercentComplete}
		}),
		command(base+"/assignments", "Assign a team member to the project or a task", writers, http.StatusCreated, "assignment_id", func(cl *call, r AssignmentRequest) aggregates.ProjectCommand {
			return aggregates.AssignResource{Person: r.Person, TaskID: r.TaskID, AllocationPercent: r.AllocationPercent, From: r.From, To: r.To}
		}),
		command(base+"/assignments/:assignmentId/release", "End an assignment", writers, http.StatusOK, "", func(cl *call, _ Write) aggregates.ProjectCommand {
			return aggregates.ReleaseResource{AssignmentID: cl.Param("assignmentId")}
		}),
	}
}
