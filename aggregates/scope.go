package aggregates

import (
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Change request states.
const (
	crSubmitted   = "submitted"
	crAssessed    = "assessed"
	crApproved    = "approved"
	crRejected    = "rejected"
	crImplemented = "implemented"
)

type changeRequest struct {
	status     string
	assessment events.ChangeRequestAssessed
	approvedBy uuid.UUID // the approval event: the cause of every baseline move
}

type scope struct {
	baselined bool
	items     []events.ScopeItem
	crs       map[string]*changeRequest
}

func newScope() scope { return scope{crs: map[string]*changeRequest{}} }

func (s *scope) apply(p *Project, ev events.Event, payload events.Payload) {
	switch e := payload.(type) {
	case events.ScopeBaselined:
		s.baselined, s.items = true, e.Items
		for _, it := range e.Items {
			var n int
			if _, err := fmt.Sscanf(it.ItemID, "S-%d", &n); err == nil && n > p.counters["S"] {
				p.counters["S"] = n // kept items keep their ids; only new ones advance the counter
			}
		}
	case events.ChangeRequestSubmitted:
		s.crs[e.CRID] = &changeRequest{status: crSubmitted}
		p.count("CR")
	case events.ChangeRequestAssessed:
		s.crs[e.CRID].status, s.crs[e.CRID].assessment = crAssessed, e
	case events.ChangeRequestApproved:
		s.crs[e.CRID].status, s.crs[e.CRID].approvedBy = crApproved, ev.ID
	case events.ChangeRequestRejected:
		s.crs[e.CRID].status = crRejected
	case events.ChangeRequestImplemented:
		s.crs[e.CRID].status = crImplemented
	}
}

func (s *scope) cr(id string) (*changeRequest, error) {
	cr, ok := s.crs[id]
	if !ok {
		return nil, notFound("cr_id", "cr", id)
	}
	return cr, nil
}

// BaselineScope sets the initial scope baseline. Later changes go through
// an approved change request.
type BaselineScope struct {
	Items []events.ScopeItem // ItemID is assigned
}

// Decide implements ProjectCommand.
func (c BaselineScope) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	if p.scope.baselined {
		return nil, violates("baseline.requires_cr", "the scope is already baselined: change it through an approved change request")
	}
	items, err := p.numberScope("items", c.Items, p.counters["S"])
	if err != nil {
		return nil, err
	}
	return []events.Payload{events.ScopeBaselined{Items: items}}, nil
}

// numberScope validates scope items and gives new ones (no ItemID) the next ids.
func (p *Project) numberScope(field string, items []events.ScopeItem, used int) ([]events.ScopeItem, error) {
	var v check
	if len(items) == 0 {
		v.fail(invalid(field, "required", "at least one scope item is required"))
	}
	out := make([]events.ScopeItem, len(items))
	for i, it := range items {
		v.text(fmt.Sprintf("%s[%d].title", field, i), it.Title)
		v.optionalText(fmt.Sprintf("%s[%d].description", field, i), it.Description)
		if it.ItemID == "" {
			used++
			it.ItemID = fmt.Sprintf("S-%d", used)
		} else if !slices.ContainsFunc(p.scope.items, func(s events.ScopeItem) bool { return s.ItemID == it.ItemID }) {
			v.fail(notFound(fmt.Sprintf("%s[%d].item_id", field, i), "scope item", it.ItemID))
		}
		out[i] = it
	}
	return out, v.err
}

// SubmitChangeRequest opens a change request.
type SubmitChangeRequest struct {
	Title       string
	Description string
	RequestedBy string
}

// Decide implements ProjectCommand.
func (c SubmitChangeRequest) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("title", c.Title)
	v.text("description", c.Description)
	v.text("requested_by", c.RequestedBy)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.ChangeRequestSubmitted{CRID: p.nextID("CR"), Title: c.Title, Description: c.Description, RequestedBy: c.RequestedBy}}, nil
}

// AssessChangeRequest records a CR's impact and the exact baseline changes
// implementing it would make. A CR may be re-assessed until it is decided.
type AssessChangeRequest struct {
	CRID             string
	ScopeImpact      string
	ScheduleDays     int
	CostImpact       events.Money
	ScopeItems       []events.ScopeItem // the whole new scope baseline; empty: unchanged
	BudgetChanges    []events.BudgetChange
	MilestoneChanges []events.MilestoneChange
	ContractChanges  []events.ContractChange
	AssessedBy       string
}

// Decide implements ProjectCommand.
func (c AssessChangeRequest) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	cr, err := p.scope.cr(c.CRID)
	if err != nil {
		return nil, err
	}
	if cr.status != crSubmitted && cr.status != crAssessed {
		return nil, violatesField("cr_id", "cr.already_decided", "change request %s is %s: it can no longer be assessed", c.CRID, cr.status)
	}
	var v check
	v.text("scope_impact", c.ScopeImpact)
	v.text("assessed_by", c.AssessedBy)
	v.money("cost_impact", c.CostImpact, p.Currency(), true)
	if c.ScheduleDays < -3650 || c.ScheduleDays > 3650 {
		v.fail(invalid("schedule_days", "range", "must be within ten years, got %d", c.ScheduleDays))
	}
	if len(c.ScopeItems) > 0 {
		if _, err := p.numberScope("scope_items", c.ScopeItems, 0); err != nil {
			v.fail(err)
		}
	}
	if v.err != nil {
		return nil, v.err
	}
	if err := p.checkChanges(c.BudgetChanges, c.MilestoneChanges, c.ContractChanges); err != nil {
		return nil, err
	}
	return []events.Payload{events.ChangeRequestAssessed{
		CRID: c.CRID, ScopeImpact: c.ScopeImpact, ScheduleDays: c.ScheduleDays, CostImpact: c.CostImpact,
		ScopeItems: c.ScopeItems, BudgetChanges: c.BudgetChanges, MilestoneChanges: c.MilestoneChanges,
		ContractChanges: c.ContractChanges, AssessedBy: c.AssessedBy,
	}}, nil
}

// checkChanges checks that every baseline change applies to the current state.
func (p *Project) checkChanges(budget []events.BudgetChange, milestones []events.MilestoneChange, contracts []events.ContractChange) error {
	var v check
	for i, b := range budget {
		field := fmt.Sprintf("budget_changes[%d]", i)
		v.oneOf(field+".category", b.Category, categories...)
		v.money(field+".delta", b.Delta, p.Currency(), true)
		if v.err == nil && p.budget.approved[b.Category]+b.Delta.Minor < 0 {
			v.fail(violatesField(field+".delta", "budget.negative", "%s would fall below zero (approved %d)", b.Category, p.budget.approved[b.Category]))
		}
	}
	for i, m := range milestones {
		field := fmt.Sprintf("milestone_changes[%d]", i)
		v.date(field+".baseline", m.Baseline)
		if ms, ok := p.schedule.milestones[m.MilestoneID]; !ok {
			v.fail(notFound(field+".milestone_id", "milestone", m.MilestoneID))
		} else if !ms.actual.IsZero() {
			v.fail(violatesField(field+".milestone_id", "milestone.already_achieved", "milestone %s was achieved on %s: its baseline no longer moves", m.MilestoneID, ms.actual))
		} else if v.err == nil && m.Baseline.Before(p.charter.Start) {
			v.fail(violatesField(field+".baseline", "date.before_project_start", "must not be before the project start %s", p.charter.Start))
		}
	}
	for i, c := range contracts {
		field := fmt.Sprintf("contract_changes[%d]", i)
		k, ok := p.vendors.contracts[c.ContractID]
		if !ok {
			v.fail(notFound(field+".contract_id", "contract", c.ContractID))
			continue
		}
		v.money(field+".value_delta", c.ValueDelta, p.Currency(), true)
		if v.err == nil && k.value+c.ValueDelta.Minor < k.committed {
			v.fail(violatesField(field+".value_delta", "contract.below_committed", "the contract value would fall below the %d already on purchase orders", k.committed))
		}
		for j, d := range c.DeliverablesAdded {
			v.deliverable(fmt.Sprintf("%s.deliverables_added[%d]", field, j), d)
		}
		for j, d := range c.DeliverablesChanged {
			f := fmt.Sprintf("%s.deliverables_changed[%d]", field, j)
			if _, ok := k.deliverables[d.DeliverableID]; !ok {
				v.fail(notFound(f+".deliverable_id", "deliverable", d.DeliverableID))
			}
			for n, crit := range d.Criteria {
				v.text(fmt.Sprintf("%s.criteria[%d].text", f, n), crit.Text)
			}
			if d.Due.IsZero() && len(d.Criteria) == 0 {
				v.fail(invalid(f, "nothing_to_change", "give a new due date or new criteria"))
			}
		}
	}
	return v.err
}

// deliverable checks a deliverable as written in a contract or amendment.
func (c *check) deliverable(field string, d events.Deliverable) {
	c.text(field+".title", d.Title)
	c.date(field+".due", d.Due)
	if len(d.Criteria) == 0 {
		c.fail(invalid(field+".criteria", "required", "at least one acceptance criterion is required"))
	}
	for i, crit := range d.Criteria {
		c.text(fmt.Sprintf("%s.criteria[%d].text", field, i), crit.Text)
	}
}

// ApproveChangeRequest approves an assessed CR. Approving twice is refused.
type ApproveChangeRequest struct {
	CRID      string
	Approver  string
	Rationale string
}

// Decide implements ProjectCommand.
func (c ApproveChangeRequest) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("approver", c.Approver)
	v.text("rationale", c.Rationale)
	if v.err != nil {
		return nil, v.err
	}
	cr, err := p.scope.cr(c.CRID)
	if err != nil {
		return nil, err
	}
	switch cr.status {
	case crAssessed:
	case crSubmitted:
		return nil, violatesField("cr_id", "cr.not_assessed", "change request %s must be assessed before it is approved", c.CRID)
	default:
		return nil, violatesField("cr_id", "cr.already_decided", "change request %s is already %s", c.CRID, cr.status)
	}
	return []events.Payload{events.ChangeRequestApproved(c)}, nil
}

// RejectChangeRequest rejects an undecided CR; the reason is required.
type RejectChangeRequest struct {
	CRID      string
	Approver  string
	Rationale string
}

// Decide implements ProjectCommand.
func (c RejectChangeRequest) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.text("approver", c.Approver)
	v.text("rationale", c.Rationale)
	v.reason(meta, "reject a change request")
	if v.err != nil {
		return nil, v.err
	}
	cr, err := p.scope.cr(c.CRID)
	if err != nil {
		return nil, err
	}
	if cr.status != crSubmitted && cr.status != crAssessed {
		return nil, violatesField("cr_id", "cr.already_decided", "change request %s is already %s", c.CRID, cr.status)
	}
	return []events.Payload{events.ChangeRequestRejected(c)}, nil
}

// ImplementChangeRequest applies an approved CR's baseline changes — scope,
// budget categories, milestone baselines, contracts — and closes it, in one
// append. Every baseline event names the CR and is caused by its approval.
type ImplementChangeRequest struct {
	CRID string
}

// Decide implements ProjectCommand.
func (c ImplementChangeRequest) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.reason(meta, "re-baseline through a change request")
	if v.err != nil {
		return nil, v.err
	}
	cr, err := p.scope.cr(c.CRID)
	if err != nil {
		return nil, err
	}
	if cr.status != crApproved {
		return nil, violatesField("cr_id", "baseline.requires_approved_cr", "change request %s is %s, not approved: baselines move only through an approved change request", c.CRID, cr.status)
	}
	a := cr.assessment
	if err := p.checkChanges(a.BudgetChanges, a.MilestoneChanges, a.ContractChanges); err != nil {
		return nil, violates("cr.no_longer_applies", "change request %s no longer applies to the project as it is: %v", c.CRID, err)
	}
	var out []events.Payload
	if len(a.ScopeItems) > 0 {
		items, err := p.numberScope("scope_items", a.ScopeItems, p.counters["S"])
		if err != nil {
			return nil, err
		}
		out = append(out, events.ScopeBaselined{Items: items, CRID: c.CRID})
	}
	approved := map[string]int64{}
	for _, b := range a.BudgetChanges {
		if _, seen := approved[b.Category]; !seen {
			approved[b.Category] = p.budget.approved[b.Category]
		}
		approved[b.Category] += b.Delta.Minor
		out = append(out, events.BudgetBaselineChanged{Category: b.Category, Delta: b.Delta,
			Approved: events.Money{Minor: approved[b.Category], Currency: p.Currency()}, CRID: c.CRID})
	}
	for _, m := range a.MilestoneChanges {
		out = append(out, events.MilestoneRebaselined{MilestoneID: m.MilestoneID, Baseline: m.Baseline,
			From: p.schedule.milestones[m.MilestoneID].baseline, CRID: c.CRID})
	}
	deliverables := p.counters["DL"]
	for _, k := range a.ContractChanges {
		added := make([]events.Deliverable, len(k.DeliverablesAdded))
		for i, d := range k.DeliverablesAdded {
			deliverables++
			d.DeliverableID = fmt.Sprintf("DL-%d", deliverables)
			d.Criteria = numberCriteria(d.Criteria)
			added[i] = d
		}
		changed := make([]events.DeliverableChange, len(k.DeliverablesChanged))
		for i, d := range k.DeliverablesChanged {
			d.Criteria = numberCriteria(d.Criteria)
			changed[i] = d
		}
		value := p.vendors.contracts[k.ContractID].value + k.ValueDelta.Minor
		out = append(out, events.ContractAmended{ContractID: k.ContractID, ValueDelta: k.ValueDelta,
			Value: events.Money{Minor: value, Currency: p.Currency()}, DeliverablesAdded: added,
			DeliverablesChanged: changed, CRID: c.CRID})
	}
	return append(out, events.ChangeRequestImplemented{CRID: c.CRID}), nil
}

// numberCriteria gives acceptance criteria their ids (K-1, K-2, …) within
// their deliverable.
func numberCriteria(criteria []events.Criterion) []events.Criterion {
	if len(criteria) == 0 {
		return nil
	}
	out := make([]events.Criterion, len(criteria))
	for i, c := range criteria {
		out[i] = events.Criterion{CriterionID: fmt.Sprintf("K-%d", i+1), Text: c.Text}
	}
	return out
}
