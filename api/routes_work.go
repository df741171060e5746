package api

import (
	"net/http"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
)

// NoteRequest moves an item on with an optional note.
type NoteRequest struct {
	Write
	Note string `json:"note,omitempty"`
}

// AssumptionRequest logs an assumption to validate.
type AssumptionRequest struct {
	Write
	Text       string      `json:"text"`
	Owner      string      `json:"owner"`
	ValidateBy events.Date `json:"validate_by,omitzero"`
}

// IssueRequest raises an issue.
type IssueRequest struct {
	Write
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Severity    string      `json:"severity"` // low, medium, high, critical
	Owner       string      `json:"owner"`
	Due         events.Date `json:"due,omitzero"`
}

// IssueUpdateRequest changes an open issue's severity, owner or due date,
// or records a note; omitted fields are unchanged.
type IssueUpdateRequest struct {
	Write
	Severity string      `json:"severity,omitempty"`
	Owner    string      `json:"owner,omitempty"`
	Due      events.Date `json:"due,omitzero"`
	Note     string      `json:"note,omitempty"`
}

// DependencyRequest logs something the project needs from a provider.
type DependencyRequest struct {
	Write
	Description string      `json:"description"`
	Provider    string      `json:"provider"`
	NeededBy    events.Date `json:"needed_by"`
}

// DependencyStatusRequest records a dependency's new status.
type DependencyStatusRequest struct {
	Write
	Status string `json:"status"` // on_track, at_risk, late
}

// DecisionRequest records a decision and the events it rests on.
type DecisionRequest struct {
	Write
	Title      string   `json:"title"`
	Context    string   `json:"context"`
	Options    []string `json:"options"`
	Choice     string   `json:"choice"`
	Rationale  string   `json:"rationale"`
	DecidedBy  string   `json:"decided_by"`
	RestsOn    []string `json:"rests_on,omitempty"`   // event ids of this project
	Supersedes string   `json:"supersedes,omitempty"` // an earlier decision's id
	MeetingID  string   `json:"meeting_id,omitempty"`
}

// MeetingAction is an action item agreed in a meeting.
type MeetingAction struct {
	Title string      `json:"title"`
	Owner string      `json:"owner"`
	Due   events.Date `json:"due"`
}

// MeetingRequest records a meeting with the actions agreed in it.
type MeetingRequest struct {
	Write
	Title     string          `json:"title"`
	Date      events.Date     `json:"date"`
	Attendees []string        `json:"attendees"`
	Agenda    []string        `json:"agenda"`
	Notes     string          `json:"notes,omitempty"`
	Actions   []MeetingAction `json:"actions,omitempty"`
}

// ActionRequest assigns an action item to a team member.
type ActionRequest struct {
	Write
	Title     string      `json:"title"`
	Owner     string      `json:"owner"`
	Due       events.Date `json:"due"`
	MeetingID string      `json:"meeting_id,omitempty"`
}

// ActionUpdateRequest hands an open action to another owner, moves its due
// date or records a note; omitted fields are unchanged.
type ActionUpdateRequest struct {
	Write
	Owner string      `json:"owner,omitempty"`
	Due   events.Date `json:"due,omitzero"`
	Note  string      `json:"note,omitempty"`
}

// DocumentRequest registers a document; its ref follows the naming
// convention (TPM-ARC-001).
type DocumentRequest struct {
	Write
	DocType     string `json:"doc_type"`
	Title       string `json:"title"`
	Version     string `json:"version"`
	Location    string `json:"location"`
	ContentHash string `json:"content_hash"` // SHA-256, 64 lower-case hex digits
}

// DocumentVersionRequest records a new version of a document.
type DocumentVersionRequest struct {
	Write
	Version     string `json:"version"`
	Location    string `json:"location"`
	ContentHash string `json:"content_hash"`
}

// DocumentApprovalRequest approves one version of a document.
type DocumentApprovalRequest struct {
	Write
	Version    string `json:"version"`
	ApprovedBy string `json:"approved_by"`
}

// MemberRequest adds a person to the project team.
type MemberRequest struct {
	Write
	Person string `json:"person"` // e-mail address
	Name   string `json:"name"`
	Role   string `json:"role"` // the role on the project, not a pledger role
}

// AccessRequest asks for a member's access to a system.
type AccessRequest struct {
	Write
	System string `json:"system"`
	Level  string `json:"level"`
}

// PhaseRequest moves the project to another phase (back needs a reason).
type PhaseRequest struct {
	Write
	Phase string `json:"phase"` // initiation, planning, execution, closing
}

// ProjectClosureRequest closes the project with its lessons learned.
type ProjectClosureRequest struct {
	Write
	Outcome        string   `json:"outcome"`
	LessonsLearned []string `json:"lessons_learned"`
}

// StatusReportRequest publishes a status report. Without markdown, the
// server renders the report the ledger gives for the period as of
// as_of_position (default: now) and fills in what is omitted: the period
// (the two weeks to today), the position, the RAG colours and the summary.
// With markdown, it is published as sent and every field is required.
type StatusReportRequest struct {
	Write
	PeriodFrom events.Date       `json:"period_from,omitzero"`
	PeriodTo   events.Date       `json:"period_to,omitzero"`
	AsOf       uint64            `json:"as_of_position,omitempty"`
	RAG        map[string]string `json:"rag,omitempty"`
	Summary    string            `json:"summary,omitempty"`
	Markdown   string            `json:"markdown,omitempty"`
}

// raidMoreRoutes are the RAID log's assumptions, issues and dependencies
// (risks are in raidRoutes).
func (s *Server) raidMoreRoutes() []Route {
	const base = "/v1/projects/:id"
	const assumption = base + "/assumptions/:assumptionId"
	const issue = base + "/issues/:issueId"
	const dependency = base + "/dependencies/:dependencyId"
	return []Route{
		command(base+"/assumptions", "Log an assumption", workers, http.StatusCreated, "assumption_id", func(cl *call, r AssumptionRequest) aggregates.ProjectCommand {
			return aggregates.LogAssumption{Text: r.Text, Owner: r.Owner, ValidateBy: r.ValidateBy}
		}),
		command(assumption+"/validation", "Confirm an assumption", workers, http.StatusOK, "", func(cl *call, r NoteRequest) aggregates.ProjectCommand {
			return aggregates.ValidateAssumption{AssumptionID: cl.Param("assumptionId"), Note: r.Note}
		}),
		command(assumption+"/invalidation", "Record that an assumption was false (reason required)", workers, http.StatusOK, "", func(cl *call, r NoteRequest) aggregates.ProjectCommand {
			return aggregates.InvalidateAssumption{AssumptionID: cl.Param("assumptionId"), Note: r.Note}
		}),
		command(base+"/issues", "Raise an issue", workers, http.StatusCreated, "issue_id", func(cl *call, r IssueRequest) aggregates.ProjectCommand {
			return aggregates.RaiseIssue{Title: r.Title, Description: r.Description, Severity: r.Severity, Owner: r.Owner, Due: r.Due}
		}),
		command(issue+"/updates", "Change an issue's severity, owner or due date, or add a note", workers, http.StatusOK, "", func(cl *call, r IssueUpdateRequest) aggregates.ProjectCommand {
			return aggregates.UpdateIssue{IssueID: cl.Param("issueId"), Severity: r.Severity, Owner: r.Owner, Due: r.Due, Note: r.Note}
		}),
		command(issue+"/escalations", "Escalate an issue (reason required)", writers, http.StatusOK, "", func(cl *call, r EscalationRequest) aggregates.ProjectCommand {
			return aggregates.EscalateIssue{IssueID: cl.Param("issueId"), To: r.To}
		}),
		command(issue+"/resolution", "Resolve an issue", workers, http.StatusOK, "", func(cl *call, r ClosureRequest) aggregates.ProjectCommand {
			return aggregates.ResolveIssue{IssueID: cl.Param("issueId"), Resolution: r.Resolution}
		}),
		command(base+"/dependencies", "Log a dependency", workers, http.StatusCreated, "dependency_id", func(cl *call, r DependencyRequest) aggregates.ProjectCommand {
			return aggregates.LogDependency{Description: r.Description, Provider: r.Provider, NeededBy: r.NeededBy}
		}),
		command(dependency+"/status", "Record a dependency's new status", workers, http.StatusOK, "", func(cl *call, r DependencyStatusRequest) aggregates.ProjectCommand {
			return aggregates.ChangeDependencyStatus{DependencyID: cl.Param("dependencyId"), Status: r.Status}
		}),
		command(dependency+"/resolution", "Record that a dependency was delivered", workers, http.StatusOK, "", func(cl *call, r NoteRequest) aggregates.ProjectCommand {
			return aggregates.ResolveDependency{DependencyID: cl.Param("dependencyId"), Note: r.Note}
		}),
	}
}

// workRoutes are decisions, meetings, actions, documents, the team, the
// project's phase and closure, and published status reports.
func (s *Server) workRoutes() []Route {
	const base = "/v1/projects/:id"
	const action = base + "/actions/:actionId"
	const document = base + "/documents/:documentId"
	const member = base + "/members/:person"
	return []Route{
		command(base+"/decisions", "Record a decision", writers, http.StatusCreated, "decision_id", func(cl *call, r DecisionRequest) aggregates.ProjectCommand {
			return aggregates.RecordDecision{Title: r.Title, Context: r.Context, Options: r.Options, Choice: r.Choice, Rationale: r.Rationale,
				DecidedBy: r.DecidedBy, RestsOn: r.RestsOn, Supersedes: r.Supersedes, MeetingID: r.MeetingID}
		}),
		command(base+"/meetings", "Record a meeting and the actions agreed in it", writers, http.StatusCreated, "meeting_id", func(cl *call, r MeetingRequest) aggregates.ProjectCommand {
			actions := make([]aggregates.NewAction, len(r.Actions))
			for i, a := range r.Actions {
				actions[i] = aggregates.NewAction{Title: a.Title, Owner: a.Owner, Due: a.Due}
			}
			return aggregates.HoldMeeting{Title: r.Title, Date: r.Date, Attendees: r.Attendees, Agenda: r.Agenda, Notes: r.Notes, Actions: actions}
		}),
		command(base+"/actions", "Assign an action item", workers, http.StatusCreated, "action_id", func(cl *call, r ActionRequest) aggregates.ProjectCommand {
			return aggregates.AddAction{Title: r.Title, Owner: r.Owner, Due: r.Due, MeetingID: r.MeetingID}
		}),
		command(action+"/updates", "Hand an action over, move its due date or add a note", workers, http.StatusOK, "", func(cl *call, r ActionUpdateRequest) aggregates.ProjectCommand {
			return aggregates.UpdateAction{ActionID: cl.Param("actionId"), Owner: r.Owner, Due: r.Due, Note: r.Note}
		}),
		command(action+"/completion", "Close an action as done", workers, http.StatusOK, "", func(cl *call, r NoteRequest) aggregates.ProjectCommand {
			return aggregates.CompleteAction{ActionID: cl.Param("actionId"), Note: r.Note}
		}),
		command(action+"/cancellation", "Cancel an action (reason required)", workers, http.StatusOK, "", func(cl *call, _ Write) aggregates.ProjectCommand {
			return aggregates.CancelAction{ActionID: cl.Param("actionId")}
		}),
		command(base+"/documents", "Register a document", workers, http.StatusCreated, "document_id", func(cl *call, r DocumentRequest) aggregates.ProjectCommand {
			return aggregates.RegisterDocument{DocType: r.DocType, Title: r.Title, Version: r.Version, Location: r.Location, ContentHash: r.ContentHash}
		}),
		command(document+"/versions", "Add a version of a document", workers, http.StatusCreated, "version", func(cl *call, r DocumentVersionRequest) aggregates.ProjectCommand {
			return aggregates.AddDocumentVersion{DocumentID: cl.Param("documentId"), Version: r.Version, Location: r.Location, ContentHash: r.ContentHash}
		}),
		command(document+"/approval", "Approve a version of a document", deciders, http.StatusOK, "", func(cl *call, r DocumentApprovalRequest) aggregates.ProjectCommand {
			return aggregates.ApproveDocument{DocumentID: cl.Param("documentId"), Version: r.Version, ApprovedBy: r.ApprovedBy}
		}),
		command(document+"/retirement", "Retire a document (reason required)", workers, http.StatusOK, "", func(cl *call, _ Write) aggregates.ProjectCommand {
			return aggregates.RetireDocument{DocumentID: cl.Param("documentId")}
		}),
		command(base+"/members", "Add a person to the project team", writers, http.StatusCreated, "person", func(cl *call, r MemberRequest) aggregates.ProjectCommand {
			return aggregates.JoinMember{Person: r.Person, Name: r.Name, Role: r.Role}
		}),
		command(member+"/access-requests", "Request a member's access to a system", writers, http.StatusOK, "", func(cl *call, r AccessRequest) aggregates.ProjectCommand {
			return aggregates.RequestAccess{Person: cl.unescapedParam("person"), System: r.System, Level: r.Level}
		}),
		command(member+"/access/:system/provisioning", "Record that requested access was granted", writers, http.StatusOK, "", func(cl *call, _ Write) aggregates.ProjectCommand {
			return aggregates.ProvisionAccess{Person: cl.unescapedParam("person"), System: cl.unescapedParam("system")}
		}),
		command(member+"/access/:system/revocation", "Revoke a member's access (reason required)", writers, http.StatusOK, "", func(cl *call, _ Write) aggregates.ProjectCommand {
			return aggregates.RevokeAccess{Person: cl.unescapedParam("person"), System: cl.unescapedParam("system")}
		}),
		command(member+"/departure", "A member leaves the team (their access revoked first)", writers, http.StatusOK, "", func(cl *call, _ Write) aggregates.ProjectCommand {
			return aggregates.LeaveMember{Person: cl.unescapedParam("person")}
		}),
		command(base+"/phase", "Move the project to the next phase (back needs a reason)", deciders, http.StatusOK, "", func(cl *call, r PhaseRequest) aggregates.ProjectCommand {
			return aggregates.ChangePhase{Phase: r.Phase}
		}),
		command(base+"/closure", "Close the project with its lessons learned", deciders, http.StatusOK, "", func(cl *call, r ProjectClosureRequest) aggregates.ProjectCommand {
			return aggregates.CloseProject{Outcome: r.Outcome, LessonsLearned: r.LessonsLearned}
		}),
		{Method: http.MethodPost, Path: base + "/reports/status", Summary: "Publish a status report (omit markdown to publish what the ledger gives)", Roles: writers,
			Request: StatusReportRequest{}, Response: Written{}, Status: http.StatusCreated, handle: s.publishReport},
	}
}

// publishReport publishes a status report as sent, or as the ledger renders
// it.
func (s *Server) publishReport(cl *call) error {
	var r StatusReportRequest
	if err := cl.decode(&r); err != nil {
		return err
	}
	cmd := aggregates.PublishStatusReport{PeriodFrom: r.PeriodFrom, PeriodTo: r.PeriodTo, AsOf: r.AsOf, RAG: r.RAG, Summary: r.Summary, Markdown: r.Markdown}
	if r.Markdown == "" {
		to := r.PeriodTo
		if to.IsZero() {
			to = events.DateOf(s.cfg.Clock())
		}
		from := r.PeriodFrom
		if from.IsZero() {
			from = to.AddDays(-13)
		}
		rep, err := s.engine.StatusReport(cl.Request().Context(), cl.project, projections.Query{AsOf: projections.Bound{Position: r.AsOf}}, from, to)
		if err != nil {
			return err
		}
		cmd.PeriodFrom, cmd.PeriodTo, cmd.Markdown = from, to, rep.Markdown()
		if cmd.AsOf == 0 {
			cmd.AsOf = rep.Position
		}
		if cmd.RAG == nil {
			cmd.RAG = rep.RAGMap()
		}
		if cmd.Summary == "" {
			cmd.Summary = rep.Summary
		}
	}
	return cl.exec(cmd, r.Write, "report_id")
}
