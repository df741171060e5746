package projections

import (
	"slices"
	"time"

	"github.com/pledger/pledger/events"
)

// State is the fold of one project's events: every item of every area, as
// plain data. Apply is pure and deterministic; Clone makes an independent
// copy (the snapshots). Item slices are never changed in place, so a clone
// shares them safely.
type State struct {
	Version  uint64    `json:"version"`
	Position uint64    `json:"position"`
	Recorded time.Time `json:"recorded_at"`

	Project events.ProjectChartered `json:"project"`
	Phase   string                  `json:"phase"`
	Closed  *Stamp                  `json:"closed,omitempty"`

	Risks        *Table[Risk]          `json:"risks"`
	Assumptions  *Table[Assumption]    `json:"assumptions"`
	Issues       *Table[Issue]         `json:"issues"`
	Dependencies *Table[Dependency]    `json:"dependencies"`
	Scope        Scope                 `json:"scope"`
	Changes      *Table[ChangeRequest] `json:"changes"`
	Categories   *Table[Category]      `json:"categories"`
	Total        Threshold             `json:"total_threshold"`
	Entries      *Table[Entry]         `json:"entries"`
	Milestones   *Table[Milestone]     `json:"milestones"`
	Tasks        *Table[Task]          `json:"tasks"`
	Assignments  *Table[Assignment]    `json:"assignments"`
	Contracts    *Table[Contract]      `json:"contracts"`
	POs          *Table[PurchaseOrder] `json:"purchase_orders"`
	Invoices     *Table[Invoice]       `json:"invoices"`
	Decisions    *Table[Decision]      `json:"decisions"`
	Meetings     *Table[Meeting]       `json:"meetings"`
	Actions      *Table[Action]        `json:"actions"`
	Documents    *Table[Document]      `json:"documents"`
	Members      *Table[Member]        `json:"members"`
	Reports      *Table[Report]        `json:"reports"`
}

// Risk is one risk of the RAID log.
type Risk struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Probability int         `json:"probability"`
	Impact      int         `json:"impact"`
	Score       int         `json:"score"`
	Owner       string      `json:"owner"`
	Trigger     string      `json:"trigger,omitempty"`
	Mitigation  string      `json:"mitigation,omitempty"`
	Contingency string      `json:"contingency,omitempty"`
	ReviewDate  events.Date `json:"review_date,omitzero"`
	Status      string      `json:"status"` // open, closed, realised
	EscalatedTo string      `json:"escalated_to,omitempty"`
	RealisedAs  string      `json:"realised_as,omitempty"`
	Resolution  string      `json:"resolution,omitempty"`
	Raised      Stamp       `json:"raised"`
	Reviewed    Stamp       `json:"last_reviewed"` // raised or last assessed
}

// Assumption is one assumption of the RAID log.
type Assumption struct {
	ID         string      `json:"id"`
	Text       string      `json:"text"`
	Owner      string      `json:"owner"`
	ValidateBy events.Date `json:"validate_by,omitzero"`
	Status     string      `json:"status"` // open, validated, invalidated
	Note       string      `json:"note,omitempty"`
	Logged     Stamp       `json:"logged"`
}

// Issue is one issue of the RAID log.
type Issue struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Severity    string      `json:"severity"`
	Owner       string      `json:"owner"`
	Due         events.Date `json:"due,omitzero"`
	FromRisk    string      `json:"from_risk,omitempty"`
	Status      string      `json:"status"` // open, resolved
	EscalatedTo string      `json:"escalated_to,omitempty"`
	Resolution  string      `json:"resolution,omitempty"`
	Raised      Stamp       `json:"raised"`
}

// Dependency is one dependency of the RAID log.
type Dependency struct {
	ID          string      `json:"id"`
	Description string      `json:"description"`
	Provider    string      `json:"provider"`
	NeededBy    events.Date `json:"needed_by"`
	Status      string      `json:"status"` // on_track, at_risk, late, resolved
	Logged      Stamp       `json:"logged"`
}

// Scope is the current scope baseline.
type Scope struct {
	Items []events.ScopeItem `json:"items"`
	CRID  string             `json:"cr_id,omitempty"` // the CR that last moved it
}

// ChangeRequest is a CR through its life.
type ChangeRequest struct {
	ID          string                        `json:"id"`
	Title       string                        `json:"title"`
	Description string                        `json:"description"`
	RequestedBy string                        `json:"requested_by"`
	Status      string                        `json:"status"` // submitted, assessed, approved, rejected, implemented
	Submitted   Stamp                         `json:"submitted"`
	Assessment  *events.ChangeRequestAssessed `json:"assessment,omitempty"`
	Approver    string                        `json:"approver,omitempty"`
	Rationale   string                        `json:"rationale,omitempty"`
	Decided     *Stamp                        `json:"decided,omitempty"`
	Implemented *Stamp                        `json:"implemented,omitempty"`
}

// Category is one budget category.
type Category struct {
	Name     string    `json:"category"`
	Approved int64     `json:"approved"`
	Forecast *int64    `json:"forecast,omitempty"` // estimate at completion, if set
	Actual   int64     `json:"actual"`
	Burn     []Burn    `json:"burn,omitempty"` // actuals by effective day
	Limit    Threshold `json:"threshold"`
}

// Burn is actual cost effective on one day.
type Burn struct {
	Day    events.Date `json:"day"`
	Amount int64       `json:"amount"`
}

// Threshold is when spending is flagged, in percent of the approved amount.
type Threshold struct {
	Warn  int `json:"warn_percent,omitempty"`
	Alert int `json:"alert_percent,omitempty"`
}

// Entry is one actual cost.
type Entry struct {
	ID        string      `json:"id"`
	Category  string      `json:"category"`
	Amount    int64       `json:"amount"`
	Source    string      `json:"source"`
	InvoiceID string      `json:"invoice_id,omitempty"`
	Person    string      `json:"person,omitempty"`
	Day       events.Date `json:"day"`
	Corrected int         `json:"corrections,omitempty"`
}

// Milestone is one milestone.
type Milestone struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Baseline events.Date `json:"baseline"`
	Original events.Date `json:"original_baseline"`
	Forecast events.Date `json:"forecast"`
	Actual   events.Date `json:"actual,omitzero"`
	CRs      []string    `json:"moved_by,omitempty"`
}

// Task is one task of the schedule.
type Task struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	Start        events.Date `json:"start"`
	Finish       events.Date `json:"finish"`
	PlannedValue int64       `json:"planned_value"`
	Percent      int         `json:"percent_complete"`
	DependsOn    []string    `json:"depends_on,omitempty"`
	MilestoneID  string      `json:"milestone_id,omitempty"`
}

// Assignment is a person booked onto the project.
type Assignment struct {
	ID       string      `json:"id"`
	Person   string      `json:"person"`
	TaskID   string      `json:"task_id,omitempty"`
	Percent  int         `json:"allocation_percent"`
	From     events.Date `json:"from"`
	To       events.Date `json:"to"`
	Released bool        `json:"released,omitempty"`
}

// Contract is a vendor contract with its deliverables.
type Contract struct {
	ID           string                 `json:"id"`
	VendorID     string                 `json:"vendor_id"`
	Title        string                 `json:"title"`
	Value        int64                  `json:"value"`
	Signed       events.ContractSigned  `json:"signed"` // as signed, for the dossier
	SignedStamp  Stamp                  `json:"signed_stamp"`
	Amendments   []string               `json:"amended_by,omitempty"`
	Deliverables map[string]Deliverable `json:"deliverables"`
}

// Deliverable is what a vendor owes under a contract.
type Deliverable struct {
	ID          string             `json:"id"`
	Title       string             `json:"title"`
	Due         events.Date        `json:"due"`
	Criteria    []events.Criterion `json:"criteria"`
	Status      string             `json:"status"` // pending, submitted, accepted, rejected, disputed
	Submissions int                `json:"submissions"`
	Rejection   string             `json:"rejected_on,omitempty"` // criterion of the last rejection
	Accepted    events.Date        `json:"accepted,omitzero"`
}

// PurchaseOrder is a commitment to a vendor.
type PurchaseOrder struct {
	ID         string `json:"id"`
	ContractID string `json:"contract_id"`
	Category   string `json:"category"`
	Amount     int64  `json:"amount"`
	Number     string `json:"number,omitempty"`
}

// Invoice is a vendor invoice through its life.
type Invoice struct {
	ID         string      `json:"id"`
	ContractID string      `json:"contract_id"`
	POID       string      `json:"po_id"`
	Number     string      `json:"number"`
	Amount     int64       `json:"amount"`
	IssuedOn   events.Date `json:"issued_on"`
	Status     string      `json:"status"` // received, approved, rejected, paid
	Override   string      `json:"override,omitempty"`
	PaidOn     events.Date `json:"paid_on,omitzero"`
}

// Decision is one recorded decision.
type Decision struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Context      string   `json:"context"`
	Options      []string `json:"options"`
	Choice       string   `json:"choice"`
	Rationale    string   `json:"rationale"`
	DecidedBy    string   `json:"decided_by"`
	RestsOn      []string `json:"rests_on,omitempty"`
	Supersedes   string   `json:"supersedes,omitempty"`
	SupersededBy string   `json:"superseded_by,omitempty"`
	Recorded     Stamp    `json:"recorded"`
}

// Meeting is one meeting.
type Meeting struct {
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Date      events.Date `json:"date"`
	Attendees []string    `json:"attendees"`
	Agenda    []string    `json:"agenda"`
}

// Action is one action item.
type Action struct {
	ID        string      `json:"id"`
	Title     string      `json:"title"`
	Owner     string      `json:"owner"`
	Due       events.Date `json:"due"`
	MeetingID string      `json:"meeting_id,omitempty"`
	Status    string      `json:"status"` // open, done, cancelled
	Note      string      `json:"note,omitempty"`
	Added     Stamp       `json:"added"`
	Closed    *Stamp      `json:"closed,omitempty"`
}

// Document is one entry of the documents register.
type Document struct {
	ID       string            `json:"id"`
	Ref      string            `json:"ref"`
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Versions []DocumentVersion `json:"versions"`
	Retired  bool              `json:"retired"`
}

// DocumentVersion is one version of a document.
type DocumentVersion struct {
	Version     string `json:"version"`
	Location    string `json:"location"`
	ContentHash string `json:"content_hash"`
	ApprovedBy  string `json:"approved_by,omitempty"`
}

// Member is one person on the team.
type Member struct {
	Person string            `json:"person"`
	Name   string            `json:"name"`
	Role   string            `json:"role"`
	Left   bool              `json:"left"`
	Access map[string]string `json:"access"` // system → requested, provisioned, revoked
}

// Report is a published status report.
type Report struct {
	ID        string            `json:"id"`
	From      events.Date       `json:"period_from"`
	To        events.Date       `json:"period_to"`
	AsOf      uint64            `json:"as_of_position"`
	RAG       map[string]string `json:"rag"`
	Summary   string            `json:"summary"`
	Published Stamp             `json:"published"`
	Hash      string            `json:"content_hash"`
}

// NewState returns the state of a project before its first event.
func NewState() *State {
	return &State{
		Risks: NewTable[Risk](), Assumptions: NewTable[Assumption](), Issues: NewTable[Issue](), Dependencies: NewTable[Dependency](),
		Changes: NewTable[ChangeRequest](), Categories: NewTable[Category](), Entries: NewTable[Entry](),
		Milestones: NewTable[Milestone](), Tasks: NewTable[Task](), Assignments: NewTable[Assignment](),
		Contracts: NewTable[Contract](), POs: NewTable[PurchaseOrder](), Invoices: NewTable[Invoice](),
		Decisions: NewTable[Decision](), Meetings: NewTable[Meeting](), Actions: NewTable[Action](),
		Documents: NewTable[Document](), Members: NewTable[Member](), Reports: NewTable[Report](),
	}
}

// Clone returns an independent copy of s in time proportional to the number
// of tables, not items: tables share their shards and copy on write.
func (s *State) Clone() *State {
	c := *s
	c.Risks, c.Assumptions, c.Issues, c.Dependencies = s.Risks.Clone(), s.Assumptions.Clone(), s.Issues.Clone(), s.Dependencies.Clone()
	c.Changes, c.Categories, c.Entries = s.Changes.Clone(), s.Categories.Clone(), s.Entries.Clone()
	c.Milestones, c.Tasks, c.Assignments = s.Milestones.Clone(), s.Tasks.Clone(), s.Assignments.Clone()
	c.Contracts, c.POs, c.Invoices = s.Contracts.Clone(), s.POs.Clone(), s.Invoices.Clone()
	c.Decisions, c.Meetings, c.Actions = s.Decisions.Clone(), s.Meetings.Clone(), s.Actions.Clone()
	c.Documents, c.Members, c.Reports = s.Documents.Clone(), s.Members.Clone(), s.Reports.Clone()
	return &c
}

// freeze makes s a read-only snapshot.
func (s *State) freeze() {
	s.Risks.freeze()
	s.Assumptions.freeze()
	s.Issues.freeze()
	s.Dependencies.freeze()
	s.Changes.freeze()
	s.Categories.freeze()
	s.Entries.freeze()
	s.Milestones.freeze()
	s.Tasks.freeze()
	s.Assignments.freeze()
	s.Contracts.freeze()
	s.POs.freeze()
	s.Invoices.freeze()
	s.Decisions.freeze()
	s.Meetings.freeze()
	s.Actions.freeze()
	s.Documents.freeze()
	s.Members.freeze()
	s.Reports.freeze()
}

// with returns list with x appended, never writing into list's array:
// slices in the state are shared between clones. To change an element,
// slices.Clone the list first.
func with[T any](list []T, x ...T) []T { return append(slices.Clip(list), x...) }
