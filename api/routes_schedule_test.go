package api_test

import (
	"net/http"
	"testing"

	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

const (
	rtMilestones = "/v1/projects/:id/milestones"
	rtTasks      = "/v1/projects/:id/tasks"
	rtAssign     = "/v1/projects/:id/assignments"
)

// rtScheduleSteps plan, move and achieve a fresh project's schedule (1
// September 2026 to 31 March 2027).
func rtScheduleSteps() []rtStep {
	m1, t1, t2, ra1 := rtP{"milestoneId": "M-1"}, rtP{"taskId": "T-1"}, rtP{"taskId": "T-2"}, rtP{"assignmentId": "RA-1"}
	return []rtStep{
		{name: "plan milestone", role: "coordinator", route: rtMilestones, status: http.StatusCreated, id: "M-1", types: rtT(events.MilestonePlanned{}),
			body: rtB{"name": "Design signed off", "baseline": "2026-09-30"}},
		{name: "plan milestone refused: planned already", role: "coordinator", route: rtMilestones, status: http.StatusUnprocessableEntity, rule: "baseline.requires_cr",
			body: rtB{"name": "design signed off ", "baseline": "2026-10-15"}},
		{name: "plan milestone refused: after the end", role: "pm", route: rtMilestones, status: http.StatusUnprocessableEntity, rule: "date.after_project_end",
			body: rtB{"name": "Go-live", "baseline": "2027-04-15"}},
		{name: "plan milestone refused: not a date", role: "pm", route: rtMilestones, status: http.StatusBadRequest, rule: "body.json",
			body: rtB{"name": "Go-live", "baseline": "15/04/2027"}},
		{name: "plan milestone refused: a contributor does not plan", role: "contributor", route: rtMilestones, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"name": "Go-live", "baseline": "2027-03-15"}},
		{name: "forecast milestone", role: "coordinator", route: rtMilestones + "/:milestoneId/forecasts", params: m1, status: http.StatusOK, types: rtT(events.MilestoneForecastChanged{}),
			body: rtB{"forecast": "2026-10-07", "reason": "workshop moved"}},
		{name: "forecast milestone refused: unchanged", role: "coordinator", route: rtMilestones + "/:milestoneId/forecasts", params: m1, status: http.StatusUnprocessableEntity, rule: "milestone.forecast_unchanged",
			body: rtB{"forecast": "2026-10-07"}},
		{name: "plan task", role: "pm", route: rtTasks, status: http.StatusCreated, id: "T-1", types: rtT(events.TaskPlanned{}),
			body: rtB{"name": "Solution design", "start": "2026-09-01", "finish": "2026-09-30", "planned_value": rtEUR(20_000), "milestone_id": "M-1"}},
		{name: "plan dependent task", role: "coordinator", route: rtTasks, status: http.StatusCreated, id: "T-2",
			body: rtB{"name": "Build", "start": "2026-10-01", "finish": "2026-11-30", "planned_value": rtEUR(50_000), "depends_on": []string{"T-1"}}},
		{name: "plan task refused: starts before its predecessor ends", role: "coordinator", route: rtTasks, status: http.StatusUnprocessableEntity, rule: "task.starts_before_predecessor",
			body: rtB{"name": "Test", "start": "2026-09-15", "finish": "2026-12-15", "planned_value": rtEUR(5_000), "depends_on": []string{"T-1"}}},
		{name: "progress refused: predecessor unfinished", role: "contributor", route: rtTasks + "/:taskId/progress", params: t2, status: http.StatusUnprocessableEntity, rule: "task.predecessor_unfinished",
			body: rtB{"percent_complete": 10}},
		{name: "progress", role: "contributor", route: rtTasks + "/:taskId/progress", params: t1, status: http.StatusOK, types: rtT(events.TaskProgressed{}),
			body: rtB{"percent_complete": 100}},
		{name: "progress back refused: no reason", role: "contributor", route: rtTasks + "/:taskId/progress", params: t1, status: http.StatusUnprocessableEntity, rule: "task.progress_decrease_needs_reason",
			body: rtB{"percent_complete": 90}},
		{name: "progress the successor", role: "contributor", route: rtTasks + "/:taskId/progress", params: t2, status: http.StatusOK,
			body: rtB{"percent_complete": 20}},
		{name: "achieve milestone", role: "coordinator", route: rtMilestones + "/:milestoneId/achievement", params: m1, status: http.StatusOK, types: rtT(events.MilestoneAchieved{}),
			body: rtB{"actual": "2026-10-02"}},
		{name: "achieve milestone refused: achieved already", role: "coordinator", route: rtMilestones + "/:milestoneId/achievement", params: m1, status: http.StatusUnprocessableEntity, rule: "milestone.already_achieved",
			body: rtB{"actual": "2026-10-03"}},
		{name: "join", role: "coordinator", route: rtMembers, status: http.StatusCreated, id: "kim.lee@example.com",
			body: rtB{"person": "kim.lee@example.com", "name": "Kim Lee", "role": "Developer"}},
		{name: "assign refused: not on the team", role: "pm", route: rtAssign, status: http.StatusUnprocessableEntity, rule: "team.not_a_member",
			body: rtB{"person": "someone@example.com", "allocation_percent": 50, "from": "2026-10-01", "to": "2026-11-30"}},
		{name: "assign", role: "pm", route: rtAssign, status: http.StatusCreated, id: "RA-1", types: rtT(events.ResourceAssigned{}),
			body: rtB{"person": "kim.lee@example.com", "task_id": "T-2", "allocation_percent": 50, "from": "2026-10-01", "to": "2026-11-30"}},
		{name: "release", role: "coordinator", route: rtAssign + "/:assignmentId/release", params: ra1, status: http.StatusOK, types: rtT(events.ResourceReleased{}),
			body: rtB{}},
		{name: "release refused: released already", role: "coordinator", route: rtAssign + "/:assignmentId/release", params: ra1, status: http.StatusUnprocessableEntity, rule: "assignment.already_released",
			body: rtB{}},
	}
}

func TestRoutesSchedule(t *testing.T) {
	f := newFixture(t)
	project := rtCharter(t, f)
	rtRun(t, f, project, rtScheduleSteps())

	var schedule struct {
		Milestones []struct {
			ID       string `json:"id"`
			Baseline string `json:"baseline"`
			Forecast string `json:"forecast"`
			Actual   string `json:"actual"`
			Status   string `json:"status"`
		} `json:"milestones"`
		Tasks []struct {
			ID        string   `json:"id"`
			Percent   int      `json:"percent_complete"`
			DependsOn []string `json:"depends_on"`
		} `json:"tasks"`
	}
	rtGet(t, f, project, "/schedule", &schedule)
	require.Len(t, schedule.Milestones, 1)
	m := schedule.Milestones[0]
	require.Equal(t, []string{"M-1", "2026-09-30", "2026-10-07", "2026-10-02", "achieved"}, []string{m.ID, m.Baseline, m.Forecast, m.Actual, m.Status})
	require.Len(t, schedule.Tasks, 2)
	require.Equal(t, 100, schedule.Tasks[0].Percent)
	require.Equal(t, 20, schedule.Tasks[1].Percent)
	require.Equal(t, []string{"T-1"}, schedule.Tasks[1].DependsOn)
}
