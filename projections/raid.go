package projections

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/pledger/pledger/events"
)

// RAID is the RAID log view.
type RAID struct {
	Header
	Risks        []RiskRow       `json:"risks"`
	Assumptions  []AssumptionRow `json:"assumptions"`
	Issues       []IssueRow      `json:"issues"`
	Dependencies []DependencyRow `json:"dependencies"`
}

// RiskRow is a risk with the figures computed for the moment.
type RiskRow struct {
	Risk
	AgeDays           int  `json:"age_days"`
	DaysSinceReview   int  `json:"days_since_review"`
	ReviewOverdue     bool `json:"review_overdue"`
	DaysReviewOverdue int  `json:"days_review_overdue,omitempty"`
}

// AssumptionRow is an assumption with its validation status for the moment.
type AssumptionRow struct {
	Assumption
	ValidationOverdue bool `json:"validation_overdue"`
}

// IssueRow is an issue with its age and lateness for the moment.
type IssueRow struct {
	Issue
	AgeDays     int  `json:"age_days"`
	Overdue     bool `json:"overdue"`
	DaysOverdue int  `json:"days_overdue,omitempty"`
}

// DependencyRow is a dependency with its lateness for the moment.
type DependencyRow struct {
	Dependency
	DaysToNeeded int  `json:"days_to_needed"`
	Late         bool `json:"late"`
}

// RAIDFilter narrows the RAID log; empty fields match everything.
type RAIDFilter struct {
	Status   string // open, closed, realised, resolved, validated, … or "open" for everything still open
	Owner    string
	Severity string // issues only
}

func (f RAIDFilter) keep(status, owner, severity string) bool {
	statusOK := f.Status == "" || f.Status == status || f.Status == "open" && isOpen(status)
	return statusOK && (f.Owner == "" || f.Owner == owner) && (f.Severity == "" || severity == "" || f.Severity == severity)
}

// isOpen reports whether an item in status still needs attention; the
// other statuses close an item (diff lists it as closed).
func isOpen(status string) bool {
	switch status {
	case "closed", "realised", "resolved", "validated", "invalidated", "done", "cancelled", "accepted", "rejected", "paid", "implemented":
		return false
	}
	return true
}

// RAIDView computes the RAID log of s at moment.
func RAIDView(s *State, q Query, moment time.Time, f RAIDFilter) RAID {
	today := events.DateOf(moment)
	v := RAID{Header: header(s, q, moment), Risks: []RiskRow{}, Assumptions: []AssumptionRow{}, Issues: []IssueRow{}, Dependencies: []DependencyRow{}}
	for _, r := range sortedByID(s.Risks.All(), func(r Risk) string { return r.ID }) {
		if !f.keep(r.Status, r.Owner, "") || f.Severity != "" {
			continue
		}
		row := RiskRow{Risk: r, AgeDays: daysFrom(events.DateOf(r.Raised.Effective), today), DaysSinceReview: daysFrom(events.DateOf(r.Reviewed.Effective), today)}
		if r.Status == "open" && !r.ReviewDate.IsZero() && r.ReviewDate.Before(today) {
			row.ReviewOverdue, row.DaysReviewOverdue = true, daysFrom(r.ReviewDate, today)
		}
		v.Risks = append(v.Risks, row)
	}
	for _, a := range sortedByID(s.Assumptions.All(), func(a Assumption) string { return a.ID }) {
		if !f.keep(a.Status, a.Owner, "") || f.Severity != "" {
			continue
		}
		v.Assumptions = append(v.Assumptions, AssumptionRow{Assumption: a,
			ValidationOverdue: a.Status == "open" && !a.ValidateBy.IsZero() && a.ValidateBy.Before(today)})
	}
	for _, i := range sortedByID(s.Issues.All(), func(i Issue) string { return i.ID }) {
		if !f.keep(i.Status, i.Owner, i.Severity) {
			continue
		}
		row := IssueRow{Issue: i, AgeDays: daysFrom(events.DateOf(i.Raised.Effective), today)}
		if i.Status == "open" && !i.Due.IsZero() && i.Due.Before(today) {
			row.Overdue, row.DaysOverdue = true, daysFrom(i.Due, today)
		}
		v.Issues = append(v.Issues, row)
	}
	for _, d := range sortedByID(s.Dependencies.All(), func(d Dependency) string { return d.ID }) {
		if !f.keep(d.Status, "", "") || f.Owner != "" || f.Severity != "" {
			continue
		}
		v.Dependencies = append(v.Dependencies, DependencyRow{Dependency: d, DaysToNeeded: daysFrom(today, d.NeededBy),
			Late: d.Status != "resolved" && d.NeededBy.Before(today)})
	}
	return v
}

// Risk returns one risk of project id as the RAID log shows it now, without
// computing the whole log.
func (e *Engine) Risk(ctx context.Context, id uuid.UUID, riskID string) (RiskRow, bool, error) {
	var row RiskRow
	var found bool
	err := e.At(ctx, id, Query{}, func(s *State, moment time.Time) error {
		r, ok := s.Risks.Get(riskID)
		if !ok {
			return nil
		}
		found = true
		single := NewState()
		single.Risks.Set(r.ID, r)
		row = RAIDView(single, Query{}, moment, RAIDFilter{}).Risks[0]
		return nil
	})
	return row, found, err
}

// Version returns the stream version of project id now: what a view asked
// now would reflect.
func (e *Engine) Version(ctx context.Context, id uuid.UUID) (uint64, error) {
	lp := e.project(id)
	if err := e.catchUp(ctx, lp); err != nil {
		return 0, err
	}
	lp.mu.RLock()
	defer lp.mu.RUnlock()
	return lp.current.Version, nil
}
