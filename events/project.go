package events

// Project lifecycle. Stream: project-<uuid>.

// Phases of a project, in order.
const (
	PhaseInitiation = "initiation"
	PhasePlanning   = "planning"
	PhaseExecution  = "execution"
	PhaseClosing    = "closing"
)

// ProjectChartered opens a project: the first event of its stream.
type ProjectChartered struct {
	ProjectID   string `json:"project_id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Sponsor     string `json:"sponsor"`
	Manager     string `json:"manager"`
	Coordinator string `json:"coordinator"`
	Start       Date   `json:"start"`
	End         Date   `json:"end"`
	Currency    string `json:"currency"`
}

// ProjectPhaseChanged moves the project to another phase.
type ProjectPhaseChanged struct {
	Phase string `json:"phase"`
	From  string `json:"from"`
}

// ProjectClosed ends the project; nothing may be recorded after it.
type ProjectClosed struct {
	Outcome        string   `json:"outcome"`
	LessonsLearned []string `json:"lessons_learned"`
}

func (ProjectChartered) EventType() string    { return "project.chartered" }
func (ProjectPhaseChanged) EventType() string { return "project.phase_changed" }
func (ProjectClosed) EventType() string       { return "project.closed" }
