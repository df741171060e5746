package events

// Decisions. Stream: project-<uuid>.

// DecisionRecorded records a decision with its context, the options
// considered, the choice and its rationale, who decided, and the events it
// rests on (their ids), optionally superseding an earlier decision.
type DecisionRecorded struct {
	DecisionID string   `json:"decision_id"`
	Title      string   `json:"title"`
	Context    string   `json:"context"`
	Options    []string `json:"options"`
	Choice     string   `json:"choice"`
	Rationale  string   `json:"rationale"`
	DecidedBy  string   `json:"decided_by"`
	RestsOn    []string `json:"rests_on,omitempty"`
	Supersedes string   `json:"supersedes,omitempty"`
	MeetingID  string   `json:"meeting_id,omitempty"`
}

// DecisionSuperseded marks a decision as replaced by a later one (recorded
// in the same append).
type DecisionSuperseded struct {
	DecisionID string `json:"decision_id"`
	By         string `json:"by"`
}

func (DecisionRecorded) EventType() string   { return "decision.recorded" }
func (DecisionSuperseded) EventType() string { return "decision.superseded" }
