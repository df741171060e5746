package events

// Scope baseline and change requests. Stream: project-<uuid>.

// ScopeItem is one line of the scope baseline.
type ScopeItem struct {
	ItemID      string `json:"item_id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// ScopeBaselined sets the initial scope baseline (no CR), or replaces it as
// the result of an approved change request (CRID set).
type ScopeBaselined struct {
	Items []ScopeItem `json:"items"`
	CRID  string      `json:"cr_id,omitempty"`
}

// ChangeRequestSubmitted opens a change request (CR).
type ChangeRequestSubmitted struct {
	CRID        string `json:"cr_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	RequestedBy string `json:"requested_by"`
}

// BudgetChange moves one category's approved amount by Delta (may be negative).
type BudgetChange struct {
	Category string `json:"category"`
	Delta    Money  `json:"delta"`
}

// MilestoneChange moves a milestone's baseline date.
type MilestoneChange struct {
	MilestoneID string `json:"milestone_id"`
	Baseline    Date   `json:"baseline"`
}

// DeliverableChange changes a contract deliverable's due date or acceptance criteria.
type DeliverableChange struct {
	DeliverableID string      `json:"deliverable_id"`
	Due           Date        `json:"due,omitzero"`
	Criteria      []Criterion `json:"criteria,omitempty"`
}

// ContractChange amends one contract: its value and deliverables.
type ContractChange struct {
	ContractID          string              `json:"contract_id"`
	ValueDelta          Money               `json:"value_delta"`
	DeliverablesAdded   []Deliverable       `json:"deliverables_added,omitempty"`
	DeliverablesChanged []DeliverableChange `json:"deliverables_changed,omitempty"`
}

// ChangeRequestAssessed records a CR's impact: on scope (text and the new
// scope items), schedule (days and milestone moves), cost (and the budget
// moves that pay for it) and contracts. Implementing the approved CR applies
// exactly these changes.
type ChangeRequestAssessed struct {
	CRID             string            `json:"cr_id"`
	ScopeImpact      string            `json:"scope_impact"`
	ScheduleDays     int               `json:"schedule_days"`
	CostImpact       Money             `json:"cost_impact"`
	ScopeItems       []ScopeItem       `json:"scope_items,omitempty"`
	BudgetChanges    []BudgetChange    `json:"budget_changes,omitempty"`
	MilestoneChanges []MilestoneChange `json:"milestone_changes,omitempty"`
	ContractChanges  []ContractChange  `json:"contract_changes,omitempty"`
	AssessedBy       string            `json:"assessed_by"`
}

// ChangeRequestApproved approves an assessed CR.
type ChangeRequestApproved struct {
	CRID      string `json:"cr_id"`
	Approver  string `json:"approver"`
	Rationale string `json:"rationale"`
}

// ChangeRequestRejected rejects a CR.
type ChangeRequestRejected struct {
	CRID      string `json:"cr_id"`
	Approver  string `json:"approver"`
	Rationale string `json:"rationale"`
}

// ChangeRequestImplemented closes an approved CR after its baseline moves
// were recorded (in the same append, before this event).
type ChangeRequestImplemented struct {
	CRID string `json:"cr_id"`
}

func (ScopeBaselined) EventType() string           { return "scope.baselined" }
func (ChangeRequestSubmitted) EventType() string   { return "scope.cr_submitted" }
func (ChangeRequestAssessed) EventType() string    { return "scope.cr_assessed" }
func (ChangeRequestApproved) EventType() string    { return "scope.cr_approved" }
func (ChangeRequestRejected) EventType() string    { return "scope.cr_rejected" }
func (ChangeRequestImplemented) EventType() string { return "scope.cr_implemented" }

// ChangeRequest is implemented by the events that move a baseline: each
// names the approved CR that is its cause.
func (e ScopeBaselined) ChangeRequest() string { return e.CRID }
