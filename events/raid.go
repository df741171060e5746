package events

// RAID: risks, assumptions, issues, dependencies. Stream: project-<uuid>.

// RiskRaised adds a risk. Score is probability × impact.
type RiskRaised struct {
	RiskID      string `json:"risk_id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Probability int    `json:"probability"`
	Impact      int    `json:"impact"`
	Score       int    `json:"score"`
	Owner       string `json:"owner"`
	Trigger     string `json:"trigger,omitempty"`
	Mitigation  string `json:"mitigation,omitempty"`
	Contingency string `json:"contingency,omitempty"`
	ReviewDate  Date   `json:"review_date,omitzero"`
}

// RiskAssessed re-rates a risk and sets its next review.
type RiskAssessed struct {
	RiskID      string `json:"risk_id"`
	Probability int    `json:"probability"`
	Impact      int    `json:"impact"`
	Score       int    `json:"score"`
	ReviewDate  Date   `json:"review_date,omitzero"`
}

// RiskMitigationUpdated replaces a risk's mitigation and contingency plans.
type RiskMitigationUpdated struct {
	RiskID      string `json:"risk_id"`
	Mitigation  string `json:"mitigation"`
	Contingency string `json:"contingency"`
}

// RiskOwnerChanged hands a risk to another owner.
type RiskOwnerChanged struct {
	RiskID string `json:"risk_id"`
	Owner  string `json:"owner"`
	From   string `json:"from"`
}

// RiskEscalated raises a risk to a higher authority.
type RiskEscalated struct {
	RiskID string `json:"risk_id"`
	To     string `json:"to"`
}

// RiskRealised records that a risk happened; it becomes the issue IssueID,
// raised in the same append.
type RiskRealised struct {
	RiskID  string `json:"risk_id"`
	IssueID string `json:"issue_id"`
}

// RiskClosed closes a risk.
type RiskClosed struct {
	RiskID     string `json:"risk_id"`
	Resolution string `json:"resolution"`
}

// AssumptionLogged records an assumption to validate.
type AssumptionLogged struct {
	AssumptionID string `json:"assumption_id"`
	Text         string `json:"text"`
	Owner        string `json:"owner"`
	ValidateBy   Date   `json:"validate_by,omitzero"`
}

// AssumptionValidated confirms an assumption.
type AssumptionValidated struct {
	AssumptionID string `json:"assumption_id"`
	Note         string `json:"note,omitempty"`
}

// AssumptionInvalidated records that an assumption turned out false.
type AssumptionInvalidated struct {
	AssumptionID string `json:"assumption_id"`
	Note         string `json:"note,omitempty"`
}

// Issue severities, least to most severe.
const (
	SeverityLow      = "low"
	SeverityMedium   = "medium"
	SeverityHigh     = "high"
	SeverityCritical = "critical"
)

// IssueRaised adds an issue, directly or from a realised risk (FromRisk).
type IssueRaised struct {
	IssueID     string `json:"issue_id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Severity    string `json:"severity"`
	Owner       string `json:"owner"`
	Due         Date   `json:"due,omitzero"`
	FromRisk    string `json:"from_risk,omitempty"`
}

// IssueUpdated changes an issue's severity, owner or due date (empty fields
// are unchanged) and records a note.
type IssueUpdated struct {
	IssueID  string `json:"issue_id"`
	Severity string `json:"severity,omitempty"`
	Owner    string `json:"owner,omitempty"`
	Due      Date   `json:"due,omitzero"`
	Note     string `json:"note,omitempty"`
}

// IssueEscalated raises an issue to a higher authority.
type IssueEscalated struct {
	IssueID string `json:"issue_id"`
	To      string `json:"to"`
}

// IssueResolved closes an issue.
type IssueResolved struct {
	IssueID    string `json:"issue_id"`
	Resolution string `json:"resolution"`
}

// Dependency statuses.
const (
	DependencyOnTrack = "on_track"
	DependencyAtRisk  = "at_risk"
	DependencyLate    = "late"
)

// DependencyLogged records something the project needs from a provider.
type DependencyLogged struct {
	DependencyID string `json:"dependency_id"`
	Description  string `json:"description"`
	Provider     string `json:"provider"`
	NeededBy     Date   `json:"needed_by"`
	Status       string `json:"status"`
}

// DependencyStatusChanged records a dependency's new status.
type DependencyStatusChanged struct {
	DependencyID string `json:"dependency_id"`
	Status       string `json:"status"`
	From         string `json:"from"`
}

// DependencyResolved records that the provider delivered.
type DependencyResolved struct {
	DependencyID string `json:"dependency_id"`
	Note         string `json:"note,omitempty"`
}

func (RiskRaised) EventType() string              { return "raid.risk_raised" }
func (RiskAssessed) EventType() string            { return "raid.risk_assessed" }
func (RiskMitigationUpdated) EventType() string   { return "raid.risk_mitigation_updated" }
func (RiskOwnerChanged) EventType() string        { return "raid.risk_owner_changed" }
func (RiskEscalated) EventType() string           { return "raid.risk_escalated" }
func (RiskRealised) EventType() string            { return "raid.risk_realised" }
func (RiskClosed) EventType() string              { return "raid.risk_closed" }
func (AssumptionLogged) EventType() string        { return "raid.assumption_logged" }
func (AssumptionValidated) EventType() string     { return "raid.assumption_validated" }
func (AssumptionInvalidated) EventType() string   { return "raid.assumption_invalidated" }
func (IssueRaised) EventType() string             { return "raid.issue_raised" }
func (IssueUpdated) EventType() string            { return "raid.issue_updated" }
func (IssueEscalated) EventType() string          { return "raid.issue_escalated" }
func (IssueResolved) EventType() string           { return "raid.issue_resolved" }
func (DependencyLogged) EventType() string        { return "raid.dependency_logged" }
func (DependencyStatusChanged) EventType() string { return "raid.dependency_status_changed" }
func (DependencyResolved) EventType() string      { return "raid.dependency_resolved" }
