package events

// Vendors. The vendor master is stream vendor-<uuid>; contracts, purchase
// orders, deliverables and invoices live in the project's stream, where the
// change requests that amend them are.

// VendorRegistered adds a vendor to the master. Stream: vendor-<uuid>.
type VendorRegistered struct {
	VendorID string `json:"vendor_id"`
	Name     string `json:"name"`
	Contact  string `json:"contact"`
	Country  string `json:"country,omitempty"`
}

// Criterion is one acceptance criterion of a deliverable.
type Criterion struct {
	CriterionID string `json:"criterion_id"`
	Text        string `json:"text"`
}

// Deliverable is what a contract obliges the vendor to hand over.
type Deliverable struct {
	DeliverableID string      `json:"deliverable_id"`
	Title         string      `json:"title"`
	Due           Date        `json:"due"`
	Criteria      []Criterion `json:"criteria"`
}

// ContractSigned records a contract with a vendor: its value, the statement
// of work (text and SHA-256 of the text) and its deliverables.
type ContractSigned struct {
	ContractID   string        `json:"contract_id"`
	VendorID     string        `json:"vendor_id"`
	Title        string        `json:"title"`
	Value        Money         `json:"value"`
	SignedOn     Date          `json:"signed_on"`
	SOWText      string        `json:"sow_text"`
	SOWHash      string        `json:"sow_hash"`
	Deliverables []Deliverable `json:"deliverables"`
}

// ContractAmended applies a change request to a contract: a new value and
// added or changed deliverables.
type ContractAmended struct {
	ContractID          string              `json:"contract_id"`
	ValueDelta          Money               `json:"value_delta"`
	Value               Money               `json:"value"` // the new contract value
	DeliverablesAdded   []Deliverable       `json:"deliverables_added,omitempty"`
	DeliverablesChanged []DeliverableChange `json:"deliverables_changed,omitempty"`
	CRID                string              `json:"cr_id"`
}

// PurchaseOrderIssued commits budget to a vendor under a contract.
type PurchaseOrderIssued struct {
	POID       string `json:"po_id"`
	ContractID string `json:"contract_id"`
	VendorID   string `json:"vendor_id"`
	Category   string `json:"category"`
	Amount     Money  `json:"amount"`
	Number     string `json:"number,omitempty"` // the finance system's PO number
}

// DeliverableSubmitted records the vendor handing a deliverable over.
type DeliverableSubmitted struct {
	ContractID    string `json:"contract_id"`
	DeliverableID string `json:"deliverable_id"`
	SubmittedBy   string `json:"submitted_by"`
	Note          string `json:"note,omitempty"`
	DocumentRef   string `json:"document_ref,omitempty"`
}

// DeliverableAccepted accepts a submitted deliverable.
type DeliverableAccepted struct {
	ContractID    string `json:"contract_id"`
	DeliverableID string `json:"deliverable_id"`
	AcceptedBy    string `json:"accepted_by"`
}

// DeliverableRejected rejects a submitted deliverable against one of its
// acceptance criteria.
type DeliverableRejected struct {
	ContractID    string `json:"contract_id"`
	DeliverableID string `json:"deliverable_id"`
	RejectedBy    string `json:"rejected_by"`
	CriterionID   string `json:"criterion_id"`
	Finding       string `json:"finding"`
}

// DeliverableDisputed records the vendor contesting a rejection.
type DeliverableDisputed struct {
	ContractID    string `json:"contract_id"`
	DeliverableID string `json:"deliverable_id"`
	RaisedBy      string `json:"raised_by"`
	Claim         string `json:"claim"`
}

// Dispute outcomes.
const (
	DisputeAccepted = "accepted" // the rejection is withdrawn; the deliverable is accepted
	DisputeUpheld   = "upheld"   // the rejection stands; the vendor must resubmit
)

// DisputeResolved settles a dispute.
type DisputeResolved struct {
	ContractID    string `json:"contract_id"`
	DeliverableID string `json:"deliverable_id"`
	Outcome       string `json:"outcome"`
	ResolvedBy    string `json:"resolved_by"`
	Resolution    string `json:"resolution"`
}

// InvoiceReceived records a vendor invoice against a purchase order. An
// amount above the PO's remaining balance needs Override, a stated reason.
type InvoiceReceived struct {
	InvoiceID  string `json:"invoice_id"`
	ContractID string `json:"contract_id"`
	POID       string `json:"po_id"`
	Number     string `json:"number"` // the vendor's invoice number
	Amount     Money  `json:"amount"`
	IssuedOn   Date   `json:"issued_on"`
	Override   string `json:"override,omitempty"`
}

// InvoiceApproved approves an invoice for payment; its actual cost is
// booked by an ActualRecorded in the same append.
type InvoiceApproved struct {
	InvoiceID  string `json:"invoice_id"`
	ApprovedBy string `json:"approved_by"`
}

// InvoiceRejected rejects an invoice.
type InvoiceRejected struct {
	InvoiceID  string `json:"invoice_id"`
	RejectedBy string `json:"rejected_by"`
}

// InvoicePaid records payment of an approved invoice.
type InvoicePaid struct {
	InvoiceID  string `json:"invoice_id"`
	PaidOn     Date   `json:"paid_on"`
	PaymentRef string `json:"payment_ref,omitempty"`
}

func (VendorRegistered) EventType() string     { return "vendor.registered" }
func (ContractSigned) EventType() string       { return "vendor.contract_signed" }
func (ContractAmended) EventType() string      { return "vendor.contract_amended" }
func (PurchaseOrderIssued) EventType() string  { return "vendor.purchase_order_issued" }
func (DeliverableSubmitted) EventType() string { return "vendor.deliverable_submitted" }
func (DeliverableAccepted) EventType() string  { return "vendor.deliverable_accepted" }
func (DeliverableRejected) EventType() string  { return "vendor.deliverable_rejected" }
func (DeliverableDisputed) EventType() string  { return "vendor.deliverable_disputed" }
func (DisputeResolved) EventType() string      { return "vendor.dispute_resolved" }
func (InvoiceReceived) EventType() string      { return "vendor.invoice_received" }
func (InvoiceApproved) EventType() string      { return "vendor.invoice_approved" }
func (InvoiceRejected) EventType() string      { return "vendor.invoice_rejected" }
func (InvoicePaid) EventType() string          { return "vendor.invoice_paid" }

// ChangeRequest names the CR behind the amendment.
func (e ContractAmended) ChangeRequest() string { return e.CRID }
