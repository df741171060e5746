package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// ErrNoSuchItem is returned when no event (as of the question) names the
// item asked about.
var ErrNoSuchItem = errorString("projections: no such item")

// History is every event that touched one item, oldest first.
type History struct {
	Header
	Item   string         `json:"item"`            // the id asked about: R-1, CR-1, DL-2, INV-3, an e-mail…
	Kind   string         `json:"kind,omitempty"`  // what the item is as of the bound (risk, deliverable…), if it is one
	Title  string         `json:"title,omitempty"` // its title as of the bound
	Events []HistoryEntry `json:"events"`
}

// HistoryEntry is one event of an item's history.
type HistoryEntry struct {
	EventSummary
	MatchedOn []string `json:"matched_on"` // the payload fields that name the item, e.g. cr_id or deliverables_changed[0].deliverable_id
}

// EventSummary is an event as the explaining views show it: its envelope's
// audit fields and a one-line summary of its payload.
type EventSummary struct {
	EventID     uuid.UUID `json:"event_id"`
	Position    uint64    `json:"position"`
	Version     uint64    `json:"version"`
	Type        string    `json:"type"`
	RecordedAt  time.Time `json:"recorded_at"`
	EffectiveAt time.Time `json:"effective_at"`
	Actor       string    `json:"actor"`
	Reason      string    `json:"reason,omitempty"`
	Summary     string    `json:"summary"`
}

func eventSummary(r Record) EventSummary {
	return EventSummary{EventID: r.ID, Position: r.Position, Version: r.Version, Type: r.Type,
		RecordedAt: r.RecordedAt.UTC(), EffectiveAt: r.EffectiveAt.UTC(), Actor: r.Actor, Reason: r.Reason, Summary: oneLine(r)}
}

// History returns every event of project id, as of asOf, that touched
// itemID. An event namesItem an item when its payload names it: a top-level
// field equals the id (risk_id, cr_id, invoice_id, owner, approver, …), an
// element of a top-level list of strings equals it (attendees, rests_on,
// depends_on), or a nested field whose name ends in "_id" equals it (the
// deliverables of a contract, the milestone and contract changes a CR
// assessment proposes). Free text that merely mentions the id (a title, a
// note) does not count. The envelope's actor does not count either: the
// history of a person is what was recorded about them, not what they did.
func (e *Engine) History(ctx context.Context, id uuid.UUID, itemID string, asOf Bound) (History, error) {
	itemID = strings.TrimSpace(itemID)
	if itemID == "" {
		return History{}, fmt.Errorf("item: must not be empty")
	}
	var h History
	var kind, title string
	rs, err := e.explainRead(ctx, id, asOf, func(s *State, hd Header) {
		h.Header = hd
		kind, title = itemKindTitle(s, itemID)
	})
	if err != nil {
		return History{}, err
	}
	h.Item, h.Kind, h.Title, h.Events = itemID, kind, title, []HistoryEntry{}
	for _, r := range rs {
		if paths := namesItem(r, itemID); len(paths) > 0 {
			h.Events = append(h.Events, HistoryEntry{EventSummary: eventSummary(r), MatchedOn: paths})
		}
	}
	if len(h.Events) == 0 {
		return History{}, fmt.Errorf("%w: no event names %q as of %s", ErrNoSuchItem, itemID, asOf)
	}
	return h, nil
}

// explain reads project id as of asOf for the explaining views: it calls
// withState with the state and its header, then returns the records the
// state reflects (the same cut, even if events arrive in between).
func (e *Engine) explainRead(ctx context.Context, id uuid.UUID, asOf Bound, withState func(s *State, h Header)) ([]Record, error) {
	q := Query{AsOf: asOf}
	var last uint64
	err := e.At(ctx, id, q, func(s *State, moment time.Time) error {
		last = s.Position
		if withState != nil {
			withState(s, header(s, q, moment))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Record
	err = e.Records(ctx, id, asOf, func(rs []Record) error {
		n := len(rs)
		for n > 0 && rs[n-1].Position > last {
			n--
		}
		out = slices.Clone(rs[:n])
		return nil
	})
	return out, err
}

// itemKindTitle finds what itemID is in s, if it is an item of the state.
func itemKindTitle(s *State, itemID string) (string, string) {
	for _, it := range diffItems(s) {
		if it.ID == itemID {
			return it.Kind, it.Title
		}
	}
	return "", ""
}

// namesItem returns the payload fields of r that name itemID (see History).
func namesItem(r Record, itemID string) []string {
	data, err := json.Marshal(r.Payload)
	if err != nil {
		return nil
	}
	var top map[string]any
	if json.Unmarshal(data, &top) != nil {
		return nil
	}
	var paths []string
	for _, k := range exKeys(top) {
		switch v := top[k].(type) {
		case string:
			if v == itemID {
				paths = append(paths, k)
			}
		case []any:
			for i, el := range v {
				if s, ok := el.(string); ok && s == itemID {
					paths = append(paths, k+"["+strconv.Itoa(i)+"]")
				} else {
					paths = nestedItemIDs(el, k+"["+strconv.Itoa(i)+"]", itemID, paths)
				}
			}
		case map[string]any:
			paths = nestedItemIDs(v, k, itemID, paths)
		}
	}
	return paths
}

// nestedItemIDs appends the paths under v of fields named *_id equal to itemID.
func nestedItemIDs(v any, path, itemID string, paths []string) []string {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range exKeys(v) {
			p := path + "." + k
			if s, ok := v[k].(string); ok {
				if s == itemID && strings.HasSuffix(k, "_id") {
					paths = append(paths, p)
				}
				continue
			}
			paths = nestedItemIDs(v[k], p, itemID, paths)
		}
	case []any:
		for i, el := range v {
			paths = nestedItemIDs(el, path+"["+strconv.Itoa(i)+"]", itemID, paths)
		}
	}
	return paths
}

func exKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// oneLine is a one-line, human summary of an event's payload.
func oneLine(r Record) string {
	s := oneLineOf(r)
	return strings.Join(strings.Fields(s), " ") // one line, whatever the texts hold
}

func oneLineOf(r Record) string {
	switch p := r.Payload.(type) {
	case events.ProjectChartered:
		return fmt.Sprintf("project %s (%s) chartered: %s to %s, in %s", p.Code, p.Name, p.Start, p.End, p.Currency)
	case events.ProjectPhaseChanged:
		return fmt.Sprintf("phase changed from %s to %s", exNone(p.From), p.Phase)
	case events.ProjectClosed:
		return "project closed: " + p.Outcome
	case events.ScopeBaselined:
		return fmt.Sprintf("scope baselined with %d items%s", len(p.Items), exByCR(p.CRID))

	case events.ChangeRequestSubmitted:
		return fmt.Sprintf("%s submitted, requested by %s: %s", p.CRID, p.RequestedBy, p.Title)
	case events.ChangeRequestAssessed:
		var parts []string
		if n := len(p.BudgetChanges); n > 0 {
			parts = append(parts, plural(n, "budget change"))
		}
		if n := len(p.MilestoneChanges); n > 0 {
			parts = append(parts, plural(n, "milestone move"))
		}
		if n := len(p.ContractChanges); n > 0 {
			parts = append(parts, plural(n, "contract change"))
		}
		if len(p.ScopeItems) > 0 {
			parts = append(parts, "a new scope baseline")
		}
		s := fmt.Sprintf("%s assessed by %s: cost %s, schedule %+d days", p.CRID, p.AssessedBy, p.CostImpact, p.ScheduleDays)
		if len(parts) > 0 {
			s += "; proposes " + strings.Join(parts, ", ")
		}
		return s
	case events.ChangeRequestApproved:
		return fmt.Sprintf("%s approved by %s: %s", p.CRID, p.Approver, p.Rationale)
	case events.ChangeRequestRejected:
		return fmt.Sprintf("%s rejected by %s: %s", p.CRID, p.Approver, p.Rationale)
	case events.ChangeRequestImplemented:
		return p.CRID + " implemented: its baseline moves are recorded"

	case events.RiskRaised:
		return fmt.Sprintf("%s raised: %s (P%d×I%d = %d, owner %s)", p.RiskID, p.Title, p.Probability, p.Impact, p.Score, p.Owner)
	case events.RiskAssessed:
		s := fmt.Sprintf("%s assessed: P%d×I%d = %d", p.RiskID, p.Probability, p.Impact, p.Score)
		if !p.ReviewDate.IsZero() {
			s += ", next review " + p.ReviewDate.String()
		}
		return s
	case events.RiskMitigationUpdated:
		return fmt.Sprintf("%s mitigation: %s; contingency: %s", p.RiskID, p.Mitigation, exNone(p.Contingency))
	case events.RiskOwnerChanged:
		return fmt.Sprintf("%s owner changed from %s to %s", p.RiskID, exNone(p.From), p.Owner)
	case events.RiskEscalated:
		return fmt.Sprintf("%s escalated to %s", p.RiskID, p.To)
	case events.RiskRealised:
		return fmt.Sprintf("%s realised as issue %s", p.RiskID, p.IssueID)
	case events.RiskClosed:
		return fmt.Sprintf("%s closed: %s", p.RiskID, p.Resolution)
	case events.AssumptionLogged:
		return fmt.Sprintf("%s logged: %s (owner %s)", p.AssumptionID, p.Text, p.Owner)
	case events.AssumptionValidated:
		return exNote(p.AssumptionID+" validated", p.Note)
	case events.AssumptionInvalidated:
		return exNote(p.AssumptionID+" invalidated", p.Note)
	case events.IssueRaised:
		s := fmt.Sprintf("%s raised (%s, owner %s): %s", p.IssueID, p.Severity, p.Owner, p.Title)
		if p.FromRisk != "" {
			s += ", from risk " + p.FromRisk
		}
		return s
	case events.IssueUpdated:
		return exUpdated(p.IssueID, p.Note, "severity", p.Severity, "owner", p.Owner, "due", p.Due.String())
	case events.IssueEscalated:
		return fmt.Sprintf("%s escalated to %s", p.IssueID, p.To)
	case events.IssueResolved:
		return fmt.Sprintf("%s resolved: %s", p.IssueID, p.Resolution)
	case events.DependencyLogged:
		return fmt.Sprintf("%s logged: %s, from %s, needed by %s", p.DependencyID, p.Description, p.Provider, p.NeededBy)
	case events.DependencyStatusChanged:
		return fmt.Sprintf("%s is %s (was %s)", p.DependencyID, p.Status, exNone(p.From))
	case events.DependencyResolved:
		return exNote(p.DependencyID+" resolved", p.Note)

	case events.BudgetApproved:
		return fmt.Sprintf("%s budget approved: %s", p.Category, p.Amount)
	case events.BudgetBaselineChanged:
		return fmt.Sprintf("%s budget moved by %s to %s%s", p.Category, p.Delta, p.Approved, exByCR(p.CRID))
	case events.ActualRecorded:
		s := fmt.Sprintf("%s: %s actual on %s", p.EntryID, p.Amount, p.Category)
		switch {
		case p.InvoiceID != "":
			s += " from invoice " + p.InvoiceID
		case p.Person != "":
			s += fmt.Sprintf(" from the %s of %s (%d h)", p.Source, p.Person, p.Hours)
		default:
			s += " from " + p.Source
		}
		if p.Description != "" {
			s += ": " + p.Description
		}
		return s
	case events.ForecastUpdated:
		return fmt.Sprintf("%s estimate at completion set to %s", p.Category, p.EstimateAtCompletion)
	case events.VarianceThresholdSet:
		return fmt.Sprintf("%s threshold: warn at %d%%, alert at %d%%", exOr(p.Category, "total"), p.WarnPercent, p.AlertPercent)
	case events.EntryCorrected:
		return fmt.Sprintf("%s corrected to %s on %s (corrects event %s)", p.EntryID, p.Amount, p.Category, p.Corrects)

	case events.MilestonePlanned:
		return fmt.Sprintf("%s planned: %s, baseline %s", p.MilestoneID, p.Name, p.Baseline)
	case events.MilestoneForecastChanged:
		return fmt.Sprintf("%s forecast moved from %s to %s", p.MilestoneID, exNone(p.From.String()), p.Forecast)
	case events.MilestoneRebaselined:
		return fmt.Sprintf("%s baseline moved from %s to %s%s", p.MilestoneID, exNone(p.From.String()), p.Baseline, exByCR(p.CRID))
	case events.MilestoneAchieved:
		return fmt.Sprintf("%s achieved on %s", p.MilestoneID, p.Actual)
	case events.TaskPlanned:
		return fmt.Sprintf("%s planned: %s, %s to %s, planned value %s", p.TaskID, p.Name, p.Start, p.Finish, p.PlannedValue)
	case events.TaskProgressed:
		return fmt.Sprintf("%s at %d%% complete", p.TaskID, p.PercentComplete)
	case events.ResourceAssigned:
		s := fmt.Sprintf("%s: %s booked at %d%% from %s to %s", p.AssignmentID, p.Person, p.AllocationPercent, p.From, p.To)
		if p.TaskID != "" {
			s += " on " + p.TaskID
		}
		return s
	case events.ResourceReleased:
		return p.AssignmentID + " released"

	case events.VendorRegistered:
		return "vendor registered: " + p.Name
	case events.ContractSigned:
		return fmt.Sprintf("%s signed on %s: %s, %s, %s", p.ContractID, p.SignedOn, p.Title, p.Value, plural(len(p.Deliverables), "deliverable"))
	case events.ContractAmended:
		s := fmt.Sprintf("%s amended%s: value moved by %s to %s", p.ContractID, exByCR(p.CRID), p.ValueDelta, p.Value)
		for _, d := range p.DeliverablesAdded {
			s += fmt.Sprintf("; %s added (%s, due %s)", d.DeliverableID, d.Title, d.Due)
		}
		for _, d := range p.DeliverablesChanged {
			if !d.Due.IsZero() {
				s += fmt.Sprintf("; %s due %s", d.DeliverableID, d.Due)
			}
			if len(d.Criteria) > 0 {
				s += fmt.Sprintf("; %s acceptance criteria replaced (%d)", d.DeliverableID, len(d.Criteria))
			}
		}
		return s
	case events.PurchaseOrderIssued:
		return fmt.Sprintf("%s issued under %s: %s on %s%s", p.POID, p.ContractID, p.Amount, p.Category, exParen(p.Number))
	case events.DeliverableSubmitted:
		s := fmt.Sprintf("%s (%s) submitted by %s", p.DeliverableID, p.ContractID, p.SubmittedBy)
		if p.DocumentRef != "" {
			s += " with " + p.DocumentRef
		}
		return exNote(s, p.Note)
	case events.DeliverableAccepted:
		return fmt.Sprintf("%s (%s) accepted by %s", p.DeliverableID, p.ContractID, p.AcceptedBy)
	case events.DeliverableRejected:
		return fmt.Sprintf("%s (%s) rejected by %s on %s: %s", p.DeliverableID, p.ContractID, p.RejectedBy, p.CriterionID, p.Finding)
	case events.DeliverableDisputed:
		return fmt.Sprintf("%s (%s) rejection disputed by %s: %s", p.DeliverableID, p.ContractID, p.RaisedBy, p.Claim)
	case events.DisputeResolved:
		return fmt.Sprintf("%s (%s) dispute resolved by %s, rejection %s: %s", p.DeliverableID, p.ContractID, p.ResolvedBy,
			map[string]string{events.DisputeUpheld: "upheld", events.DisputeAccepted: "withdrawn, deliverable accepted"}[p.Outcome], p.Resolution)
	case events.InvoiceReceived:
		s := fmt.Sprintf("%s (%s) received under %s/%s: %s, issued %s", p.InvoiceID, p.Number, p.ContractID, p.POID, p.Amount, p.IssuedOn)
		if p.Override != "" {
			s += "; over the PO balance: " + p.Override
		}
		return s
	case events.InvoiceApproved:
		return fmt.Sprintf("%s approved by %s", p.InvoiceID, p.ApprovedBy)
	case events.InvoiceRejected:
		return fmt.Sprintf("%s rejected by %s", p.InvoiceID, p.RejectedBy)
	case events.InvoicePaid:
		return fmt.Sprintf("%s paid on %s%s", p.InvoiceID, p.PaidOn, exParen(p.PaymentRef))

	case events.DecisionRecorded:
		s := fmt.Sprintf("%s decided by %s: %s — %s", p.DecisionID, p.DecidedBy, p.Title, p.Choice)
		if p.Supersedes != "" {
			s += "; supersedes " + p.Supersedes
		}
		return s
	case events.DecisionSuperseded:
		return fmt.Sprintf("%s superseded by %s", p.DecisionID, p.By)

	case events.MeetingHeld:
		return fmt.Sprintf("%s held on %s: %s, %s", p.MeetingID, p.Date, p.Title, plural(len(p.Attendees), "attendee"))
	case events.ActionItemAdded:
		return fmt.Sprintf("%s added: %s (owner %s, due %s)", p.ActionID, p.Title, p.Owner, p.Due)
	case events.ActionItemUpdated:
		return exUpdated(p.ActionID, p.Note, "owner", p.Owner, "due", p.Due.String())
	case events.ActionItemDone:
		return exNote(p.ActionID+" done", p.Note)
	case events.ActionItemCancelled:
		return p.ActionID + " cancelled"

	case events.DocumentRegistered:
		return fmt.Sprintf("%s registered as %s: %s v%s", p.DocumentID, p.Ref, p.Title, p.Version)
	case events.DocumentVersionAdded:
		return fmt.Sprintf("%s version %s added", p.DocumentID, p.Version)
	case events.DocumentApproved:
		return fmt.Sprintf("%s version %s approved by %s", p.DocumentID, p.Version, p.ApprovedBy)
	case events.DocumentRetired:
		return p.DocumentID + " retired"

	case events.MemberJoined:
		return fmt.Sprintf("%s (%s) joined as %s", p.Person, p.Name, p.Role)
	case events.AccessRequested:
		return fmt.Sprintf("access to %s requested for %s (%s)", p.System, p.Person, p.Level)
	case events.AccessProvisioned:
		return fmt.Sprintf("access to %s provisioned for %s", p.System, p.Person)
	case events.AccessRevoked:
		return fmt.Sprintf("access to %s revoked for %s", p.System, p.Person)
	case events.MemberLeft:
		return p.Person + " left the team"
	case events.PersonRegistered:
		return fmt.Sprintf("%s (%s) registered", p.Email, p.Name)
	case events.RoleGranted:
		return fmt.Sprintf("%s: role %s granted", p.GrantID, p.Role)
	case events.RoleRevoked:
		return p.GrantID + " revoked"

	case events.StatusReportPublished:
		return fmt.Sprintf("%s published for %s to %s: %s", p.ReportID, p.PeriodFrom, p.PeriodTo, p.Summary)
	}
	return r.Type
}

func exNone(s string) string { return exOr(s, "none") }

func exOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func exByCR(cr string) string {
	if cr == "" {
		return ""
	}
	return " by " + cr
}

func exParen(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// exUpdated explains a partial update: "ID updated: field value, ...",
// naming only the fields given (labelled pairs whose value is not empty).
func exUpdated(id, note string, labelled ...string) string {
	var parts []string
	for i := 0; i+1 < len(labelled); i += 2 {
		if labelled[i+1] != "" {
			parts = append(parts, labelled[i]+" "+labelled[i+1])
		}
	}
	s := id + " updated"
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	return exNote(s, note)
}

func exNote(s, note string) string {
	if note == "" {
		return s
	}
	return s + ": " + note
}
