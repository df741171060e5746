package projections

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Dossier is everything the ledger knew, as of a moment, about one vendor's
// contracts in a project, or about one contract: what was signed, what
// changed by which change request, what was ordered, delivered, accepted,
// rejected, disputed, invoiced and paid, by whom and when. It answers a
// vendor dispute without reading the log.
type Dossier struct {
	Header
	VendorID   string            `json:"vendor_id"`
	Vendor     *DossierVendor    `json:"vendor,omitempty"`      // from the vendor master, when it is in the ledger
	ContractID string            `json:"contract_id,omitempty"` // when one contract was asked for
	Contracts  []ContractDossier `json:"contracts"`
}

// DossierVendor is the vendor as registered in the vendor master.
type DossierVendor struct {
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Country string `json:"country,omitempty"`
}

// ContractDossier is one contract's file. Amounts are minor units of Currency.
type ContractDossier struct {
	ContractID     string               `json:"contract_id"`
	VendorID       string               `json:"vendor_id"`
	Title          string               `json:"title"`
	Currency       string               `json:"currency"`
	Value          int64                `json:"value"` // as amended, as of the bound
	AsSigned       SignedContract       `json:"as_signed"`
	Amendments     []DossierAmendment   `json:"amendments"`
	PurchaseOrders []DossierPO          `json:"purchase_orders"`
	Deliverables   []DossierDeliverable `json:"deliverables"`
	Invoices       []DossierInvoice     `json:"invoices"`
	Payments       []DossierPayment     `json:"payments"`
	Totals         DossierTotals        `json:"totals"`
}

// SignedContract is the contract exactly as signed.
type SignedContract struct {
	Title        string               `json:"title"`
	Value        int64                `json:"value"`
	SignedOn     events.Date          `json:"signed_on"`
	SOWText      string               `json:"sow_text"`
	SOWHash      string               `json:"sow_hash"`
	Deliverables []events.Deliverable `json:"deliverables"` // with due dates and acceptance criteria
	Recorded     EventSummary         `json:"recorded"`     // the signing event
}

// DossierAmendment is one amendment with the change request behind it.
type DossierAmendment struct {
	Event               EventSummary               `json:"event"`
	ValueDelta          int64                      `json:"value_delta"`
	Value               int64                      `json:"value"` // the contract value after it
	DeliverablesAdded   []events.Deliverable       `json:"deliverables_added,omitempty"`
	DeliverablesChanged []events.DeliverableChange `json:"deliverables_changed,omitempty"`
	ChangeRequest       DossierCR                  `json:"change_request"`
}

// DossierCR is a change request as an amendment cites it.
type DossierCR struct {
	CRID         string     `json:"cr_id"`
	Title        string     `json:"title"`
	Description  string     `json:"description,omitempty"`
	RequestedBy  string     `json:"requested_by,omitempty"`
	Submitted    *time.Time `json:"submitted_at,omitempty"` // effective time
	AssessedBy   string     `json:"assessed_by,omitempty"`
	CostImpact   int64      `json:"cost_impact"`
	ScheduleDays int        `json:"schedule_days"`
	Decision     string     `json:"decision,omitempty"` // approved or rejected
	Approver     string     `json:"approver,omitempty"`
	Rationale    string     `json:"rationale,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"` // effective time of the approval
	DecisionID   *uuid.UUID `json:"decision_event,omitempty"`
}

// DossierPO is a purchase order under the contract.
type DossierPO struct {
	POID     string       `json:"po_id"`
	Number   string       `json:"number,omitempty"`
	Category string       `json:"category"`
	Amount   int64        `json:"amount"`
	Issued   EventSummary `json:"issued"`
}

// DossierDeliverable is one deliverable: as signed, as it stands, and every
// step of its life.
type DossierDeliverable struct {
	DeliverableID   string             `json:"deliverable_id"`
	Title           string             `json:"title"`
	DueAsSigned     events.Date        `json:"due_as_signed,omitzero"` // zero if added by an amendment
	Due             events.Date        `json:"due"`
	Criteria        []events.Criterion `json:"criteria"`
	Status          string             `json:"status"` // pending, submitted, accepted, rejected, disputed
	Submissions     int                `json:"submissions"`
	Timeline        []DeliverableStep  `json:"timeline"`
	AddedByCR       string             `json:"added_by_cr,omitempty"`
	CriteriaChanged bool               `json:"criteria_changed,omitempty"` // an amendment replaced the criteria as signed
}

// DeliverableStep is one event in a deliverable's life. Person is who
// submitted, accepted, rejected, disputed or resolved (the payload's
// person); the envelope's actor is who recorded it.
type DeliverableStep struct {
	Step string `json:"step"` // signed, added, amended, submitted, accepted, rejected, disputed, resolved
	EventSummary
	Person        string             `json:"person,omitempty"`
	CriterionID   string             `json:"criterion_id,omitempty"`   // rejections: the criterion failed
	CriterionText string             `json:"criterion_text,omitempty"` // its text when the rejection was recorded
	Text          string             `json:"text,omitempty"`           // the finding, claim, resolution or note
	Outcome       string             `json:"outcome,omitempty"`        // resolutions: upheld or accepted
	DocumentRef   string             `json:"document_ref,omitempty"`
	Due           events.Date        `json:"due,omitzero"`       // signed, added, amended: the due date set
	Criteria      []events.Criterion `json:"criteria,omitempty"` // signed, added, amended: the criteria set
	CRID          string             `json:"cr_id,omitempty"`    // added, amended
	Status        string             `json:"status"`             // the deliverable's status after the step
}

// DossierInvoice is one invoice with each stage it went through.
type DossierInvoice struct {
	InvoiceID string         `json:"invoice_id"`
	Number    string         `json:"number"`
	POID      string         `json:"po_id"`
	Amount    int64          `json:"amount"`
	IssuedOn  events.Date    `json:"issued_on"`
	Override  string         `json:"override,omitempty"`
	Status    string         `json:"status"` // received, approved, rejected, paid
	Stages    []InvoiceStage `json:"stages"`
}

// InvoiceStage is one stage of an invoice.
type InvoiceStage struct {
	Stage string `json:"stage"` // received, approved, rejected, paid
	EventSummary
	Person     string      `json:"person,omitempty"` // who approved or rejected
	PaidOn     events.Date `json:"paid_on,omitzero"`
	PaymentRef string      `json:"payment_ref,omitempty"`
}

// DossierPayment is one payment made under the contract.
type DossierPayment struct {
	InvoiceID  string      `json:"invoice_id"`
	Number     string      `json:"number"`
	Amount     int64       `json:"amount"`
	PaidOn     events.Date `json:"paid_on"`
	PaymentRef string      `json:"payment_ref,omitempty"`
	EventSummary
}

// DossierTotals sums a contract's money as of the bound.
type DossierTotals struct {
	Value     int64 `json:"value"`     // the contract value as amended
	Committed int64 `json:"committed"` // purchase orders
	Invoiced  int64 `json:"invoiced"`  // invoices received and not rejected
	Approved  int64 `json:"approved"`  // of which approved or paid
	Paid      int64 `json:"paid"`
}

// Dossier returns the file of one vendor (every contract it has in project
// id) or of one contract, as the ledger knew it as of asOf. Exactly one of
// vendorID and contractID must be given.
func (e *Engine) Dossier(ctx context.Context, id uuid.UUID, vendorID, contractID string, asOf Bound) (Dossier, error) {
	vendorID, contractID = strings.TrimSpace(vendorID), strings.TrimSpace(contractID)
	if (vendorID == "") == (contractID == "") {
		return Dossier{}, fmt.Errorf("vendor_id, contract_id: give exactly one of them")
	}
	if v, err := uuid.Parse(vendorID); err == nil {
		vendorID = v.String() // contracts name vendors by canonical id
	}
	var d Dossier
	rs, err := e.explainRead(ctx, id, asOf, func(_ *State, h Header) { d.Header = h })
	if err != nil {
		return Dossier{}, err
	}
	b := &dossierBuilder{contracts: map[string]*ContractDossier{}, deliverables: map[string]*DossierDeliverable{},
		invoices: map[string]*DossierInvoice{}, invoiceOf: map[string]string{},
		crSubmitted: map[string]Record{}, crAssessed: map[string]Record{}, crDecided: map[string]Record{}}
	for _, r := range rs {
		b.apply(r, vendorID, contractID)
	}
	if len(b.contracts) == 0 {
		if contractID != "" {
			return Dossier{}, fmt.Errorf("%w: no contract %q as of %s", ErrNoSuchItem, contractID, asOf)
		}
		return Dossier{}, fmt.Errorf("%w: vendor %q has no contract in the project as of %s", ErrNoSuchItem, vendorID, asOf)
	}
	d.ContractID = contractID
	d.Contracts = []ContractDossier{}
	for _, c := range sortedByID(maps.All(b.contracts), func(c *ContractDossier) string { return c.ContractID }) {
		d.VendorID = c.VendorID
		d.Contracts = append(d.Contracts, b.finish(c))
	}
	d.Vendor = e.dossierVendor(ctx, d.VendorID, asOf)
	return d, nil
}

// dossierVendor reads the vendor master entry, if it is in the ledger.
func (e *Engine) dossierVendor(ctx context.Context, vendorID string, asOf Bound) *DossierVendor {
	vid, err := uuid.Parse(vendorID)
	if err != nil {
		return nil
	}
	var out *DossierVendor
	for ev, err := range e.source.ReadStream(ctx, "vendor-"+vid.String(), events.ReadOptions{RecordedBy: asOf.Time}) {
		if err != nil {
			return out
		}
		if asOf.Position > 0 && ev.Position > asOf.Position {
			break
		}
		p, err := e.registry.Decode(ev)
		if err != nil {
			continue
		}
		if v, ok := p.(events.VendorRegistered); ok {
			out = &DossierVendor{Name: v.Name, Contact: v.Contact, Country: v.Country}
		}
	}
	return out
}

// dossierBuilder folds a project's records into contract dossiers.
type dossierBuilder struct {
	contracts    map[string]*ContractDossier
	deliverables map[string]*DossierDeliverable // by contract/deliverable
	invoices     map[string]*DossierInvoice     // by invoice id
	invoiceOf    map[string]string              // invoice id → contract id
	// the latest submission, assessment and decision of each CR so far
	crSubmitted, crAssessed, crDecided map[string]Record
}

func (b *dossierBuilder) apply(r Record, vendorID, contractID string) {
	switch p := r.Payload.(type) {
	case events.ChangeRequestSubmitted:
		b.crSubmitted[p.CRID] = r
	case events.ChangeRequestAssessed:
		b.crAssessed[p.CRID] = r
	case events.ChangeRequestApproved:
		b.crDecided[p.CRID] = r
	case events.ChangeRequestRejected:
		b.crDecided[p.CRID] = r

	case events.ContractSigned:
		if (vendorID != "" && p.VendorID != vendorID) || (contractID != "" && p.ContractID != contractID) {
			return
		}
		c := &ContractDossier{ContractID: p.ContractID, VendorID: p.VendorID, Title: p.Title, Currency: p.Value.Currency, Value: p.Value.Minor,
			AsSigned: SignedContract{Title: p.Title, Value: p.Value.Minor, SignedOn: p.SignedOn, SOWText: p.SOWText, SOWHash: p.SOWHash,
				Deliverables: p.Deliverables, Recorded: eventSummary(r)},
			Amendments: []DossierAmendment{}, PurchaseOrders: []DossierPO{}, Invoices: []DossierInvoice{}, Payments: []DossierPayment{}}
		b.contracts[p.ContractID] = c
		for _, dl := range p.Deliverables {
			d := &DossierDeliverable{DeliverableID: dl.DeliverableID, Title: dl.Title, DueAsSigned: dl.Due, Due: dl.Due, Criteria: dl.Criteria, Status: "pending"}
			d.Timeline = []DeliverableStep{{Step: "signed", EventSummary: eventSummary(r), Due: dl.Due, Criteria: dl.Criteria, Status: d.Status}}
			b.deliverables[p.ContractID+"/"+dl.DeliverableID] = d
		}
	case events.ContractAmended:
		c, ok := b.contracts[p.ContractID]
		if !ok {
			return
		}
		c.Value = p.Value.Minor
		c.Amendments = append(c.Amendments, DossierAmendment{Event: eventSummary(r), ValueDelta: p.ValueDelta.Minor, Value: p.Value.Minor,
			DeliverablesAdded: p.DeliverablesAdded, DeliverablesChanged: p.DeliverablesChanged, ChangeRequest: b.cr(p.CRID)})
		for _, dl := range p.DeliverablesAdded {
			d := &DossierDeliverable{DeliverableID: dl.DeliverableID, Title: dl.Title, Due: dl.Due, Criteria: dl.Criteria, Status: "pending", AddedByCR: p.CRID}
			d.Timeline = []DeliverableStep{{Step: "added", EventSummary: eventSummary(r), Due: dl.Due, Criteria: dl.Criteria, CRID: p.CRID, Status: d.Status}}
			b.deliverables[p.ContractID+"/"+dl.DeliverableID] = d
		}
		for _, ch := range p.DeliverablesChanged {
			d, ok := b.deliverables[p.ContractID+"/"+ch.DeliverableID]
			if !ok {
				continue
			}
			if !ch.Due.IsZero() {
				d.Due = ch.Due
			}
			if len(ch.Criteria) > 0 {
				d.Criteria, d.CriteriaChanged = ch.Criteria, true
			}
			d.Timeline = append(d.Timeline, DeliverableStep{Step: "amended", EventSummary: eventSummary(r), Due: ch.Due, Criteria: ch.Criteria, CRID: p.CRID, Status: d.Status})
		}
	case events.PurchaseOrderIssued:
		if c, ok := b.contracts[p.ContractID]; ok {
			c.PurchaseOrders = append(c.PurchaseOrders, DossierPO{POID: p.POID, Number: p.Number, Category: p.Category, Amount: p.Amount.Minor, Issued: eventSummary(r)})
		}

	case events.DeliverableSubmitted:
		b.step(r, p.ContractID, p.DeliverableID, func(d *DossierDeliverable) DeliverableStep {
			d.Status, d.Submissions = "submitted", d.Submissions+1
			return DeliverableStep{Step: "submitted", Person: p.SubmittedBy, Text: p.Note, DocumentRef: p.DocumentRef}
		})
	case events.DeliverableAccepted:
		b.step(r, p.ContractID, p.DeliverableID, func(d *DossierDeliverable) DeliverableStep {
			d.Status = "accepted"
			return DeliverableStep{Step: "accepted", Person: p.AcceptedBy}
		})
	case events.DeliverableRejected:
		b.step(r, p.ContractID, p.DeliverableID, func(d *DossierDeliverable) DeliverableStep {
			d.Status = "rejected"
			s := DeliverableStep{Step: "rejected", Person: p.RejectedBy, CriterionID: p.CriterionID, Text: p.Finding}
			for _, k := range d.Criteria {
				if k.CriterionID == p.CriterionID {
					s.CriterionText = k.Text
				}
			}
			return s
		})
	case events.DeliverableDisputed:
		b.step(r, p.ContractID, p.DeliverableID, func(d *DossierDeliverable) DeliverableStep {
			d.Status = "disputed"
			return DeliverableStep{Step: "disputed", Person: p.RaisedBy, Text: p.Claim}
		})
	case events.DisputeResolved:
		b.step(r, p.ContractID, p.DeliverableID, func(d *DossierDeliverable) DeliverableStep {
			d.Status = "rejected"
			if p.Outcome == events.DisputeAccepted {
				d.Status = "accepted"
			}
			return DeliverableStep{Step: "resolved", Person: p.ResolvedBy, Outcome: p.Outcome, Text: p.Resolution}
		})

	case events.InvoiceReceived:
		c, ok := b.contracts[p.ContractID]
		if !ok {
			return
		}
		inv := &DossierInvoice{InvoiceID: p.InvoiceID, Number: p.Number, POID: p.POID, Amount: p.Amount.Minor, IssuedOn: p.IssuedOn,
			Override: p.Override, Status: "received", Stages: []InvoiceStage{{Stage: "received", EventSummary: eventSummary(r)}}}
		b.invoices[p.InvoiceID], b.invoiceOf[p.InvoiceID] = inv, c.ContractID
	case events.InvoiceApproved:
		b.stage(r, p.InvoiceID, InvoiceStage{Stage: "approved", Person: p.ApprovedBy})
	case events.InvoiceRejected:
		b.stage(r, p.InvoiceID, InvoiceStage{Stage: "rejected", Person: p.RejectedBy})
	case events.InvoicePaid:
		if inv, ok := b.invoices[p.InvoiceID]; ok {
			b.stage(r, p.InvoiceID, InvoiceStage{Stage: "paid", PaidOn: p.PaidOn, PaymentRef: p.PaymentRef})
			c := b.contracts[b.invoiceOf[p.InvoiceID]]
			c.Payments = append(c.Payments, DossierPayment{InvoiceID: p.InvoiceID, Number: inv.Number, Amount: inv.Amount,
				PaidOn: p.PaidOn, PaymentRef: p.PaymentRef, EventSummary: eventSummary(r)})
		}
	}
}

// step adds a step to a deliverable of a contract in the dossier.
func (b *dossierBuilder) step(r Record, contractID, deliverableID string, change func(*DossierDeliverable) DeliverableStep) {
	d, ok := b.deliverables[contractID+"/"+deliverableID]
	if !ok {
		return
	}
	s := change(d)
	s.EventSummary, s.Status = eventSummary(r), d.Status
	d.Timeline = append(d.Timeline, s)
}

// stage adds a stage to an invoice in the dossier.
func (b *dossierBuilder) stage(r Record, invoiceID string, s InvoiceStage) {
	inv, ok := b.invoices[invoiceID]
	if !ok {
		return
	}
	s.EventSummary = eventSummary(r)
	inv.Status = s.Stage
	inv.Stages = append(inv.Stages, s)
}

// cr describes a change request as the ledger knew it when it was cited.
func (b *dossierBuilder) cr(id string) DossierCR {
	out := DossierCR{CRID: id}
	if r, ok := b.crSubmitted[id]; ok {
		p := r.Payload.(events.ChangeRequestSubmitted)
		at := r.EffectiveAt.UTC()
		out.Title, out.Description, out.RequestedBy, out.Submitted = p.Title, p.Description, p.RequestedBy, &at
	}
	if r, ok := b.crAssessed[id]; ok {
		p := r.Payload.(events.ChangeRequestAssessed)
		out.AssessedBy, out.CostImpact, out.ScheduleDays = p.AssessedBy, p.CostImpact.Minor, p.ScheduleDays
	}
	if r, ok := b.crDecided[id]; ok {
		at, evID := r.EffectiveAt.UTC(), r.ID
		out.DecidedAt, out.DecisionID = &at, &evID
		switch p := r.Payload.(type) {
		case events.ChangeRequestApproved:
			out.Decision, out.Approver, out.Rationale = "approved", p.Approver, p.Rationale
		case events.ChangeRequestRejected:
			out.Decision, out.Approver, out.Rationale = "rejected", p.Approver, p.Rationale
		}
	}
	return out
}

// finish sorts a contract's parts and sums its money.
func (b *dossierBuilder) finish(c *ContractDossier) ContractDossier {
	out := *c
	slices.SortFunc(out.PurchaseOrders, func(a, b DossierPO) int { return CompareIDs(a.POID, b.POID) })
	out.Deliverables = []DossierDeliverable{}
	for key, d := range b.deliverables {
		if strings.HasPrefix(key, c.ContractID+"/") {
			out.Deliverables = append(out.Deliverables, *d)
		}
	}
	slices.SortFunc(out.Deliverables, func(a, b DossierDeliverable) int { return CompareIDs(a.DeliverableID, b.DeliverableID) })
	out.Invoices = []DossierInvoice{}
	for invID, inv := range b.invoices {
		if b.invoiceOf[invID] == c.ContractID {
			out.Invoices = append(out.Invoices, *inv)
		}
	}
	slices.SortFunc(out.Invoices, func(a, b DossierInvoice) int { return CompareIDs(a.InvoiceID, b.InvoiceID) })
	t := DossierTotals{Value: c.Value}
	for _, po := range out.PurchaseOrders {
		t.Committed += po.Amount
	}
	for _, inv := range out.Invoices {
		switch inv.Status {
		case "received":
			t.Invoiced += inv.Amount
		case "approved":
			t.Invoiced, t.Approved = t.Invoiced+inv.Amount, t.Approved+inv.Amount
		case "paid":
			t.Invoiced, t.Approved, t.Paid = t.Invoiced+inv.Amount, t.Approved+inv.Amount, t.Paid+inv.Amount
		}
	}
	out.Totals = t
	return out
}
