package aggregates

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Deliverable states.
const (
	deliverablePending   = "pending"
	deliverableSubmitted = "submitted"
	deliverableAccepted  = "accepted"
	deliverableRejected  = "rejected"
	deliverableDisputed  = "disputed"
)

// Invoice states.
const (
	invoiceReceived = "received"
	invoiceApproved = "approved"
	invoiceRejected = "rejected"
	invoicePaid     = "paid"
)

type deliverable struct {
	status   string
	due      events.Date
	criteria map[string]bool
}

type contract struct {
	vendorID     string
	value        int64
	committed    int64 // the sum of its purchase orders
	deliverables map[string]*deliverable
	invoices     map[string]string // normalised vendor invoice number → invoice id, rejected ones excluded
}

type purchaseOrder struct {
	contractID string
	category   string
	amount     int64
	invoiced   int64 // received or approved or paid, not rejected
}

type invoice struct {
	contractID string
	poID       string
	number     string
	amount     int64
	issuedOn   events.Date
	status     string
}

type vendors struct {
	contracts map[string]*contract
	pos       map[string]*purchaseOrder
	poNumbers map[string]string // normalised finance-system PO number → PO id
	invoices  map[string]*invoice
}

func newVendors() vendors {
	return vendors{contracts: map[string]*contract{}, pos: map[string]*purchaseOrder{}, poNumbers: map[string]string{}, invoices: map[string]*invoice{}}
}

func newDeliverable(d events.Deliverable) *deliverable {
	criteria := map[string]bool{}
	for _, c := range d.Criteria {
		criteria[c.CriterionID] = true
	}
	return &deliverable{status: deliverablePending, due: d.Due, criteria: criteria}
}

// normalNumber is the form in which document numbers (PO, invoice) are
// compared: "inv-001 " and "INV-001" are the same invoice.
func normalNumber(n string) string { return strings.ToUpper(strings.TrimSpace(n)) }

func (v *vendors) apply(p *Project, payload events.Payload) {
	switch e := payload.(type) {
	case events.ContractSigned:
		c := &contract{vendorID: e.VendorID, value: e.Value.Minor, deliverables: map[string]*deliverable{}, invoices: map[string]string{}}
		for _, d := range e.Deliverables {
			c.deliverables[d.DeliverableID] = newDeliverable(d)
			p.count("DL")
		}
		v.contracts[e.ContractID] = c
		p.count("C")
	case events.ContractAmended:
		c := v.contracts[e.ContractID]
		c.value = e.Value.Minor
		for _, d := range e.DeliverablesAdded {
			c.deliverables[d.DeliverableID] = newDeliverable(d)
			p.count("DL")
		}
		for _, ch := range e.DeliverablesChanged {
			d := c.deliverables[ch.DeliverableID]
			if !ch.Due.IsZero() {
				d.due = ch.Due
			}
			if len(ch.Criteria) > 0 {
				d.criteria = newDeliverable(events.Deliverable{Criteria: ch.Criteria}).criteria
			}
		}
	case events.PurchaseOrderIssued:
		v.pos[e.POID] = &purchaseOrder{contractID: e.ContractID, category: e.Category, amount: e.Amount.Minor}
		v.contracts[e.ContractID].committed += e.Amount.Minor
		if e.Number != "" {
			v.poNumbers[normalNumber(e.Number)] = e.POID
		}
		p.count("PO")
	case events.DeliverableSubmitted:
		v.contracts[e.ContractID].deliverables[e.DeliverableID].status = deliverableSubmitted
	case events.DeliverableAccepted:
		v.contracts[e.ContractID].deliverables[e.DeliverableID].status = deliverableAccepted
	case events.DeliverableRejected:
		v.contracts[e.ContractID].deliverables[e.DeliverableID].status = deliverableRejected
	case events.DeliverableDisputed:
		v.contracts[e.ContractID].deliverables[e.DeliverableID].status = deliverableDisputed
	case events.DisputeResolved:
		d := v.contracts[e.ContractID].deliverables[e.DeliverableID]
		d.status = deliverableRejected
		if e.Outcome == events.DisputeAccepted {
			d.status = deliverableAccepted
		}
	case events.InvoiceReceived:
		v.invoices[e.InvoiceID] = &invoice{contractID: e.ContractID, poID: e.POID, number: e.Number, amount: e.Amount.Minor,
			issuedOn: e.IssuedOn, status: invoiceReceived}
		v.pos[e.POID].invoiced += e.Amount.Minor
		if c, ok := v.contracts[e.ContractID]; ok {
			c.invoices[normalNumber(e.Number)] = e.InvoiceID
		}
		p.count("INV")
	case events.InvoiceApproved:
		v.invoices[e.InvoiceID].status = invoiceApproved
	case events.InvoiceRejected:
		inv := v.invoices[e.InvoiceID]
		inv.status = invoiceRejected
		v.pos[inv.poID].invoiced -= inv.amount
		if c, ok := v.contracts[inv.contractID]; ok && c.invoices[normalNumber(inv.number)] == e.InvoiceID {
			delete(c.invoices, normalNumber(inv.number)) // a rejected invoice can be re-issued under its number
		}
	case events.InvoicePaid:
		v.invoices[e.InvoiceID].status = invoicePaid
	}
}

func (v *vendors) contract(id string) (*contract, error) {
	c, ok := v.contracts[id]
	if !ok {
		return nil, notFound("contract_id", "contract", id)
	}
	return c, nil
}

// deliverable returns a contract's deliverable, or why not.
func (v *vendors) deliverable(contractID, id string) (*deliverable, error) {
	c, err := v.contract(contractID)
	if err != nil {
		return nil, err
	}
	d, ok := c.deliverables[id]
	if !ok {
		return nil, notFound("deliverable_id", "deliverable", id)
	}
	return d, nil
}

// deliverableIn returns a deliverable in state want, or why not.
func (v *vendors) deliverableIn(contractID, id, want, rule string) (*deliverable, error) {
	d, err := v.deliverable(contractID, id)
	if err != nil {
		return nil, err
	}
	if d.status != want {
		return nil, violatesField("deliverable_id", rule, "deliverable %s is %s, not %s", id, d.status, want)
	}
	return d, nil
}

func (v *vendors) invoice(id string) (*invoice, error) {
	inv, ok := v.invoices[id]
	if !ok {
		return nil, notFound("invoice_id", "invoice", id)
	}
	return inv, nil
}

// maxSOW bounds a statement of work's text: a document, longer than a note.
const maxSOW = 256 << 10

// SignContract records a contract with a registered vendor: its value, the
// statement of work (whose SHA-256 is recorded beside it) and its
// deliverables, numbered DL-n across the project with criteria K-n within
// each. The repository looks the vendor up in the master (needsVendor).
type SignContract struct {
	VendorID     string
	Title        string
	Value        events.Money
	SignedOn     events.Date
	SOWText      string
	Deliverables []events.Deliverable // ids are assigned

	vendor *Vendor // set by withVendor
}

func (c SignContract) vendorID() string { return c.VendorID }

func (c SignContract) withVendor(v *Vendor) ProjectCommand {
	c.vendor = v
	return c
}

// Decide implements ProjectCommand.
func (c SignContract) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("title", c.Title)
	v.money("value", c.Value, p.Currency(), false)
	v.date("signed_on", c.SignedOn)
	switch {
	case strings.TrimSpace(c.SOWText) == "":
		v.fail(invalid("sow_text", "required", "the statement of work is required"))
	case len(c.SOWText) > maxSOW || !utf8.ValidString(c.SOWText):
		v.fail(invalid("sow_text", "text", "must be valid UTF-8 of at most %d bytes", maxSOW))
	}
	for i, d := range c.Deliverables {
		field := fmt.Sprintf("deliverables[%d]", i)
		v.deliverable(field, d)
		if !d.Due.IsZero() && !c.SignedOn.IsZero() && d.Due.Before(c.SignedOn) {
			v.fail(invalid(field+".due", "deliverable.due_before_signing", "must not be before the contract is signed on %s", c.SignedOn))
		}
	}
	if v.err != nil {
		return nil, v.err
	}
	if id, err := uuid.Parse(c.VendorID); err != nil || c.vendor == nil || c.vendor.registered.VendorID == "" || c.vendor.id != id {
		return nil, notFound("vendor_id", "vendor", c.VendorID)
	}
	used := p.counters["DL"]
	deliverables := make([]events.Deliverable, len(c.Deliverables))
	for i, d := range c.Deliverables {
		used++
		d.DeliverableID = fmt.Sprintf("DL-%d", used)
		d.Criteria = numberCriteria(d.Criteria)
		deliverables[i] = d
	}
	sum := sha256.Sum256([]byte(c.SOWText))
	return []events.Payload{events.ContractSigned{
		ContractID: p.nextID("C"), VendorID: c.vendor.id.String(), Title: c.Title, Value: c.Value, SignedOn: c.SignedOn,
		SOWText: c.SOWText, SOWHash: hex.EncodeToString(sum[:]), Deliverables: deliverables,
	}}, nil
}

// IssuePurchaseOrder commits budget to a contract's vendor. The purchase
// orders on a contract never add up to more than its value.
type IssuePurchaseOrder struct {
	ContractID string
	Category   string
	Amount     events.Money
	Number     string // the finance system's PO number, unique in the project
}

// Decide implements ProjectCommand.
func (c IssuePurchaseOrder) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.oneOf("category", c.Category, categories...)
	v.money("amount", c.Amount, p.Currency(), false)
	v.optionalText("number", c.Number)
	if v.err != nil {
		return nil, v.err
	}
	k, err := p.vendors.contract(c.ContractID)
	if err != nil {
		return nil, err
	}
	if other, ok := p.vendors.poNumbers[normalNumber(c.Number)]; ok && c.Number != "" {
		return nil, violatesField("number", "po.duplicate_number", "purchase order number %q is already %s", c.Number, other)
	}
	if k.committed+c.Amount.Minor > k.value {
		return nil, violatesField("amount", "po.exceeds_contract", "contract %s is worth %s and %s is already on order: at most %s more can be ordered",
			c.ContractID, p.inProjectCurrency(k.value), p.inProjectCurrency(k.committed), p.inProjectCurrency(k.value-k.committed))
	}
	return []events.Payload{events.PurchaseOrderIssued{POID: p.nextID("PO"), ContractID: c.ContractID, VendorID: k.vendorID,
		Category: c.Category, Amount: c.Amount, Number: c.Number}}, nil
}

// inProjectCurrency is an amount of minor units in the project's currency.
func (p *Project) inProjectCurrency(minor int64) events.Money {
	return events.Money{Minor: minor, Currency: p.Currency()}
}

// SubmitDeliverable records the vendor handing a deliverable over: a pending
// one, or a rejected one again.
type SubmitDeliverable struct {
	ContractID    string
	DeliverableID string
	SubmittedBy   string
	Note          string
	DocumentRef   string
}

// Decide implements ProjectCommand.
func (c SubmitDeliverable) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("submitted_by", c.SubmittedBy)
	v.optionalText("note", c.Note)
	v.optionalText("document_ref", c.DocumentRef)
	if v.err != nil {
		return nil, v.err
	}
	d, err := p.vendors.deliverable(c.ContractID, c.DeliverableID)
	if err != nil {
		return nil, err
	}
	if d.status != deliverablePending && d.status != deliverableRejected {
		return nil, violatesField("deliverable_id", "deliverable.not_submittable", "deliverable %s is %s: only a pending or rejected deliverable can be submitted", c.DeliverableID, d.status)
	}
	return []events.Payload{events.DeliverableSubmitted(c)}, nil
}

// AcceptDeliverable accepts a submitted deliverable.
type AcceptDeliverable struct {
	ContractID    string
	DeliverableID string
	AcceptedBy    string
}

// Decide implements ProjectCommand.
func (c AcceptDeliverable) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("accepted_by", c.AcceptedBy)
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.vendors.deliverableIn(c.ContractID, c.DeliverableID, deliverableSubmitted, "deliverable.not_submitted"); err != nil {
		return nil, err
	}
	return []events.Payload{events.DeliverableAccepted(c)}, nil
}

// RejectDeliverable rejects a submitted deliverable against one of its
// acceptance criteria; the reason is required.
type RejectDeliverable struct {
	ContractID    string
	DeliverableID string
	RejectedBy    string
	CriterionID   string
	Finding       string
}

// Decide implements ProjectCommand.
func (c RejectDeliverable) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.text("rejected_by", c.RejectedBy)
	v.text("finding", c.Finding)
	v.reason(meta, "reject a deliverable")
	if v.err != nil {
		return nil, v.err
	}
	d, err := p.vendors.deliverableIn(c.ContractID, c.DeliverableID, deliverableSubmitted, "deliverable.not_submitted")
	if err != nil {
		return nil, err
	}
	if !d.criteria[c.CriterionID] {
		return nil, notFound("criterion_id", "criterion", c.CriterionID)
	}
	return []events.Payload{events.DeliverableRejected(c)}, nil
}

// DisputeDeliverable records the vendor contesting a rejection.
type DisputeDeliverable struct {
	ContractID    string
	DeliverableID string
	RaisedBy      string
	Claim         string
}

// Decide implements ProjectCommand.
func (c DisputeDeliverable) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("raised_by", c.RaisedBy)
	v.text("claim", c.Claim)
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.vendors.deliverableIn(c.ContractID, c.DeliverableID, deliverableRejected, "deliverable.not_rejected"); err != nil {
		return nil, err
	}
	return []events.Payload{events.DeliverableDisputed(c)}, nil
}

// ResolveDispute settles a dispute: accepted (the rejection is withdrawn and
// the deliverable accepted) or upheld (the vendor must resubmit). The reason
// is required.
type ResolveDispute struct {
	ContractID    string
	DeliverableID string
	Outcome       string
	ResolvedBy    string
	Resolution    string
}

// Decide implements ProjectCommand.
func (c ResolveDispute) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.oneOf("outcome", c.Outcome, events.DisputeAccepted, events.DisputeUpheld)
	v.text("resolved_by", c.ResolvedBy)
	v.text("resolution", c.Resolution)
	v.reason(meta, "resolve a dispute")
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.vendors.deliverableIn(c.ContractID, c.DeliverableID, deliverableDisputed, "deliverable.not_disputed"); err != nil {
		return nil, err
	}
	return []events.Payload{events.DisputeResolved(c)}, nil
}

// ReceiveInvoice records a vendor invoice against a purchase order of the
// contract. An amount above what remains on the PO is refused unless
// Override states why and the command carries a reason. A vendor's invoice
// number is used once per contract (a rejected invoice's number is free
// again).
type ReceiveInvoice struct {
	ContractID string
	POID       string
	Number     string
	Amount     events.Money
	IssuedOn   events.Date
	Override   string
}

// Decide implements ProjectCommand.
func (c ReceiveInvoice) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.text("number", c.Number)
	v.money("amount", c.Amount, p.Currency(), false)
	v.date("issued_on", c.IssuedOn)
	v.optionalText("override", c.Override)
	if v.err != nil {
		return nil, v.err
	}
	k, err := p.vendors.contract(c.ContractID)
	if err != nil {
		return nil, err
	}
	// A PO of another contract is not found on this one, with the same
	// answer as a PO that does not exist: invoices come from vendors, who
	// must not learn what other vendors' contracts hold.
	po, ok := p.vendors.pos[c.POID]
	if !ok || po.contractID != c.ContractID {
		return nil, &Error{Kind: ErrNotFound, Rule: "po.not_found", Field: "po_id",
			Message: fmt.Sprintf("purchase order %q does not exist on contract %s", c.POID, c.ContractID)}
	}
	if other, dup := k.invoices[normalNumber(c.Number)]; dup {
		return nil, violatesField("number", "invoice.duplicate_number", "invoice number %q was already received on contract %s as %s", c.Number, c.ContractID, other)
	}
	if remaining := po.amount - po.invoiced; c.Amount.Minor > remaining {
		if strings.TrimSpace(c.Override) == "" {
			return nil, violatesField("amount", "invoice.exceeds_po", "%s is more than the %s remaining on purchase order %s: state an override to accept it",
				c.Amount, p.inProjectCurrency(remaining), c.POID)
		}
		v.reason(meta, "accept an invoice above its purchase order")
		if v.err != nil {
			return nil, v.err
		}
	}
	return []events.Payload{events.InvoiceReceived{InvoiceID: p.nextID("INV"), ContractID: c.ContractID, POID: c.POID,
		Number: c.Number, Amount: c.Amount, IssuedOn: c.IssuedOn, Override: c.Override}}, nil
}

// ApproveInvoice approves a received invoice for payment and books its
// actual cost against its purchase order's category, in one append.
type ApproveInvoice struct {
	InvoiceID  string
	ApprovedBy string
}

// Decide implements ProjectCommand.
func (c ApproveInvoice) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("approved_by", c.ApprovedBy)
	if v.err != nil {
		return nil, v.err
	}
	inv, err := p.vendors.invoice(c.InvoiceID)
	if err != nil {
		return nil, err
	}
	if inv.status != invoiceReceived {
		return nil, violatesField("invoice_id", "invoice.not_received", "invoice %s is already %s", c.InvoiceID, inv.status)
	}
	return []events.Payload{
		events.InvoiceApproved(c),
		events.ActualRecorded{EntryID: p.nextID("AC"), Category: p.vendors.pos[inv.poID].category, Amount: p.inProjectCurrency(inv.amount),
			Source: events.SourceInvoice, InvoiceID: c.InvoiceID},
	}, nil
}

// RejectInvoice rejects a received invoice; the reason is required. Its
// amount no longer counts against the purchase order.
type RejectInvoice struct {
	InvoiceID  string
	RejectedBy string
}

// Decide implements ProjectCommand.
func (c RejectInvoice) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.text("rejected_by", c.RejectedBy)
	v.reason(meta, "reject an invoice")
	if v.err != nil {
		return nil, v.err
	}
	inv, err := p.vendors.invoice(c.InvoiceID)
	if err != nil {
		return nil, err
	}
	if inv.status != invoiceReceived {
		return nil, violatesField("invoice_id", "invoice.not_received", "invoice %s is already %s", c.InvoiceID, inv.status)
	}
	return []events.Payload{events.InvoiceRejected(c)}, nil
}

// PayInvoice records payment of an approved invoice, once.
type PayInvoice struct {
	InvoiceID  string
	PaidOn     events.Date
	PaymentRef string
}

// Decide implements ProjectCommand.
func (c PayInvoice) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.date("paid_on", c.PaidOn)
	v.optionalText("payment_ref", c.PaymentRef)
	if v.err != nil {
		return nil, v.err
	}
	inv, err := p.vendors.invoice(c.InvoiceID)
	if err != nil {
		return nil, err
	}
	switch {
	case inv.status == invoicePaid:
		return nil, violatesField("invoice_id", "invoice.already_paid", "invoice %s is already paid", c.InvoiceID)
	case inv.status != invoiceApproved:
		return nil, violatesField("invoice_id", "invoice.not_approved", "invoice %s is %s: only an approved invoice is paid", c.InvoiceID, inv.status)
	case c.PaidOn.Before(inv.issuedOn):
		return nil, violatesField("paid_on", "invoice.paid_before_issued", "must not be before the invoice was issued on %s", inv.issuedOn)
	}
	return []events.Payload{events.InvoicePaid(c)}, nil
}
