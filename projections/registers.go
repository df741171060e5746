package projections

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// The registers: decisions, change requests, actions, documents and the
// team, each a view of the project at a moment.

// Decisions is the decision log.
type Decisions struct {
	Header
	Decisions []DecisionRow `json:"decisions"`
}

// DecisionRow is a decision with whether it still stands.
type DecisionRow struct {
	Decision
	Status string `json:"status"` // active, superseded
}

// DecisionsView computes the decision log of s at moment.
func DecisionsView(s *State, q Query, moment time.Time) Decisions {
	v := Decisions{Header: header(s, q, moment), Decisions: []DecisionRow{}}
	for _, d := range sortedByID(s.Decisions.All(), func(d Decision) string { return d.ID }) {
		status := "active"
		if d.SupersededBy != "" {
			status = "superseded"
		}
		v.Decisions = append(v.Decisions, DecisionRow{Decision: d, Status: status})
	}
	return v
}

// Changes is the change-request register.
type Changes struct {
	Header
	Changes []ChangeRow `json:"changes"`
}

// ChangeRow is a change request with how long it was (or has been) open.
type ChangeRow struct {
	ChangeRequest
	DaysOpen int `json:"days_open"` // effective submission to decision, or to today while undecided
}

// ChangesView computes the change-request register of s at moment.
func ChangesView(s *State, q Query, moment time.Time) Changes {
	today := events.DateOf(moment)
	v := Changes{Header: header(s, q, moment), Changes: []ChangeRow{}}
	for _, c := range sortedByID(s.Changes.All(), func(c ChangeRequest) string { return c.ID }) {
		end := today
		if c.Decided != nil {
			end = events.DateOf(c.Decided.Effective)
		}
		v.Changes = append(v.Changes, ChangeRow{ChangeRequest: c, DaysOpen: max(0, daysFrom(events.DateOf(c.Submitted.Effective), end))})
	}
	return v
}

// Actions is the action register: what is open, who is behind, and
// everything.
type Actions struct {
	Header
	Open           []ActionRow         `json:"open"`
	OverdueByOwner map[string][]string `json:"overdue_by_owner"` // owner → overdue action ids
	All            []ActionRow         `json:"all"`
}

// ActionRow is an action item with its lateness for the moment.
type ActionRow struct {
	Action
	Overdue     bool `json:"overdue"` // open and due before today
	DaysOverdue int  `json:"days_overdue,omitempty"`
	OwnerLeft   bool `json:"owner_left,omitempty"` // the owner has left the team
}

// ActionsView computes the action register of s at moment.
func ActionsView(s *State, q Query, moment time.Time) Actions {
	today := events.DateOf(moment)
	v := Actions{Header: header(s, q, moment), Open: []ActionRow{}, OverdueByOwner: map[string][]string{}, All: []ActionRow{}}
	for _, a := range sortedByID(s.Actions.All(), func(a Action) string { return a.ID }) {
		row := ActionRow{Action: a}
		if a.Status == "open" {
			if !a.Due.IsZero() && a.Due.Before(today) {
				row.Overdue, row.DaysOverdue = true, daysFrom(a.Due, today)
				v.OverdueByOwner[a.Owner] = append(v.OverdueByOwner[a.Owner], a.ID)
			}
			if m, ok := s.Members.Get(a.Owner); ok && m.Left {
				row.OwnerLeft = true
			}
			v.Open = append(v.Open, row)
		}
		v.All = append(v.All, row)
	}
	return v
}

// Documents is the documents register.
type Documents struct {
	Header
	Documents []DocumentRow `json:"documents"`
}

// DocumentRow is a document with its latest and latest approved versions.
type DocumentRow struct {
	Document
	LatestVersion   string `json:"latest_version"`
	ApprovedVersion string `json:"approved_version"` // the latest approved version, "" if none
	ApprovedBy      string `json:"approved_by,omitempty"`
	LatestApproved  bool   `json:"latest_approved"` // the latest version is approved
	Status          string `json:"status"`          // current, retired
}

// DocumentsView computes the documents register of s at moment, ordered
// by reference (TPM-ARC-001 …).
func DocumentsView(s *State, q Query, moment time.Time) Documents {
	v := Documents{Header: header(s, q, moment), Documents: []DocumentRow{}}
	docs := sortedByID(s.Documents.All(), func(d Document) string { return d.ID })
	slices.SortStableFunc(docs, func(a, b Document) int { return CompareIDs(a.Ref, b.Ref) })
	for _, d := range docs {
		row := DocumentRow{Document: d, Status: "current"}
		if d.Retired {
			row.Status = "retired"
		}
		if n := len(d.Versions); n > 0 {
			row.LatestVersion = d.Versions[n-1].Version
			row.LatestApproved = d.Versions[n-1].ApprovedBy != ""
		}
		for _, ver := range slices.Backward(d.Versions) {
			if ver.ApprovedBy != "" {
				row.ApprovedVersion, row.ApprovedBy = ver.Version, ver.ApprovedBy
				break
			}
		}
		v.Documents = append(v.Documents, row)
	}
	return v
}

// Team is the team register with each member's system access.
type Team struct {
	Header
	Members []MemberRow `json:"members"`
}

// MemberRow is a team member with their access as a sorted list.
type MemberRow struct {
	Member
	Status string      `json:"status"` // member, left
	Access []AccessRow `json:"access"` // by system; replaces the member's access map
}

// AccessRow is a member's access to one system.
type AccessRow struct {
	System string `json:"system"`
	State  string `json:"state"` // requested, provisioned, revoked
}

// TeamView computes the team of s at moment, ordered by person.
func TeamView(s *State, q Query, moment time.Time) Team {
	v := Team{Header: header(s, q, moment), Members: []MemberRow{}}
	people := make([]string, 0, s.Members.Len())
	for p := range s.Members.All() {
		people = append(people, p)
	}
	slices.Sort(people)
	for _, p := range people {
		m, _ := s.Members.Get(p)
		if m.Person == "" {
			m.Person = p
		}
		row := MemberRow{Member: m, Status: "member", Access: []AccessRow{}}
		if m.Left {
			row.Status = "left"
		}
		for system, state := range m.Access {
			row.Access = append(row.Access, AccessRow{System: system, State: state})
		}
		slices.SortFunc(row.Access, func(a, b AccessRow) int { return cmp.Compare(a.System, b.System) })
		v.Members = append(v.Members, row)
	}
	return v
}

// Decisions returns the decision log of project id as q asks.
func (e *Engine) Decisions(ctx context.Context, id uuid.UUID, q Query) (Decisions, error) {
	return view(ctx, e, id, q, func(s *State, m time.Time) Decisions { return DecisionsView(s, q, m) })
}

// Changes returns the change-request register of project id as q asks.
func (e *Engine) Changes(ctx context.Context, id uuid.UUID, q Query) (Changes, error) {
	return view(ctx, e, id, q, func(s *State, m time.Time) Changes { return ChangesView(s, q, m) })
}

// Actions returns the action register of project id as q asks.
func (e *Engine) Actions(ctx context.Context, id uuid.UUID, q Query) (Actions, error) {
	return view(ctx, e, id, q, func(s *State, m time.Time) Actions { return ActionsView(s, q, m) })
}

// Documents returns the documents register of project id as q asks.
func (e *Engine) Documents(ctx context.Context, id uuid.UUID, q Query) (Documents, error) {
	return view(ctx, e, id, q, func(s *State, m time.Time) Documents { return DocumentsView(s, q, m) })
}

// Team returns the team of project id as q asks.
func (e *Engine) Team(ctx context.Context, id uuid.UUID, q Query) (Team, error) {
	return view(ctx, e, id, q, func(s *State, m time.Time) Team { return TeamView(s, q, m) })
}
