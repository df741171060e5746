package projections

import (
	"maps"
	"slices"

	"github.com/pledger/pledger/events"
)

// Apply folds one record into the state. It never validates — the
// aggregates did — and never looks at a clock.
func (s *State) Apply(r Record) {
	s.Version, s.Position, s.Recorded = r.Version, r.Position, r.RecordedAt
	st := stampOf(r)
	day := events.DateOf(r.EffectiveAt)
	switch e := r.Payload.(type) {
	case events.ProjectChartered:
		s.Project, s.Phase = e, events.PhaseInitiation
	case events.ProjectPhaseChanged:
		s.Phase = e.Phase
	case events.ProjectClosed:
		s.Closed = &st

	case events.RiskRaised:
		s.Risks.Set(e.RiskID, Risk{ID: e.RiskID, Title: e.Title, Description: e.Description, Probability: e.Probability, Impact: e.Impact,
			Score: e.Score, Owner: e.Owner, Trigger: e.Trigger, Mitigation: e.Mitigation, Contingency: e.Contingency,
			ReviewDate: e.ReviewDate, Status: "open", Raised: st, Reviewed: st})
	case events.RiskAssessed:
		s.Risks.Update(e.RiskID, func(k *Risk) {
			k.Probability, k.Impact, k.Score, k.Reviewed = e.Probability, e.Impact, e.Score, st
			if !e.ReviewDate.IsZero() {
				k.ReviewDate = e.ReviewDate
			}
		})
	case events.RiskMitigationUpdated:
		s.Risks.Update(e.RiskID, func(k *Risk) { k.Mitigation, k.Contingency = e.Mitigation, e.Contingency })
	case events.RiskOwnerChanged:
		s.Risks.Update(e.RiskID, func(k *Risk) { k.Owner = e.Owner })
	case events.RiskEscalated:
		s.Risks.Update(e.RiskID, func(k *Risk) { k.EscalatedTo = e.To })
	case events.RiskRealised:
		s.Risks.Update(e.RiskID, func(k *Risk) { k.Status, k.RealisedAs = "realised", e.IssueID })
	case events.RiskClosed:
		s.Risks.Update(e.RiskID, func(k *Risk) { k.Status, k.Resolution = "closed", e.Resolution })

	case events.AssumptionLogged:
		s.Assumptions.Set(e.AssumptionID, Assumption{ID: e.AssumptionID, Text: e.Text, Owner: e.Owner, ValidateBy: e.ValidateBy, Status: "open", Logged: st})
	case events.AssumptionValidated:
		s.Assumptions.Update(e.AssumptionID, func(a *Assumption) { a.Status, a.Note = "validated", e.Note })
	case events.AssumptionInvalidated:
		s.Assumptions.Update(e.AssumptionID, func(a *Assumption) { a.Status, a.Note = "invalidated", e.Note })

	case events.IssueRaised:
		s.Issues.Set(e.IssueID, Issue{ID: e.IssueID, Title: e.Title, Description: e.Description, Severity: e.Severity, Owner: e.Owner,
			Due: e.Due, FromRisk: e.FromRisk, Status: "open", Raised: st})
	case events.IssueUpdated:
		s.Issues.Update(e.IssueID, func(i *Issue) {
			if e.Severity != "" {
				i.Severity = e.Severity
			}
			if e.Owner != "" {
				i.Owner = e.Owner
			}
			if !e.Due.IsZero() {
				i.Due = e.Due
			}
		})
	case events.IssueEscalated:
		s.Issues.Update(e.IssueID, func(i *Issue) { i.EscalatedTo = e.To })
	case events.IssueResolved:
		s.Issues.Update(e.IssueID, func(i *Issue) { i.Status, i.Resolution = "resolved", e.Resolution })

	case events.DependencyLogged:
		s.Dependencies.Set(e.DependencyID, Dependency{ID: e.DependencyID, Description: e.Description, Provider: e.Provider, NeededBy: e.NeededBy, Status: e.Status, Logged: st})
	case events.DependencyStatusChanged:
		s.Dependencies.Update(e.DependencyID, func(d *Dependency) { d.Status = e.Status })
	case events.DependencyResolved:
		s.Dependencies.Update(e.DependencyID, func(d *Dependency) { d.Status = "resolved" })

	case events.ScopeBaselined:
		s.Scope = Scope{Items: e.Items, CRID: e.CRID}
	case events.ChangeRequestSubmitted:
		s.Changes.Set(e.CRID, ChangeRequest{ID: e.CRID, Title: e.Title, Description: e.Description, RequestedBy: e.RequestedBy, Status: "submitted", Submitted: st})
	case events.ChangeRequestAssessed:
		s.Changes.Update(e.CRID, func(c *ChangeRequest) { c.Status, c.Assessment = "assessed", &e })
	case events.ChangeRequestApproved:
		s.Changes.Update(e.CRID, func(c *ChangeRequest) {
			c.Status, c.Approver, c.Rationale, c.Decided = "approved", e.Approver, e.Rationale, &st
		})
	case events.ChangeRequestRejected:
		s.Changes.Update(e.CRID, func(c *ChangeRequest) {
			c.Status, c.Approver, c.Rationale, c.Decided = "rejected", e.Approver, e.Rationale, &st
		})
	case events.ChangeRequestImplemented:
		s.Changes.Update(e.CRID, func(c *ChangeRequest) { c.Status, c.Implemented = "implemented", &st })

	case events.BudgetApproved:
		s.category(e.Category, func(c *Category) { c.Approved = e.Amount.Minor })
	case events.BudgetBaselineChanged:
		s.category(e.Category, func(c *Category) { c.Approved = e.Approved.Minor })
	case events.ForecastUpdated:
		s.category(e.Category, func(c *Category) { v := e.EstimateAtCompletion.Minor; c.Forecast = &v })
	case events.VarianceThresholdSet:
		limit := Threshold{Warn: e.WarnPercent, Alert: e.AlertPercent}
		if e.Category == "" {
			s.Total = limit
		} else {
			s.category(e.Category, func(c *Category) { c.Limit = limit })
		}
	case events.ActualRecorded:
		s.Entries.Set(e.EntryID, Entry{ID: e.EntryID, Category: e.Category, Amount: e.Amount.Minor, Source: e.Source, InvoiceID: e.InvoiceID, Person: e.Person, Day: day})
		s.spend(e.Category, day, e.Amount.Minor)
	case events.EntryCorrected:
		old, _ := s.Entries.Get(e.EntryID)
		s.spend(old.Category, old.Day, -old.Amount)
		s.spend(e.Category, old.Day, e.Amount.Minor)
		s.Entries.Update(e.EntryID, func(x *Entry) { x.Category, x.Amount, x.Corrected = e.Category, e.Amount.Minor, x.Corrected+1 })

	case events.MilestonePlanned:
		s.Milestones.Set(e.MilestoneID, Milestone{ID: e.MilestoneID, Name: e.Name, Baseline: e.Baseline, Original: e.Baseline, Forecast: e.Baseline})
	case events.MilestoneForecastChanged:
		s.Milestones.Update(e.MilestoneID, func(m *Milestone) { m.Forecast = e.Forecast })
	case events.MilestoneRebaselined:
		s.Milestones.Update(e.MilestoneID, func(m *Milestone) {
			m.Baseline, m.CRs = e.Baseline, with(m.CRs, e.CRID)
			if m.Forecast.Before(e.Baseline) {
				m.Forecast = e.Baseline // a new baseline is the new plan
			}
		})
	case events.MilestoneAchieved:
		s.Milestones.Update(e.MilestoneID, func(m *Milestone) { m.Actual = e.Actual })
	case events.TaskPlanned:
		s.Tasks.Set(e.TaskID, Task{ID: e.TaskID, Name: e.Name, Start: e.Start, Finish: e.Finish, PlannedValue: e.PlannedValue.Minor, DependsOn: e.DependsOn, MilestoneID: e.MilestoneID})
	case events.TaskProgressed:
		s.Tasks.Update(e.TaskID, func(t *Task) { t.Percent = e.PercentComplete })
	case events.ResourceAssigned:
		s.Assignments.Set(e.AssignmentID, Assignment{ID: e.AssignmentID, Person: e.Person, TaskID: e.TaskID, Percent: e.AllocationPercent, From: e.From, To: e.To})
	case events.ResourceReleased:
		s.Assignments.Update(e.AssignmentID, func(a *Assignment) { a.Released = true })

	case events.ContractSigned:
		c := Contract{ID: e.ContractID, VendorID: e.VendorID, Title: e.Title, Value: e.Value.Minor, Signed: e, SignedStamp: st, Deliverables: map[string]Deliverable{}}
		for _, d := range e.Deliverables {
			c.Deliverables[d.DeliverableID] = Deliverable{ID: d.DeliverableID, Title: d.Title, Due: d.Due, Criteria: d.Criteria, Status: "pending"}
		}
		s.Contracts.Set(e.ContractID, c)
	case events.ContractAmended:
		s.deliverables(e.ContractID, func(c *Contract) {
			c.Value, c.Amendments = e.Value.Minor, with(c.Amendments, e.CRID)
			for _, d := range e.DeliverablesAdded {
				c.Deliverables[d.DeliverableID] = Deliverable{ID: d.DeliverableID, Title: d.Title, Due: d.Due, Criteria: d.Criteria, Status: "pending"}
			}
			for _, ch := range e.DeliverablesChanged {
				d := c.Deliverables[ch.DeliverableID]
				if !ch.Due.IsZero() {
					d.Due = ch.Due
				}
				if len(ch.Criteria) > 0 {
					d.Criteria = ch.Criteria
				}
				c.Deliverables[ch.DeliverableID] = d
			}
		})
	case events.PurchaseOrderIssued:
		s.POs.Set(e.POID, PurchaseOrder{ID: e.POID, ContractID: e.ContractID, Category: e.Category, Amount: e.Amount.Minor, Number: e.Number})
	case events.DeliverableSubmitted:
		s.deliverable(e.ContractID, e.DeliverableID, func(d *Deliverable) { d.Status, d.Submissions = "submitted", d.Submissions+1 })
	case events.DeliverableAccepted:
		s.deliverable(e.ContractID, e.DeliverableID, func(d *Deliverable) { d.Status, d.Accepted = "accepted", day })
	case events.DeliverableRejected:
		s.deliverable(e.ContractID, e.DeliverableID, func(d *Deliverable) { d.Status, d.Rejection = "rejected", e.CriterionID })
	case events.DeliverableDisputed:
		s.deliverable(e.ContractID, e.DeliverableID, func(d *Deliverable) { d.Status = "disputed" })
	case events.DisputeResolved:
		s.deliverable(e.ContractID, e.DeliverableID, func(d *Deliverable) {
			d.Status = "rejected"
			if e.Outcome == events.DisputeAccepted {
				d.Status, d.Accepted = "accepted", day
			}
		})
	case events.InvoiceReceived:
		s.Invoices.Set(e.InvoiceID, Invoice{ID: e.InvoiceID, ContractID: e.ContractID, POID: e.POID, Number: e.Number, Amount: e.Amount.Minor,
			IssuedOn: e.IssuedOn, Status: "received", Override: e.Override})
	case events.InvoiceApproved:
		s.Invoices.Update(e.InvoiceID, func(i *Invoice) { i.Status = "approved" })
	case events.InvoiceRejected:
		s.Invoices.Update(e.InvoiceID, func(i *Invoice) { i.Status = "rejected" })
	case events.InvoicePaid:
		s.Invoices.Update(e.InvoiceID, func(i *Invoice) { i.Status, i.PaidOn = "paid", e.PaidOn })

	case events.DecisionRecorded:
		s.Decisions.Set(e.DecisionID, Decision{ID: e.DecisionID, Title: e.Title, Context: e.Context, Options: e.Options, Choice: e.Choice,
			Rationale: e.Rationale, DecidedBy: e.DecidedBy, RestsOn: e.RestsOn, Supersedes: e.Supersedes, Recorded: st})
	case events.DecisionSuperseded:
		s.Decisions.Update(e.DecisionID, func(d *Decision) { d.SupersededBy = e.By })

	case events.MeetingHeld:
		s.Meetings.Set(e.MeetingID, Meeting{ID: e.MeetingID, Title: e.Title, Date: e.Date, Attendees: e.Attendees, Agenda: e.Agenda})
	case events.ActionItemAdded:
		s.Actions.Set(e.ActionID, Action{ID: e.ActionID, Title: e.Title, Owner: e.Owner, Due: e.Due, MeetingID: e.MeetingID, Status: "open", Added: st})
	case events.ActionItemUpdated:
		s.Actions.Update(e.ActionID, func(a *Action) {
			if e.Owner != "" {
				a.Owner = e.Owner
			}
			if !e.Due.IsZero() {
				a.Due = e.Due
			}
			if e.Note != "" {
				a.Note = e.Note
			}
		})
	case events.ActionItemDone:
		s.Actions.Update(e.ActionID, func(a *Action) { a.Status, a.Closed, a.Note = "done", &st, e.Note })
	case events.ActionItemCancelled:
		s.Actions.Update(e.ActionID, func(a *Action) { a.Status, a.Closed = "cancelled", &st })

	case events.DocumentRegistered:
		s.Documents.Set(e.DocumentID, Document{ID: e.DocumentID, Ref: e.Ref, Type: e.DocType, Title: e.Title,
			Versions: []DocumentVersion{{Version: e.Version, Location: e.Location, ContentHash: e.ContentHash}}})
	case events.DocumentVersionAdded:
		s.Documents.Update(e.DocumentID, func(d *Document) {
			d.Versions = with(d.Versions, DocumentVersion{Version: e.Version, Location: e.Location, ContentHash: e.ContentHash})
		})
	case events.DocumentApproved:
		s.Documents.Update(e.DocumentID, func(d *Document) {
			versions := slices.Clone(d.Versions) // the array is shared with clones
			for i := range versions {
				if versions[i].Version == e.Version {
					versions[i].ApprovedBy = e.ApprovedBy
				}
			}
			d.Versions = versions
		})
	case events.DocumentRetired:
		s.Documents.Update(e.DocumentID, func(d *Document) { d.Retired = true })

	case events.MemberJoined:
		s.Members.Set(e.Person, Member{Person: e.Person, Name: e.Name, Role: e.Role, Access: map[string]string{}})
	case events.AccessRequested:
		s.access(e.Person, e.System, "requested")
	case events.AccessProvisioned:
		s.access(e.Person, e.System, "provisioned")
	case events.AccessRevoked:
		s.access(e.Person, e.System, "revoked")
	case events.MemberLeft:
		s.Members.Update(e.Person, func(m *Member) { m.Left = true })

	case events.StatusReportPublished:
		s.Reports.Set(e.ReportID, Report{ID: e.ReportID, From: e.PeriodFrom, To: e.PeriodTo, AsOf: e.AsOf, RAG: e.RAG, Summary: e.Summary, Published: st, Hash: e.ContentHash})
	}
}

func (s *State) category(name string, change func(*Category)) {
	c, ok := s.Categories.Get(name)
	if !ok {
		c = Category{Name: name}
	}
	change(&c)
	s.Categories.Set(name, c)
}

// spend books amount on a category's actual and its burn on day.
func (s *State) spend(category string, day events.Date, amount int64) {
	s.category(category, func(c *Category) {
		c.Actual += amount
		burn := slices.Clone(c.Burn) // the array is shared with clones
		if n := len(burn); n > 0 && burn[n-1].Day == day {
			burn[n-1].Amount += amount
		} else {
			burn = append(burn, Burn{Day: day, Amount: amount})
		}
		c.Burn = burn
	})
}

// deliverables changes a contract, copying its deliverables map first: the
// map is shared with clones.
func (s *State) deliverables(contractID string, change func(*Contract)) {
	s.Contracts.Update(contractID, func(c *Contract) {
		c.Deliverables = maps.Clone(c.Deliverables)
		change(c)
	})
}

func (s *State) deliverable(contractID, id string, change func(*Deliverable)) {
	s.deliverables(contractID, func(c *Contract) {
		d := c.Deliverables[id]
		change(&d)
		c.Deliverables[id] = d
	})
}

func (s *State) access(person, system, state string) {
	s.Members.Update(person, func(m *Member) {
		m.Access = maps.Clone(m.Access)
		m.Access[system] = state
	})
}
