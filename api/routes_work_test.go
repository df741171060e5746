package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

const (
	rtAssumptions  = "/v1/projects/:id/assumptions"
	rtIssues       = "/v1/projects/:id/issues"
	rtDependencies = "/v1/projects/:id/dependencies"
	rtDecisions    = "/v1/projects/:id/decisions"
	rtMeetings     = "/v1/projects/:id/meetings"
	rtActions      = "/v1/projects/:id/actions"
	rtDocuments    = "/v1/projects/:id/documents"
	rtMembers      = "/v1/projects/:id/members"
	rtPhase        = "/v1/projects/:id/phase"
	rtClosure      = "/v1/projects/:id/closure"
	rtReports      = "/v1/projects/:id/reports/status"
)

// rtRAIDSteps work the demo's assumptions, issues and dependencies (A-3
// open; I-3 open; D-3 late).
func rtRAIDSteps() []rtStep {
	a4, i5, d4 := rtP{"assumptionId": "A-4"}, rtP{"issueId": "I-5"}, rtP{"dependencyId": "D-4"}
	return []rtStep{
		{name: "log assumption", role: "contributor", route: rtAssumptions, status: http.StatusCreated, id: "A-4", types: rtT(events.AssumptionLogged{}),
			body: rtB{"text": "Operations accept the hand-over in July", "owner": "sam.okafor@example.com", "validate_by": "2026-07-10"}},
		{name: "validate", role: "contributor", route: rtAssumptions + "/:assumptionId/validation", params: a4, status: http.StatusOK, types: rtT(events.AssumptionValidated{}),
			body: rtB{"note": "confirmed by the operations lead"}},
		{name: "validate refused: not open", role: "contributor", route: rtAssumptions + "/:assumptionId/validation", params: rtP{"assumptionId": "A-1"}, status: http.StatusUnprocessableEntity, rule: "assumption.not_open",
			body: rtB{}},
		{name: "invalidate refused: no reason", role: "contributor", route: rtAssumptions + "/:assumptionId/invalidation", params: rtP{"assumptionId": "A-3"}, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{"note": "took 15 days"}},
		{name: "invalidate", role: "contributor", route: rtAssumptions + "/:assumptionId/invalidation", params: rtP{"assumptionId": "A-3"}, status: http.StatusOK, types: rtT(events.AssumptionInvalidated{}),
			body: rtB{"note": "took 15 days", "reason": "porting took three weeks"}},
		{name: "raise issue", role: "contributor", route: rtIssues, status: http.StatusCreated, id: "I-5", types: rtT(events.IssueRaised{}),
			body: rtB{"title": "Vienna numbers still on the old carrier", "severity": "medium", "owner": "nils.brandt@example.com", "due": "2026-07-03"}},
		{name: "raise issue refused: unknown severity", role: "contributor", route: rtIssues, status: http.StatusUnprocessableEntity, rule: "one_of",
			body: rtB{"title": "x", "severity": "urgent", "owner": "nils"}},
		{name: "update issue", role: "contributor", route: rtIssues + "/:issueId/updates", params: i5, status: http.StatusOK, types: rtT(events.IssueUpdated{}),
			body: rtB{"severity": "high", "note": "the reception line is affected"}},
		{name: "update issue refused: nothing to update", role: "contributor", route: rtIssues + "/:issueId/updates", params: i5, status: http.StatusUnprocessableEntity, rule: "nothing_to_update",
			body: rtB{}},
		{name: "escalate issue refused: a contributor does not escalate", role: "contributor", route: rtIssues + "/:issueId/escalations", params: i5, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"to": "sponsor", "reason": "x"}},
		{name: "escalate issue refused: no reason", role: "coordinator", route: rtIssues + "/:issueId/escalations", params: i5, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{"to": "sponsor"}},
		{name: "escalate issue", role: "coordinator", route: rtIssues + "/:issueId/escalations", params: i5, status: http.StatusOK, types: rtT(events.IssueEscalated{}),
			body: rtB{"to": "NordTel delivery director", "reason": "blocks the closure"}},
		{name: "resolve issue", role: "contributor", route: rtIssues + "/:issueId/resolution", params: i5, status: http.StatusOK, types: rtT(events.IssueResolved{}),
			body: rtB{"resolution": "ported on 2 July"}},
		{name: "resolve issue refused: not open", role: "contributor", route: rtIssues + "/:issueId/resolution", params: i5, status: http.StatusUnprocessableEntity, rule: "issue.not_open",
			body: rtB{"resolution": "again"}},
		{name: "log dependency", role: "contributor", route: rtDependencies, status: http.StatusCreated, id: "D-4", types: rtT(events.DependencyLogged{}),
			body: rtB{"description": "Operations runbook sign-off", "provider": "IT operations", "needed_by": "2026-07-15"}},
		{name: "dependency status", role: "contributor", route: rtDependencies + "/:dependencyId/status", params: d4, status: http.StatusOK, types: rtT(events.DependencyStatusChanged{}),
			body: rtB{"status": "at_risk"}},
		{name: "dependency status refused: unchanged", role: "contributor", route: rtDependencies + "/:dependencyId/status", params: d4, status: http.StatusUnprocessableEntity, rule: "dependency.status_unchanged",
			body: rtB{"status": "at_risk"}},
		{name: "resolve dependency", role: "contributor", route: rtDependencies + "/:dependencyId/resolution", params: d4, status: http.StatusOK, types: rtT(events.DependencyResolved{}),
			body: rtB{"note": "signed"}},
		{name: "resolve dependency refused: resolved already", role: "contributor", route: rtDependencies + "/:dependencyId/resolution", params: d4, status: http.StatusUnprocessableEntity, rule: "dependency.resolved",
			body: rtB{}},
	}
}

func TestRoutesRAID(t *testing.T) {
	f := demoFixture(t)
	project := demo.ProjectID().String()
	rtRun(t, f, project, rtRAIDSteps())

	var raid struct {
		Assumptions []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"assumptions"`
		Issues []struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			Severity string `json:"severity"`
		} `json:"issues"`
		Dependencies []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"dependencies"`
	}
	rtGet(t, f, project, "/raid", &raid)
	status := map[string]string{}
	for _, a := range raid.Assumptions {
		status[a.ID] = a.Status
	}
	for _, i := range raid.Issues {
		status[i.ID] = i.Status + "/" + i.Severity
	}
	for _, d := range raid.Dependencies {
		status[d.ID] = d.Status
	}
	require.Equal(t, "validated", status["A-4"])
	require.Equal(t, "invalidated", status["A-3"])
	require.Equal(t, "resolved/high", status["I-5"])
	require.Equal(t, "resolved", status["D-4"])
}

// rtWorkSteps record decisions, meetings, actions, documents and the team
// on the demo, which is in its closing phase.
func rtWorkSteps() []rtStep {
	ai15, ai18 := rtP{"actionId": "AI-15"}, rtP{"actionId": "AI-18"}
	doc7 := rtP{"documentId": "DOC-7"}
	kim := rtP{"person": "kim.lee@example.com"}
	kimTeams := rtP{"person": "kim.lee@example.com", "system": "Teams admin centre"}
	kimSAP := rtP{"person": "kim.lee@example.com", "system": "SAP/FI"}
	return []rtStep{
		{name: "decide", role: "coordinator", route: rtDecisions, status: http.StatusCreated, id: "DEC-5", types: rtT(events.DecisionRecorded{}, events.DecisionSuperseded{}),
			body: rtB{"title": "Vienna keeps the legacy lines until porting ends", "context": "NordTel missed the porting window",
				"options": []string{"Keep legacy lines", "Force the port"}, "choice": "Keep legacy lines", "rationale": "no outage for reception",
				"decided_by": "helena.schulz@example.com", "supersedes": "DEC-4"}},
		{name: "decide refused: superseded already", role: "coordinator", route: rtDecisions, status: http.StatusUnprocessableEntity, rule: "decision.already_superseded",
			body: rtB{"title": "t", "context": "c", "options": []string{"a", "b"}, "choice": "a", "rationale": "r", "decided_by": "d", "supersedes": "DEC-3"}},
		{name: "decide refused: a contributor does not record decisions", role: "contributor", route: rtDecisions, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"title": "t", "context": "c", "options": []string{"a", "b"}, "choice": "a", "rationale": "r", "decided_by": "d"}},
		{name: "meet", role: "coordinator", route: rtMeetings, status: http.StatusCreated, id: "MTG-", types: rtT(events.MeetingHeld{}, events.ActionItemAdded{}),
			body: rtB{"title": "Closure workshop", "date": "2026-07-01", "attendees": []string{"petra.maier@example.com", "chris.ortega@example.com"},
				"agenda": []string{"Lessons learned"}, "notes": "in the register",
				"actions": []rtB{{"title": "Write the lessons learned", "owner": "petra.maier@example.com", "due": "2026-07-03"}}}},
		{name: "meet refused: an action for a leaver", role: "coordinator", route: rtMeetings, status: http.StatusUnprocessableEntity, rule: "team.member_left",
			body: rtB{"title": "Closure workshop", "date": "2026-07-01", "attendees": []string{"petra.maier@example.com"}, "agenda": []string{"Lessons learned"},
				"actions": []rtB{{"title": "Security sign-off", "owner": "markus.roth@example.com", "due": "2026-07-03"}}}},
		{name: "add action", role: "contributor", route: rtActions, status: http.StatusCreated, id: "AI-", types: rtT(events.ActionItemAdded{}),
			body: rtB{"title": "Archive the project site", "owner": "chris.ortega@example.com", "due": "2026-07-10"}},
		{name: "add action refused: not on the team", role: "contributor", route: rtActions, status: http.StatusUnprocessableEntity, rule: "team.not_a_member",
			body: rtB{"title": "Archive", "owner": "nobody@example.com", "due": "2026-07-10"}},
		{name: "update action", role: "contributor", route: rtActions + "/:actionId/updates", params: ai15, status: http.StatusOK, types: rtT(events.ActionItemUpdated{}),
			body: rtB{"due": "2026-07-03", "note": "booked for the last week"}},
		{name: "complete action", role: "contributor", route: rtActions + "/:actionId/completion", params: ai15, status: http.StatusOK, types: rtT(events.ActionItemDone{}),
			body: rtB{"note": "done"}},
		{name: "complete action refused: done already", role: "contributor", route: rtActions + "/:actionId/completion", params: ai15, status: http.StatusUnprocessableEntity, rule: "action.not_open",
			body: rtB{}},
		{name: "cancel action refused: no reason", role: "contributor", route: rtActions + "/:actionId/cancellation", params: ai18, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{}},
		{name: "cancel action", role: "contributor", route: rtActions + "/:actionId/cancellation", params: ai18, status: http.StatusOK, types: rtT(events.ActionItemCancelled{}),
			body: rtB{"reason": "the runbook was replaced"}},
		{name: "register document", role: "contributor", route: rtDocuments, status: http.StatusCreated, id: "DOC-7", types: rtT(events.DocumentRegistered{}),
			body: rtB{"doc_type": "architecture", "title": "Operations hand-over", "version": "1.0", "location": "https://sharepoint.example.com/tpm/handover-v1.0.docx",
				"content_hash": strings.Repeat("a", 64)}},
		{name: "register document refused: unknown type", role: "contributor", route: rtDocuments, status: http.StatusUnprocessableEntity, rule: "document.unknown_type",
			body: rtB{"doc_type": "poem", "title": "x", "version": "1.0", "location": "x", "content_hash": strings.Repeat("a", 64)}},
		{name: "add version", role: "contributor", route: rtDocuments + "/:documentId/versions", params: doc7, status: http.StatusCreated, id: "1.1", types: rtT(events.DocumentVersionAdded{}),
			body: rtB{"version": "1.1", "location": "https://sharepoint.example.com/tpm/handover-v1.1.docx", "content_hash": strings.Repeat("b", 64)}},
		{name: "add version refused: same content", role: "contributor", route: rtDocuments + "/:documentId/versions", params: doc7, status: http.StatusUnprocessableEntity, rule: "document.content_unchanged",
			body: rtB{"version": "1.2", "location": "x", "content_hash": strings.Repeat("b", 64)}},
		{name: "approve document refused: a coordinator does not approve", role: "coordinator", route: rtDocuments + "/:documentId/approval", params: doc7, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"version": "1.1", "approved_by": "petra.maier@example.com"}},
		{name: "approve document", role: "pm", route: rtDocuments + "/:documentId/approval", params: doc7, status: http.StatusOK, types: rtT(events.DocumentApproved{}),
			body: rtB{"version": "1.1", "approved_by": "petra.maier@example.com"}},
		{name: "approve document refused: no such version", role: "pm", route: rtDocuments + "/:documentId/approval", params: doc7, status: http.StatusNotFound, rule: "document.version_not_found",
			body: rtB{"version": "3.0", "approved_by": "petra.maier@example.com"}},
		{name: "retire document", role: "contributor", route: rtDocuments + "/:documentId/retirement", params: rtP{"documentId": "DOC-5"}, status: http.StatusOK, types: rtT(events.DocumentRetired{}),
			body: rtB{"reason": "CR-1 is implemented"}},
		{name: "retire document refused: retired already", role: "contributor", route: rtDocuments + "/:documentId/retirement", params: rtP{"documentId": "DOC-3"}, status: http.StatusUnprocessableEntity, rule: "document.retired",
			body: rtB{"reason": "x"}},
		{name: "join", role: "coordinator", route: rtMembers, status: http.StatusCreated, id: "kim.lee@example.com", types: rtT(events.MemberJoined{}),
			body: rtB{"person": "kim.lee@example.com", "name": "Kim Lee", "role": "Operations engineer"}},
		{name: "join refused: a contributor does not staff the team", role: "contributor", route: rtMembers, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"person": "x@example.com", "name": "X", "role": "Y"}},
		{name: "request access", role: "coordinator", route: rtMembers + "/:person/access-requests", params: kim, status: http.StatusOK, types: rtT(events.AccessRequested{}),
			body: rtB{"system": "Teams admin centre", "level": "reader"}},
		{name: "request access refused: requested already", role: "coordinator", route: rtMembers + "/:person/access-requests", params: kim, status: http.StatusUnprocessableEntity, rule: "team.access_already_requested",
			body: rtB{"system": "Teams admin centre", "level": "reader"}},
		{name: "provision access", role: "coordinator", route: rtMembers + "/:person/access/:system/provisioning", params: kimTeams, status: http.StatusOK, types: rtT(events.AccessProvisioned{}),
			body: rtB{}},
		{name: "leave refused: access still provisioned", role: "coordinator", route: rtMembers + "/:person/departure", params: kim, status: http.StatusUnprocessableEntity, rule: "team.access_still_provisioned",
			body: rtB{}},
		{name: "revoke access refused: no reason", role: "coordinator", route: rtMembers + "/:person/access/:system/revocation", params: kimTeams, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{}},
		{name: "revoke access", role: "coordinator", route: rtMembers + "/:person/access/:system/revocation", params: kimTeams, status: http.StatusOK, types: rtT(events.AccessRevoked{}),
			body: rtB{"reason": "hand-over done"}},
		{name: "request access to a system with a slash", role: "coordinator", route: rtMembers + "/:person/access-requests", params: kim, status: http.StatusOK,
			body: rtB{"system": "SAP/FI", "level": "display"}},
		{name: "provision access to a system with a slash", role: "coordinator", route: rtMembers + "/:person/access/:system/provisioning", params: kimSAP, status: http.StatusOK,
			body: rtB{}},
		{name: "revoke access to a system with a slash", role: "coordinator", route: rtMembers + "/:person/access/:system/revocation", params: kimSAP, status: http.StatusOK,
			body: rtB{"reason": "hand-over done"}},
		{name: "leave", role: "coordinator", route: rtMembers + "/:person/departure", params: kim, status: http.StatusOK, types: rtT(events.MemberLeft{}),
			body: rtB{}},
		{name: "leave refused: left already", role: "coordinator", route: rtMembers + "/:person/departure", params: rtP{"person": "markus.roth@example.com"}, status: http.StatusUnprocessableEntity, rule: "team.member_left",
			body: rtB{}},
		{name: "publish the ledger's report", role: "coordinator", route: rtReports, status: http.StatusCreated, id: "SR-3", types: rtT(events.StatusReportPublished{}),
			body: rtB{"period_from": "2026-06-15", "period_to": "2026-06-30", "summary": "Both waves live; closing."}},
		{name: "publish a written report", role: "pm", route: rtReports, status: http.StatusCreated, id: "SR-4",
			body: rtB{"period_from": "2026-06-15", "period_to": "2026-06-30", "as_of_position": 1, "summary": "by hand", "markdown": "# TPM\n\nclosing",
				"rag": rtB{"scope": "green", "schedule": "amber"}}},
		{name: "publish refused: period backwards", role: "pm", route: rtReports, status: http.StatusUnprocessableEntity, rule: "after_period_from",
			body: rtB{"period_from": "2026-06-30", "period_to": "2026-06-15", "as_of_position": 1, "summary": "s", "markdown": "m"}},
		{name: "publish refused: unknown colour", role: "pm", route: rtReports, status: http.StatusUnprocessableEntity, rule: "one_of",
			body: rtB{"period_from": "2026-06-15", "period_to": "2026-06-30", "as_of_position": 1, "summary": "s", "markdown": "m", "rag": rtB{"scope": "blue"}}},
		{name: "phase back refused: no reason", role: "pm", route: rtPhase, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{"phase": "execution"}},
		{name: "phase refused: a coordinator does not move phases", role: "coordinator", route: rtPhase, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"phase": "execution", "reason": "x"}},
		{name: "close refused: items still open", role: "pm", route: rtClosure, status: http.StatusUnprocessableEntity, rule: "project.open_items",
			body: rtB{"outcome": "delivered", "lessons_learned": []string{"carriers slip"}}},
	}
}

func TestRoutesWork(t *testing.T) {
	f := demoFixture(t)
	project := demo.ProjectID().String()
	w := rtRun(t, f, project, rtWorkSteps())

	meeting := rtEvent(t, w["meet"], 1)["data"].(map[string]any)
	require.Equal(t, w["meet"].ID, meeting["meeting_id"], "the meeting's actions name it")
	report := rtEvent(t, w["publish the ledger's report"], 0)["data"].(map[string]any)
	require.Contains(t, report["markdown"], "TPM")
	require.Equal(t, "Both waves live; closing.", report["summary"])
	require.NotZero(t, report["as_of_position"])
	require.Len(t, report["rag"], 5, "the ledger's colours for every area")
	require.Equal(t, "2026-06-15", report["period_from"])

	var decisions struct {
		Decisions []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"decisions"`
	}
	rtGet(t, f, project, "/decisions", &decisions)
	require.Equal(t, "superseded", decisions.Decisions[3].Status)
	require.Equal(t, "DEC-5", decisions.Decisions[4].ID)

	var actions struct {
		All []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"all"`
	}
	rtGet(t, f, project, "/actions", &actions)
	status := map[string]string{}
	for _, a := range actions.All {
		status[a.ID] = a.Status
	}
	require.Equal(t, "done", status["AI-15"])
	require.Equal(t, "cancelled", status["AI-18"])
	require.Equal(t, "open", status[w["add action"].ID])

	var docs struct {
		Documents []struct {
			ID              string `json:"id"`
			Ref             string `json:"ref"`
			ApprovedVersion string `json:"approved_version"`
			Status          string `json:"status"`
		} `json:"documents"`
	}
	rtGet(t, f, project, "/documents", &docs)
	byID := map[string]string{}
	for _, d := range docs.Documents {
		byID[d.ID] = d.Ref + " " + d.ApprovedVersion + " " + d.Status
	}
	require.Equal(t, "TPM-ARC-002 1.1 current", byID["DOC-7"])
	require.Equal(t, "TPM-CRQ-001  retired", byID["DOC-5"])

	var team struct {
		Members []struct {
			Person string `json:"person"`
			Status string `json:"status"`
			Access []struct {
				System string `json:"system"`
				State  string `json:"state"`
			} `json:"access"`
		} `json:"members"`
	}
	rtGet(t, f, project, "/team", &team)
	var kim []string
	for _, m := range team.Members {
		if m.Person == "kim.lee@example.com" {
			kim = append(kim, m.Status)
			for _, a := range m.Access {
				kim = append(kim, a.System+": "+a.State)
			}
		}
	}
	require.Equal(t, []string{"left", "SAP/FI: revoked", "Teams admin centre: revoked"}, kim)
}

// rtLifecycleSteps take a fresh project through its phases to closure.
func rtLifecycleSteps() []rtStep {
	return []rtStep{
		{name: "plan", role: "pm", route: rtPhase, status: http.StatusOK, types: rtT(events.ProjectPhaseChanged{}), body: rtB{"phase": "planning"}},
		{name: "phase refused: skipped", role: "pm", route: rtPhase, status: http.StatusUnprocessableEntity, rule: "phase.skipped", body: rtB{"phase": "closing"}},
		{name: "execute", role: "pm", route: rtPhase, status: http.StatusOK, body: rtB{"phase": "execution"}},
		{name: "close refused: not closing", role: "pm", route: rtClosure, status: http.StatusUnprocessableEntity, rule: "project.not_closing",
			body: rtB{"outcome": "delivered", "lessons_learned": []string{"plan less"}}},
		{name: "wind down", role: "admin", route: rtPhase, status: http.StatusOK, body: rtB{"phase": "closing"}},
		{name: "close refused: no lessons", role: "pm", route: rtClosure, status: http.StatusUnprocessableEntity, rule: "required", body: rtB{"outcome": "delivered"}},
		{name: "close", role: "pm", route: rtClosure, status: http.StatusOK, types: rtT(events.ProjectClosed{}),
			body: rtB{"outcome": "delivered on time", "lessons_learned": []string{"book carriers early"}}},
		{name: "nothing after closure", role: "contributor", route: rtIssues, status: http.StatusUnprocessableEntity, rule: "project.closed",
			body: rtB{"title": "late", "severity": "low", "owner": "x"}},
	}
}

func TestRoutesProjectLifecycle(t *testing.T) {
	f := newFixture(t)
	project := rtCharter(t, f)
	rtRun(t, f, project, rtLifecycleSteps())
}
