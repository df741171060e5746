package aggregates

import (
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
	deliverables map[string]*deliverable
}

type purchaseOrder struct {
	contractID string
	category   string
	amount     int64
	invoiced   int64 // received or approved or paid, not rejected
}

type invoice struct {
	poID   string
	amount int64
	status string
}

type vendors struct {
	contracts map[string]*contract
	pos       map[string]*purchaseOrder
	invoices  map[string]*invoice
}

func newVendors() vendors {
	return vendors{contracts: map[string]*contract{}, pos: map[string]*purchaseOrder{}, invoices: map[string]*invoice{}}
}

func newDeliverable(d events.Deliverable) *deliverable {
	criteria := map[string]bool{}
	for _, c := range d.Criteria {
		criteria[c.CriterionID] = true
	}
	return &deliverable{status: deliverablePending, due: d.Due, criteria: criteria}
}

func (v *vendors) apply(p *Project, payload events.Payload) {
	switch e := payload.(type) {
	case events.ContractSigned:
		c := &contract{vendorID: e.VendorID, value: e.Value.Minor, deliverables: map[string]*deliverable{}}
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
		v.invoices[e.InvoiceID] = &invoice{poID: e.POID, amount: e.Amount.Minor, status: invoiceReceived}
		v.pos[e.POID].invoiced += e.Amount.Minor
		p.count("INV")
	case events.InvoiceApproved:
		v.invoices[e.InvoiceID].status = invoiceApproved
	case events.InvoiceRejected:
		inv := v.invoices[e.InvoiceID]
		inv.status = invoiceRejected
		v.pos[inv.poID].invoiced -= inv.amount
	case events.InvoicePaid:
		v.invoices[e.InvoiceID].status = invoicePaid
	}
}
