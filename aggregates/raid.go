package aggregates

import (
	"github.com/pledger/pledger/events"
)

// Item statuses shared by the RAID log.
const (
	statusOpen        = "open"
	statusClosed      = "closed"
	statusRealised    = "realised"
	statusValidated   = "validated"
	statusInvalidated = "invalidated"
	statusResolved    = "resolved"
)

type risk struct {
	status    string
	owner     string
	escalated bool
}

type issue struct {
	status    string
	escalated bool
}

type raid struct {
	risks        map[string]*risk
	assumptions  map[string]string // id → status
	issues       map[string]*issue
	dependencies map[string]string // id → status, or resolved
}

func newRaid() raid {
	return raid{risks: map[string]*risk{}, assumptions: map[string]string{}, issues: map[string]*issue{}, dependencies: map[string]string{}}
}

func (r *raid) openCount() int {
	n := 0
	for _, k := range r.risks {
		if k.status == statusOpen {
			n++
		}
	}
	for _, i := range r.issues {
		if i.status == statusOpen {
			n++
		}
	}
	return n
}

func (r *raid) apply(p *Project, payload events.Payload) {
	switch e := payload.(type) {
	case events.RiskRaised:
		r.risks[e.RiskID] = &risk{status: statusOpen, owner: e.Owner}
		p.count("R")
	case events.RiskOwnerChanged:
		r.risks[e.RiskID].owner = e.Owner
	case events.RiskEscalated:
		r.risks[e.RiskID].escalated = true
	case events.RiskRealised:
		r.risks[e.RiskID].status = statusRealised
	case events.RiskClosed:
		r.risks[e.RiskID].status = statusClosed
	case events.AssumptionLogged:
		r.assumptions[e.AssumptionID] = statusOpen
		p.count("A")
	case events.AssumptionValidated:
		r.assumptions[e.AssumptionID] = statusValidated
	case events.AssumptionInvalidated:
		r.assumptions[e.AssumptionID] = statusInvalidated
	case events.IssueRaised:
		r.issues[e.IssueID] = &issue{status: statusOpen}
		p.count("I")
	case events.IssueEscalated:
		r.issues[e.IssueID].escalated = true
	case events.IssueResolved:
		r.issues[e.IssueID].status = statusResolved
	case events.DependencyLogged:
		r.dependencies[e.DependencyID] = e.Status
		p.count("D")
	case events.DependencyStatusChanged:
		r.dependencies[e.DependencyID] = e.Status
	case events.DependencyResolved:
		r.dependencies[e.DependencyID] = statusResolved
	}
}

// openRisk returns a risk that can still change, or why not.
func (r *raid) openRisk(id string) (*risk, error) {
	k, ok := r.risks[id]
	switch {
	case !ok:
		return nil, notFound("risk_id", "risk", id)
	case k.status != statusOpen:
		return nil, violatesField("risk_id", "risk.not_open", "risk %s is %s", id, k.status)
	}
	return k, nil
}

func (r *raid) openIssue(id string) error {
	i, ok := r.issues[id]
	switch {
	case !ok:
		return notFound("issue_id", "issue", id)
	case i.status != statusOpen:
		return violatesField("issue_id", "issue.not_open", "issue %s is %s", id, i.status)
	}
	return nil
}

func (r *raid) openAssumption(id string) error {
	status, ok := r.assumptions[id]
	switch {
	case !ok:
		return notFound("assumption_id", "assumption", id)
	case status != statusOpen:
		return violatesField("assumption_id", "assumption.not_open", "assumption %s is already %s", id, status)
	}
	return nil
}

func (r *raid) openDependency(id string) (string, error) {
	status, ok := r.dependencies[id]
	switch {
	case !ok:
		return "", notFound("dependency_id", "dependency", id)
	case status == statusResolved:
		return "", violatesField("dependency_id", "dependency.resolved", "dependency %s is already resolved", id)
	}
	return status, nil
}

// RaiseRisk adds a risk. Its owner is any named person: stakeholders outside
// the team own risks too.
type RaiseRisk struct {
	Title       string
	Description string
	Probability int
	Impact      int
	Owner       string
	Trigger     string
	Mitigation  string
	Contingency string
	ReviewDate  events.Date
}

// Decide implements ProjectCommand.
func (c RaiseRisk) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("title", c.Title)
	v.optionalText("description", c.Description)
	v.rating("probability", c.Probability)
	v.rating("impact", c.Impact)
	v.text("owner", c.Owner)
	v.optionalText("trigger", c.Trigger)
	v.optionalText("mitigation", c.Mitigation)
	v.optionalText("contingency", c.Contingency)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.RiskRaised{
		RiskID: p.nextID("R"), Title: c.Title, Description: c.Description,
		Probability: c.Probability, Impact: c.Impact, Score: c.Probability * c.Impact, Owner: c.Owner,
		Trigger: c.Trigger, Mitigation: c.Mitigation, Contingency: c.Contingency, ReviewDate: c.ReviewDate,
	}}, nil
}

// AssessRisk re-rates a risk.
type AssessRisk struct {
	RiskID      string
	Probability int
	Impact      int
	ReviewDate  events.Date
}

// Decide implements ProjectCommand.
func (c AssessRisk) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.rating("probability", c.Probability)
	v.rating("impact", c.Impact)
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.raid.openRisk(c.RiskID); err != nil {
		return nil, err
	}
	return []events.Payload{events.RiskAssessed{RiskID: c.RiskID, Probability: c.Probability, Impact: c.Impact,
		Score: c.Probability * c.Impact, ReviewDate: c.ReviewDate}}, nil
}

// UpdateRiskMitigation replaces a risk's mitigation and contingency plans.
type UpdateRiskMitigation struct {
	RiskID      string
	Mitigation  string
	Contingency string
}

// Decide implements ProjectCommand.
func (c UpdateRiskMitigation) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("mitigation", c.Mitigation)
	v.optionalText("contingency", c.Contingency)
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.raid.openRisk(c.RiskID); err != nil {
		return nil, err
	}
	return []events.Payload{events.RiskMitigationUpdated(c)}, nil
}

// ChangeRiskOwner hands a risk to another owner.
type ChangeRiskOwner struct {
	RiskID string
	Owner  string
}

// Decide implements ProjectCommand.
func (c ChangeRiskOwner) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("owner", c.Owner)
	if v.err != nil {
		return nil, v.err
	}
	k, err := p.raid.openRisk(c.RiskID)
	if err != nil {
		return nil, err
	}
	if k.owner == c.Owner {
		return nil, violatesField("owner", "risk.owner_unchanged", "%s already owns risk %s", c.Owner, c.RiskID)
	}
	return []events.Payload{events.RiskOwnerChanged{RiskID: c.RiskID, Owner: c.Owner, From: k.owner}}, nil
}

// EscalateRisk raises a risk to a higher authority; the reason is required.
type EscalateRisk struct {
	RiskID string
	To     string
}

// Decide implements ProjectCommand.
func (c EscalateRisk) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.text("to", c.To)
	v.reason(meta, "escalate a risk")
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.raid.openRisk(c.RiskID); err != nil {
		return nil, err
	}
	return []events.Payload{events.RiskEscalated(c)}, nil
}

// RealiseRisk records that a risk happened: the risk is closed as realised
// and an issue is raised from it, in one append.
type RealiseRisk struct {
	RiskID   string
	Severity string
	Owner    string // of the new issue; the risk's owner if empty
	Due      events.Date
}

// Decide implements ProjectCommand.
func (c RealiseRisk) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.oneOf("severity", c.Severity, severities...)
	if v.err != nil {
		return nil, v.err
	}
	k, err := p.raid.openRisk(c.RiskID)
	if err != nil {
		return nil, err
	}
	owner := c.Owner
	if owner == "" {
		owner = k.owner
	}
	issueID := p.nextID("I")
	title := "Realised risk " + c.RiskID
	return []events.Payload{
		events.RiskRealised{RiskID: c.RiskID, IssueID: issueID},
		events.IssueRaised{IssueID: issueID, Title: title, Severity: c.Severity, Owner: owner, Due: c.Due, FromRisk: c.RiskID},
	}, nil
}

// CloseRisk closes an open risk.
type CloseRisk struct {
	RiskID     string
	Resolution string
}

// Decide implements ProjectCommand.
func (c CloseRisk) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("resolution", c.Resolution)
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.raid.openRisk(c.RiskID); err != nil {
		return nil, err
	}
	return []events.Payload{events.RiskClosed(c)}, nil
}

// LogAssumption records an assumption to validate.
type LogAssumption struct {
	Text       string
	Owner      string
	ValidateBy events.Date
}

// Decide implements ProjectCommand.
func (c LogAssumption) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("text", c.Text)
	v.text("owner", c.Owner)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.AssumptionLogged{AssumptionID: p.nextID("A"), Text: c.Text, Owner: c.Owner, ValidateBy: c.ValidateBy}}, nil
}

// ValidateAssumption confirms an open assumption.
type ValidateAssumption struct {
	AssumptionID string
	Note         string
}

// Decide implements ProjectCommand.
func (c ValidateAssumption) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	if err := p.raid.openAssumption(c.AssumptionID); err != nil {
		return nil, err
	}
	return []events.Payload{events.AssumptionValidated(c)}, nil
}

// InvalidateAssumption records that an open assumption was false; the
// reason is required.
type InvalidateAssumption struct {
	AssumptionID string
	Note         string
}

// Decide implements ProjectCommand.
func (c InvalidateAssumption) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.reason(meta, "invalidate an assumption")
	if v.err != nil {
		return nil, v.err
	}
	if err := p.raid.openAssumption(c.AssumptionID); err != nil {
		return nil, err
	}
	return []events.Payload{events.AssumptionInvalidated(c)}, nil
}

var severities = []string{events.SeverityLow, events.SeverityMedium, events.SeverityHigh, events.SeverityCritical}

// RaiseIssue adds an issue.
type RaiseIssue struct {
	Title       string
	Description string
	Severity    string
	Owner       string
	Due         events.Date
}

// Decide implements ProjectCommand.
func (c RaiseIssue) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("title", c.Title)
	v.optionalText("description", c.Description)
	v.oneOf("severity", c.Severity, severities...)
	v.text("owner", c.Owner)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.IssueRaised{IssueID: p.nextID("I"), Title: c.Title, Description: c.Description,
		Severity: c.Severity, Owner: c.Owner, Due: c.Due}}, nil
}

// UpdateIssue changes an open issue's severity, owner or due date (empty
// fields unchanged).
type UpdateIssue struct {
	IssueID  string
	Severity string
	Owner    string
	Due      events.Date
	Note     string
}

// Decide implements ProjectCommand.
func (c UpdateIssue) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	if c.Severity != "" {
		v.oneOf("severity", c.Severity, severities...)
	}
	v.optionalText("owner", c.Owner)
	v.optionalText("note", c.Note)
	if c.Severity == "" && c.Owner == "" && c.Due.IsZero() && c.Note == "" {
		v.fail(invalid("severity", "nothing_to_update", "give a severity, owner, due date or note"))
	}
	if v.err != nil {
		return nil, v.err
	}
	if err := p.raid.openIssue(c.IssueID); err != nil {
		return nil, err
	}
	return []events.Payload{events.IssueUpdated(c)}, nil
}

// EscalateIssue raises an issue to a higher authority; the reason is required.
type EscalateIssue struct {
	IssueID string
	To      string
}

// Decide implements ProjectCommand.
func (c EscalateIssue) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.text("to", c.To)
	v.reason(meta, "escalate an issue")
	if v.err != nil {
		return nil, v.err
	}
	if err := p.raid.openIssue(c.IssueID); err != nil {
		return nil, err
	}
	return []events.Payload{events.IssueEscalated(c)}, nil
}

// ResolveIssue closes an open issue.
type ResolveIssue struct {
	IssueID    string
	Resolution string
}

// Decide implements ProjectCommand.
func (c ResolveIssue) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("resolution", c.Resolution)
	if v.err != nil {
		return nil, v.err
	}
	if err := p.raid.openIssue(c.IssueID); err != nil {
		return nil, err
	}
	return []events.Payload{events.IssueResolved(c)}, nil
}

var dependencyStatuses = []string{events.DependencyOnTrack, events.DependencyAtRisk, events.DependencyLate}

// LogDependency records something the project needs from a provider.
type LogDependency struct {
	Description string
	Provider    string
	NeededBy    events.Date
}

// Decide implements ProjectCommand.
func (c LogDependency) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("description", c.Description)
	v.text("provider", c.Provider)
	v.date("needed_by", c.NeededBy)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.DependencyLogged{DependencyID: p.nextID("D"), Description: c.Description,
		Provider: c.Provider, NeededBy: c.NeededBy, Status: events.DependencyOnTrack}}, nil
}

// ChangeDependencyStatus records a dependency's new status.
type ChangeDependencyStatus struct {
	DependencyID string
	Status       string
}

// Decide implements ProjectCommand.
func (c ChangeDependencyStatus) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.oneOf("status", c.Status, dependencyStatuses...)
	if v.err != nil {
		return nil, v.err
	}
	from, err := p.raid.openDependency(c.DependencyID)
	if err != nil {
		return nil, err
	}
	if from == c.Status {
		return nil, violatesField("status", "dependency.status_unchanged", "dependency %s is already %s", c.DependencyID, c.Status)
	}
	return []events.Payload{events.DependencyStatusChanged{DependencyID: c.DependencyID, Status: c.Status, From: from}}, nil
}

// ResolveDependency records that the provider delivered.
type ResolveDependency struct {
	DependencyID string
	Note         string
}

// Decide implements ProjectCommand.
func (c ResolveDependency) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	if _, err := p.raid.openDependency(c.DependencyID); err != nil {
		return nil, err
	}
	return []events.Payload{events.DependencyResolved(c)}, nil
}
