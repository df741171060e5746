package aggregates

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// ProjectStream is the stream of one project.
func ProjectStream(id uuid.UUID) string { return "project-" + id.String() }

// Project is the state of one project, folded from its stream. Each area
// keeps its own part; decide functions read it and never change it.
type Project struct {
	id       uuid.UUID
	ver      uint64
	charter  events.ProjectChartered
	phase    string
	closed   bool
	seen     map[uuid.UUID]string // event id → type, for references to events
	counters map[string]int       // item kind → last number handed out

	raid      raid
	scope     scope
	budget    budget
	schedule  schedule
	vendors   vendors
	decisions decisions
	meetings  meetings
	documents documents
	team      team
	reports   map[string]bool
}

// NewProject returns the empty state of project id, before its charter.
func NewProject(id uuid.UUID) *Project {
	return &Project{
		id:        id,
		seen:      map[uuid.UUID]string{},
		counters:  map[string]int{},
		raid:      newRaid(),
		scope:     newScope(),
		budget:    newBudget(),
		schedule:  newSchedule(),
		vendors:   newVendors(),
		decisions: newDecisions(),
		meetings:  newMeetings(),
		documents: newDocuments(),
		team:      newTeam(),
		reports:   map[string]bool{},
	}
}

func (p *Project) version() uint64 { return p.ver }

// Version is the stream version the state reflects.
func (p *Project) Version() uint64 { return p.ver }

// Chartered reports whether the project exists.
func (p *Project) Chartered() bool { return p.charter.ProjectID != "" }

// Charter returns the project's charter.
func (p *Project) Charter() events.ProjectChartered { return p.charter }

// Currency is the project's currency: every amount must be in it.
func (p *Project) Currency() string { return p.charter.Currency }

// nextID hands out the next human-readable id of a kind ("R" → "R-7").
// Deterministic: the same events give the same ids.
func (p *Project) nextID(kind string) string {
	return fmt.Sprintf("%s-%d", kind, p.counters[kind]+1)
}

// count records that an id of kind was used, keeping nextID ahead of it.
func (p *Project) count(kind string) { p.counters[kind]++ }

func (p *Project) apply(ev events.Event, payload events.Payload) {
	p.ver = ev.Version
	p.seen[ev.ID] = ev.Type
	switch e := payload.(type) {
	case events.ProjectChartered:
		p.charter, p.phase = e, events.PhaseInitiation
	case events.ProjectPhaseChanged:
		p.phase = e.Phase
	case events.ProjectClosed:
		p.closed = true
	case events.StatusReportPublished:
		p.reports[e.ReportID] = true
		p.count("SR")
	}
	p.raid.apply(p, payload)
	p.scope.apply(p, ev, payload)
	p.budget.apply(p, ev, payload)
	p.schedule.apply(p, payload)
	p.vendors.apply(p, payload)
	p.decisions.apply(p, payload)
	p.meetings.apply(p, payload)
	p.documents.apply(p, payload)
	p.team.apply(payload)
}

// ProjectCommand is a command on a project. Decide checks it against the
// state and returns the events it results in, or a typed *Error. It never
// changes the state.
type ProjectCommand interface {
	Decide(p *Project, meta Meta) ([]events.Payload, error)
}

// Decide runs cmd against p: the rules every project command shares (the
// project exists and is open), then the command's own.
func Decide(p *Project, cmd ProjectCommand, meta Meta) ([]events.Payload, error) {
	if _, charter := cmd.(CharterProject); !charter {
		if !p.Chartered() {
			return nil, notFound("project_id", "project", p.id.String())
		}
		if p.closed {
			return nil, violates("project.closed", "project %s is closed: nothing more can be recorded", p.charter.Code)
		}
	}
	return cmd.Decide(p, meta)
}

// ExecProject runs a command on a project and appends its events.
func (r *Repository) ExecProject(ctx context.Context, id uuid.UUID, cmd ProjectCommand, meta Meta) (Result, error) {
	if v, ok := cmd.(needsVendor); ok {
		vendor, err := r.Vendor(ctx, v.vendorID())
		if err != nil {
			return Result{}, err
		}
		cmd = v.withVendor(vendor)
	}
	return execute(ctx, r, ProjectStream(id), func() *Project { return NewProject(id) }, meta,
		func(p *Project) ([]events.Payload, error) { return Decide(p, cmd, meta) })
}

// Project returns the current state of a project. The state is shared with
// the repository: read it, never keep it across commands.
func (r *Repository) Project(ctx context.Context, id uuid.UUID) (*Project, error) {
	return load(ctx, r, ProjectStream(id), func() *Project { return NewProject(id) })
}

// CharterProject opens a project.
type CharterProject struct {
	Code        string
	Name        string
	Description string
	Sponsor     string
	Manager     string
	Coordinator string
	Start       events.Date
	End         events.Date
	Currency    string
}

// Decide implements ProjectCommand.
func (c CharterProject) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	if p.Chartered() {
		return nil, violates("project.already_chartered", "project %s is already chartered", p.charter.Code)
	}
	var v check
	if !projectCodePattern.MatchString(c.Code) {
		v.fail(invalid("code", "project_code", "must be 2 to 6 capital letters or digits, starting with a letter, got %q", c.Code))
	}
	v.text("name", c.Name)
	v.optionalText("description", c.Description)
	v.text("sponsor", c.Sponsor)
	v.person("manager", c.Manager)
	v.person("coordinator", c.Coordinator)
	v.date("start", c.Start)
	v.date("end", c.End)
	if !currencyPattern.MatchString(c.Currency) {
		v.fail(invalid("currency", "iso_4217", "must be an ISO 4217 code such as EUR, got %q", c.Currency))
	}
	if v.err == nil && !c.End.After(c.Start) {
		v.fail(invalid("end", "after_start", "must be after the start %s", c.Start))
	}
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.ProjectChartered{
		ProjectID: p.id.String(), Code: c.Code, Name: c.Name, Description: c.Description, Sponsor: c.Sponsor,
		Manager: c.Manager, Coordinator: c.Coordinator, Start: c.Start, End: c.End, Currency: c.Currency,
	}}, nil
}

// ChangePhase moves the project to the next phase (or back, with a reason).
type ChangePhase struct {
	Phase string
}

var phases = []string{events.PhaseInitiation, events.PhasePlanning, events.PhaseExecution, events.PhaseClosing}

// Decide implements ProjectCommand.
func (c ChangePhase) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.oneOf("phase", c.Phase, phases...)
	if v.err != nil {
		return nil, v.err
	}
	from, to := phaseIndex(p.phase), phaseIndex(c.Phase)
	switch {
	case to == from:
		return nil, violatesField("phase", "phase.unchanged", "the project is already in %s", c.Phase)
	case to < from:
		v.reason(meta, "move a project back to an earlier phase")
	case to > from+1:
		return nil, violatesField("phase", "phase.skipped", "phases go one at a time: %s comes after %s", phases[from+1], p.phase)
	}
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.ProjectPhaseChanged{Phase: c.Phase, From: p.phase}}, nil
}

func phaseIndex(phase string) int {
	for i, ph := range phases {
		if ph == phase {
			return i
		}
	}
	return 0
}

// CloseProject closes the project with its lessons learned. Open risks,
// issues and actions must be dealt with first.
type CloseProject struct {
	Outcome        string
	LessonsLearned []string
}

// Decide implements ProjectCommand.
func (c CloseProject) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("outcome", c.Outcome)
	if len(c.LessonsLearned) == 0 {
		v.fail(invalid("lessons_learned", "required", "at least one lesson learned is required"))
	}
	for i, l := range c.LessonsLearned {
		v.text(fmt.Sprintf("lessons_learned[%d]", i), l)
	}
	if v.err != nil {
		return nil, v.err
	}
	if p.phase != events.PhaseClosing {
		return nil, violates("project.not_closing", "a project is closed from the closing phase, not %s", p.phase)
	}
	if open := p.raid.openCount() + p.meetings.openCount(); open > 0 {
		return nil, violates("project.open_items", "%d risks, issues or actions are still open: close or cancel them first", open)
	}
	return []events.Payload{events.ProjectClosed{Outcome: c.Outcome, LessonsLearned: c.LessonsLearned}}, nil
}
