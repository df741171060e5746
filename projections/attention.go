package projections

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Attention is what a proactive coordinator should chase at the moment:
// each item with the reason it is listed.
type Attention struct {
	Header
	Days  int             `json:"days"` // the look-ahead window for "due soon"
	Items []AttentionItem `json:"items"`
}

// AttentionItem is one thing to chase.
type AttentionItem struct {
	Kind     string      `json:"kind"` // action, deliverable, risk, issue, dependency, assumption, budget, milestone, allocation, invoice
	ID       string      `json:"id"`
	Title    string      `json:"title"`
	Owner    string      `json:"owner,omitempty"`
	Due      events.Date `json:"due,omitzero"`
	Severity string      `json:"severity"` // high: late, breached or orphaned; medium: due soon or drifting
	Reason   string      `json:"reason"`
}

// Severities of attention items.
const (
	severityHigh   = "high"
	severityMedium = "medium"
)

// staleInvoiceDays is how long a received invoice may wait for a decision.
const staleInvoiceDays = 14

// AttentionView lists what needs chasing in s at moment, looking days ahead;
// it reads the budget and schedule views for breaches, slips and
// over-allocation.
func AttentionView(s *State, q Query, moment time.Time, days int, budget Budget, schedule Schedule) Attention {
	today := events.DateOf(moment)
	v := Attention{Header: header(s, q, moment), Days: days, Items: []AttentionItem{}}
	add := func(it AttentionItem) { v.Items = append(v.Items, it) }
	// dueness says whether a date is past or within the window, and how to put it.
	dueness := func(due events.Date) (severity, reason string, listed bool) {
		switch n := daysFrom(today, due); {
		case due.IsZero():
			return "", "", false
		case n < 0:
			return severityHigh, fmt.Sprintf("overdue by %s", plural(-n, "day")), true
		case n == 0:
			return severityMedium, "due today", true
		case n <= days:
			return severityMedium, fmt.Sprintf("due in %s", plural(n, "day")), true
		}
		return "", "", false
	}
	left := func(person string) bool { m, ok := s.Members.Get(person); return ok && m.Left }

	for _, a := range sortedByID(s.Actions.All(), func(a Action) string { return a.ID }) {
		if a.Status != "open" {
			continue
		}
		if sev, why, ok := dueness(a.Due); ok {
			add(AttentionItem{Kind: "action", ID: a.ID, Title: a.Title, Owner: a.Owner, Due: a.Due, Severity: sev, Reason: "action " + why})
		}
		if left(a.Owner) {
			add(AttentionItem{Kind: "action", ID: a.ID, Title: a.Title, Owner: a.Owner, Due: a.Due, Severity: severityHigh, Reason: "its owner has left the team: reassign it"})
		}
	}
	for _, c := range sortedByID(s.Contracts.All(), func(c Contract) string { return c.ID }) {
		for _, d := range sortedByID(maps.All(c.Deliverables), func(d Deliverable) string { return d.ID }) {
			title := fmt.Sprintf("%s (%s)", d.Title, c.ID)
			switch d.Status {
			case "accepted":
				continue
			case "disputed":
				add(AttentionItem{Kind: "deliverable", ID: d.ID, Title: title, Due: d.Due, Severity: severityHigh, Reason: "disputed by the vendor: resolve the dispute"})
			case "rejected":
				add(AttentionItem{Kind: "deliverable", ID: d.ID, Title: title, Due: d.Due, Severity: severityHigh, Reason: fmt.Sprintf("rejected on %s: awaiting resubmission", d.Rejection)})
			case "submitted":
				add(AttentionItem{Kind: "deliverable", ID: d.ID, Title: title, Due: d.Due, Severity: severityMedium, Reason: "submitted: awaiting acceptance or rejection"})
			}
			if sev, why, ok := dueness(d.Due); ok && d.Status != "submitted" {
				add(AttentionItem{Kind: "deliverable", ID: d.ID, Title: title, Due: d.Due, Severity: sev, Reason: "deliverable " + why})
			}
		}
	}
	for _, r := range sortedByID(s.Risks.All(), func(r Risk) string { return r.ID }) {
		if r.Status != "open" {
			continue
		}
		if !r.ReviewDate.IsZero() && r.ReviewDate.Before(today) {
			add(AttentionItem{Kind: "risk", ID: r.ID, Title: r.Title, Owner: r.Owner, Due: r.ReviewDate, Severity: severityMedium,
				Reason: fmt.Sprintf("review overdue by %s", plural(daysFrom(r.ReviewDate, today), "day"))})
		}
		if left(r.Owner) {
			add(AttentionItem{Kind: "risk", ID: r.ID, Title: r.Title, Owner: r.Owner, Severity: severityHigh, Reason: "its owner has left the team: the risk has no owner"})
		}
		if r.Score >= 20 && r.EscalatedTo == "" {
			add(AttentionItem{Kind: "risk", ID: r.ID, Title: r.Title, Owner: r.Owner, Severity: severityHigh, Reason: fmt.Sprintf("score %d and not escalated", r.Score)})
		}
	}
	for _, i := range sortedByID(s.Issues.All(), func(i Issue) string { return i.ID }) {
		if i.Status != "open" {
			continue
		}
		if sev, why, ok := dueness(i.Due); ok {
			add(AttentionItem{Kind: "issue", ID: i.ID, Title: i.Title, Owner: i.Owner, Due: i.Due, Severity: sev, Reason: fmt.Sprintf("%s issue %s", i.Severity, why)})
		}
	}
	for _, d := range sortedByID(s.Dependencies.All(), func(d Dependency) string { return d.ID }) {
		if d.Status == "resolved" {
			continue
		}
		if sev, _, ok := dueness(d.NeededBy); ok {
			when := fmt.Sprintf("needed in %s", plural(daysFrom(today, d.NeededBy), "day"))
			if n := daysFrom(d.NeededBy, today); n > 0 {
				when = fmt.Sprintf("needed %s ago", plural(n, "day"))
			}
			add(AttentionItem{Kind: "dependency", ID: d.ID, Title: d.Description, Owner: d.Provider, Due: d.NeededBy, Severity: sev,
				Reason: fmt.Sprintf("unresolved, %s (the provider says %s)", when, strings.ReplaceAll(d.Status, "_", " "))})
		} else if d.Status == "at_risk" || d.Status == "late" {
			add(AttentionItem{Kind: "dependency", ID: d.ID, Title: d.Description, Owner: d.Provider, Due: d.NeededBy, Severity: severityMedium,
				Reason: "the provider reports it " + strings.ReplaceAll(d.Status, "_", " ")})
		}
	}
	for _, a := range sortedByID(s.Assumptions.All(), func(a Assumption) string { return a.ID }) {
		if a.Status == "open" && !a.ValidateBy.IsZero() && a.ValidateBy.Before(today) {
			add(AttentionItem{Kind: "assumption", ID: a.ID, Title: a.Text, Owner: a.Owner, Due: a.ValidateBy, Severity: severityMedium,
				Reason: fmt.Sprintf("not validated, %s past its date", plural(daysFrom(a.ValidateBy, today), "day"))})
		}
	}
	for _, b := range budget.Breaches {
		sev, name := severityMedium, b.Category
		if b.Level == "alert" {
			sev = severityHigh
		}
		if name == "" {
			name = "total"
		}
		add(AttentionItem{Kind: "budget", ID: name, Title: "budget: " + name, Severity: sev, Reason: b.Reason})
	}
	for _, m := range schedule.Milestones {
		switch m.Status {
		case "late":
			add(AttentionItem{Kind: "milestone", ID: m.ID, Title: m.Name, Due: m.Forecast, Severity: severityHigh,
				Reason: fmt.Sprintf("not achieved and its forecast %s has passed", m.Forecast)})
		case "slipping":
			add(AttentionItem{Kind: "milestone", ID: m.ID, Title: m.Name, Due: m.Forecast, Severity: severityMedium,
				Reason: fmt.Sprintf("forecast %s slips %s past its baseline %s", m.Forecast, plural(m.SlipDays, "day"), m.Baseline)})
		}
	}
	for _, o := range schedule.OverAllocation {
		if o.To.Before(today) {
			continue // history, not something to chase
		}
		add(AttentionItem{Kind: "allocation", ID: o.Person, Title: "over-allocated: " + o.Person, Owner: o.Person, Due: o.From, Severity: severityMedium,
			Reason: fmt.Sprintf("booked at %d%% from %s to %s across projects", o.TotalPercent, o.From, o.To)})
	}
	for _, inv := range sortedByID(s.Invoices.All(), func(i Invoice) string { return i.ID }) {
		if waited := daysFrom(inv.IssuedOn, today); inv.Status == "received" && waited > staleInvoiceDays {
			add(AttentionItem{Kind: "invoice", ID: inv.ID, Title: fmt.Sprintf("invoice %s (%s)", inv.Number, inv.ContractID), Due: inv.IssuedOn,
				Severity: severityMedium, Reason: fmt.Sprintf("received %s ago and not yet approved or rejected", plural(waited, "day"))})
		}
	}
	slices.SortStableFunc(v.Items, func(a, b AttentionItem) int {
		return cmp.Or(cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)), compareDue(a.Due, b.Due),
			strings.Compare(a.Kind, b.Kind), CompareIDs(a.ID, b.ID))
	})
	return v
}

func severityRank(s string) int {
	if s == severityHigh {
		return 0
	}
	return 1
}

// compareDue orders by date, undated items last.
func compareDue(a, b events.Date) int {
	switch {
	case a == b:
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	case a.Before(b):
		return -1
	}
	return 1
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Attention returns the attention list of project id as q asks, looking
// days ahead.
func (e *Engine) Attention(ctx context.Context, id uuid.UUID, q Query, days int) (Attention, error) {
	schedule, err := e.Schedule(ctx, id, q)
	if err != nil {
		return Attention{}, err
	}
	return view(ctx, e, id, q, func(s *State, m time.Time) Attention {
		return AttentionView(s, q, m, days, BudgetView(s, q, m), schedule)
	})
}
