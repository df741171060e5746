package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// ErrNoSuchEvent is returned when an event id is not in the project's
// stream as of the question.
var ErrNoSuchEvent = errorString("projections: no such event")

// WhyTree is the causal trace behind an event, or behind every event of an
// item's history: each node's children are the events that caused it.
type WhyTree struct {
	Header
	Ref   string    `json:"ref"`             // what was asked about: an event id or an item id
	Kind  string    `json:"kind"`            // "event" or "item"
	Item  string    `json:"item,omitempty"`  // for an item: what it is (risk, change_request…), if it still exists
	Title string    `json:"title,omitempty"` // for an item: its title
	Roots []WhyNode `json:"roots"`           // the event, or the item's history oldest first
}

// WhyNode is one event of a causal trace.
type WhyNode struct {
	EventSummary
	Data json.RawMessage `json:"data,omitempty"` // the payload as recorded (after upcasting)
	// Via says how the node causes its parent: causation_id (the envelope),
	// cr_approval, cr_assessment, cr_submission, rests_on, supersedes,
	// superseded_by, corrects, invoice_approval, invoice_received,
	// submission, rejection, dispute, realised_risk. Empty for a root.
	Via []string `json:"via,omitempty"`
	// Repeat marks an event already shown in this tree (on the path to
	// it, which would be a cycle, or expanded in an earlier branch): it is
	// not expanded again.
	Repeat bool `json:"repeat,omitempty"`
	// Missing marks a cause that is named but not in the project's stream
	// as of the question (another stream, or recorded later).
	Missing  bool      `json:"missing,omitempty"`
	Children []WhyNode `json:"children"`
}

// Why traces the causes of ref in project id, as the ledger knew them as of
// asOf. ref is an event id (UUID): the tree has that event as its root; or
// an item id (R-1, CR-1, DL-2, an e-mail…): the tree has a root per event of
// the item's History.
//
// An event's causes are, in this order: for an event naming a cr_id, the
// change request's chain — a baseline move or implementation is caused by
// the CR's approval, an approval or rejection by the CR's assessment, an
// assessment by the submission; for a decision, the events it rests on and
// the decision it supersedes (a supersession, by the superseding decision);
// for a correction, the corrected event; for an actual from an invoice, the
// invoice's approval, which is caused by its receipt (as a payment is by the
// approval); for a deliverable's acceptance or rejection, its submission;
// for a dispute, the rejection; for its resolution, the dispute; for an
// issue from a realised risk, the realisation; and last the envelope's
// causation id. A cause named twice appears once, with both reasons in Via.
func (e *Engine) Why(ctx context.Context, id uuid.UUID, ref string, asOf Bound) (WhyTree, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return WhyTree{}, fmt.Errorf("ref: must be an event id or an item id")
	}
	t := WhyTree{Ref: ref, Roots: []WhyNode{}}
	evID, perr := uuid.Parse(ref)
	isEvent := perr == nil
	rs, err := e.explainRead(ctx, id, asOf, func(s *State, h Header) {
		t.Header = h
		if !isEvent {
			t.Item, t.Title = itemKindTitle(s, ref)
		}
	})
	if err != nil {
		return WhyTree{}, err
	}
	ix := newCauseIndex(rs)
	if isEvent {
		t.Kind = "event"
		i, ok := ix.byID[evID]
		if !ok {
			return WhyTree{}, fmt.Errorf("%w: %s is not in the project's stream as of %s", ErrNoSuchEvent, evID, asOf)
		}
		t.Roots = append(t.Roots, ix.tree(i))
		return t, nil
	}
	t.Kind = "item"
	for i, r := range rs {
		if len(namesItem(r, ref)) > 0 {
			t.Roots = append(t.Roots, ix.tree(i))
		}
	}
	if len(t.Roots) == 0 {
		return WhyTree{}, fmt.Errorf("%w: no event names %q as of %s", ErrNoSuchItem, ref, asOf)
	}
	return t, nil
}

// causeIndex finds the causes of the records of one project.
type causeIndex struct {
	rs   []Record
	byID map[uuid.UUID]int
	// keyed lists of record indexes, in order
	crSubmitted, crAssessed, crDecided map[string][]int
	invReceived, invApproved           map[string][]int
	dlSubmitted, dlRejected, dlDispute map[string][]int // by contract/deliverable
	decisions, realised                map[string][]int // by decision id; by issue id
}

func newCauseIndex(rs []Record) *causeIndex {
	ix := &causeIndex{rs: rs, byID: make(map[uuid.UUID]int, len(rs)),
		crSubmitted: map[string][]int{}, crAssessed: map[string][]int{}, crDecided: map[string][]int{},
		invReceived: map[string][]int{}, invApproved: map[string][]int{},
		dlSubmitted: map[string][]int{}, dlRejected: map[string][]int{}, dlDispute: map[string][]int{},
		decisions: map[string][]int{}, realised: map[string][]int{}}
	for i, r := range rs {
		ix.byID[r.ID] = i
		switch p := r.Payload.(type) {
		case events.ChangeRequestSubmitted:
			ix.crSubmitted[p.CRID] = append(ix.crSubmitted[p.CRID], i)
		case events.ChangeRequestAssessed:
			ix.crAssessed[p.CRID] = append(ix.crAssessed[p.CRID], i)
		case events.ChangeRequestApproved:
			ix.crDecided[p.CRID] = append(ix.crDecided[p.CRID], i)
		case events.ChangeRequestRejected:
			ix.crDecided[p.CRID] = append(ix.crDecided[p.CRID], i)
		case events.InvoiceReceived:
			ix.invReceived[p.InvoiceID] = append(ix.invReceived[p.InvoiceID], i)
		case events.InvoiceApproved:
			ix.invApproved[p.InvoiceID] = append(ix.invApproved[p.InvoiceID], i)
		case events.DeliverableSubmitted:
			k := p.ContractID + "/" + p.DeliverableID
			ix.dlSubmitted[k] = append(ix.dlSubmitted[k], i)
		case events.DeliverableRejected:
			k := p.ContractID + "/" + p.DeliverableID
			ix.dlRejected[k] = append(ix.dlRejected[k], i)
		case events.DeliverableDisputed:
			k := p.ContractID + "/" + p.DeliverableID
			ix.dlDispute[k] = append(ix.dlDispute[k], i)
		case events.DecisionRecorded:
			ix.decisions[p.DecisionID] = append(ix.decisions[p.DecisionID], i)
		case events.RiskRealised:
			ix.realised[p.IssueID] = append(ix.realised[p.IssueID], i)
		}
	}
	return ix
}

// whyLatest is the last index in list before i, or -1.
func whyLatest(list []int, i int) int {
	found := -1
	for _, j := range list {
		if j >= i {
			break
		}
		found = j
	}
	return found
}

// whyCause is one cause of an event: a record index, or a named event id
// not in the records (index -1).
type whyCause struct {
	index int
	id    uuid.UUID
	via   []string
}

// causes lists the direct causes of record i (see Why for the rules).
func (ix *causeIndex) causes(i int) []whyCause {
	r := ix.rs[i]
	var out []whyCause
	add := func(j int, via string) {
		if j < 0 || j == i {
			return
		}
		for k := range out {
			if out[k].index == j {
				out[k].via = append(out[k].via, via)
				return
			}
		}
		out = append(out, whyCause{index: j, id: ix.rs[j].ID, via: []string{via}})
	}
	addID := func(s string, via string) {
		evID, err := uuid.Parse(s)
		if err != nil || evID == uuid.Nil {
			return
		}
		if j, ok := ix.byID[evID]; ok {
			add(j, via)
			return
		}
		for k := range out {
			if out[k].index < 0 && out[k].id == evID {
				out[k].via = append(out[k].via, via)
				return
			}
		}
		out = append(out, whyCause{index: -1, id: evID, via: []string{via}})
	}
	crChain := func(cr string) {
		switch r.Payload.(type) {
		case events.ChangeRequestSubmitted:
		case events.ChangeRequestAssessed:
			add(whyLatest(ix.crSubmitted[cr], i), "cr_submission")
		case events.ChangeRequestApproved, events.ChangeRequestRejected:
			if j := whyLatest(ix.crAssessed[cr], i); j >= 0 {
				add(j, "cr_assessment")
			} else {
				add(whyLatest(ix.crSubmitted[cr], i), "cr_submission")
			}
		default:
			add(whyLatest(ix.crDecided[cr], i), "cr_approval")
		}
	}
	if cr := payloadCR(r.Payload); cr != "" {
		crChain(cr)
	}
	switch p := r.Payload.(type) {
	case events.DecisionRecorded:
		for _, s := range p.RestsOn {
			addID(s, "rests_on")
		}
		if p.Supersedes != "" {
			add(whyLatest(ix.decisions[p.Supersedes], i), "supersedes")
		}
	case events.DecisionSuperseded:
		if l := ix.decisions[p.By]; len(l) > 0 {
			add(l[0], "superseded_by")
		}
	case events.EntryCorrected:
		addID(p.Corrects, "corrects")
	case events.ActualRecorded:
		if p.InvoiceID != "" {
			if j := whyLatest(ix.invApproved[p.InvoiceID], i); j >= 0 {
				add(j, "invoice_approval")
			} else {
				add(whyLatest(ix.invReceived[p.InvoiceID], i), "invoice_received")
			}
		}
	case events.InvoiceApproved:
		add(whyLatest(ix.invReceived[p.InvoiceID], i), "invoice_received")
	case events.InvoiceRejected:
		add(whyLatest(ix.invReceived[p.InvoiceID], i), "invoice_received")
	case events.InvoicePaid:
		add(whyLatest(ix.invApproved[p.InvoiceID], i), "invoice_approval")
	case events.DeliverableAccepted:
		add(whyLatest(ix.dlSubmitted[p.ContractID+"/"+p.DeliverableID], i), "submission")
	case events.DeliverableRejected:
		add(whyLatest(ix.dlSubmitted[p.ContractID+"/"+p.DeliverableID], i), "submission")
	case events.DeliverableDisputed:
		add(whyLatest(ix.dlRejected[p.ContractID+"/"+p.DeliverableID], i), "rejection")
	case events.DisputeResolved:
		add(whyLatest(ix.dlDispute[p.ContractID+"/"+p.DeliverableID], i), "dispute")
	case events.IssueRaised:
		if p.FromRisk != "" {
			add(whyLatest(ix.realised[p.IssueID], i), "realised_risk")
		}
	}
	if r.CausationID != uuid.Nil {
		addID(r.CausationID.String(), "causation_id")
	}
	return out
}

// payloadCR is the change request an event names in its cr_id, if any.
func payloadCR(p events.Payload) string {
	switch p := p.(type) {
	case events.ChangeRequestSubmitted:
		return p.CRID
	case events.ChangeRequestAssessed:
		return p.CRID
	case events.ChangeRequestApproved:
		return p.CRID
	case events.ChangeRequestRejected:
		return p.CRID
	case events.ChangeRequestImplemented:
		return p.CRID
	case interface{ ChangeRequest() string }:
		return p.ChangeRequest()
	}
	return ""
}

// tree builds the trace below record i. Each event is expanded once per
// tree: a later mention (an ancestor, which would be a cycle, or an event
// expanded in an earlier branch) is a leaf marked Repeat.
func (ix *causeIndex) tree(i int) WhyNode {
	shown := map[uuid.UUID]bool{}
	return ix.node(i, nil, shown)
}

func (ix *causeIndex) node(i int, via []string, shown map[uuid.UUID]bool) WhyNode {
	r := ix.rs[i]
	n := WhyNode{EventSummary: eventSummary(r), Via: via, Children: []WhyNode{}}
	if data, err := json.Marshal(r.Payload); err == nil {
		n.Data = data
	}
	if shown[r.ID] {
		n.Repeat = true
		return n
	}
	shown[r.ID] = true
	for _, c := range ix.causes(i) {
		if c.index < 0 {
			n.Children = append(n.Children, WhyNode{EventSummary: EventSummary{EventID: c.id,
				Summary: "event " + c.id.String() + " is not in the project's stream as of the question"}, Via: c.via, Missing: true, Children: []WhyNode{}})
			continue
		}
		n.Children = append(n.Children, ix.node(c.index, c.via, shown))
	}
	return n
}
