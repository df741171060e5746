package projections

import (
	"context"
	"maps"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Vendors is the vendor register: each contract with its money and its
// deliverables, the invoices, and the totals. Vendor names live in the
// vendor master, not in the project; rows carry the vendor id.
type Vendors struct {
	Header
	Contracts []ContractRow `json:"contracts"`
	Invoices  []InvoiceRow  `json:"invoices"`
	Totals    VendorTotals  `json:"totals"`
}

// ContractRow is a contract with what was committed, invoiced, approved and
// paid under it, and its deliverables as of the moment.
//
// Invoiced counts invoices received, approved and paid (not rejected);
// approved counts approved and paid; remaining to invoice is the contract
// value less what was invoiced (negative if the vendor invoiced more).
type ContractRow struct {
	ID                 string           `json:"id"`
	VendorID           string           `json:"vendor_id"`
	Title              string           `json:"title"`
	Value              int64            `json:"value"`
	SignedOn           events.Date      `json:"signed_on"`
	SOWHash            string           `json:"sow_hash,omitempty"`
	Amendments         []string         `json:"amendments"` // the change requests that amended it, in order
	PurchaseOrders     []PurchaseOrder  `json:"purchase_orders"`
	Committed          int64            `json:"committed"`
	Invoiced           int64            `json:"invoiced"`
	Approved           int64            `json:"approved"`
	Paid               int64            `json:"paid"`
	RemainingToInvoice int64            `json:"remaining_to_invoice"`
	Deliverables       []DeliverableRow `json:"deliverables"`
	Disputes           []string         `json:"disputes"` // deliverables currently disputed
}

// DeliverableRow is a deliverable with its lateness for the moment.
type DeliverableRow struct {
	Deliverable
	Overdue          bool `json:"overdue"` // not accepted and due before today
	DaysOverdue      int  `json:"days_overdue,omitempty"`
	AcceptedLateDays int  `json:"accepted_late_days,omitempty"` // accepted this many days after it was due
}

// InvoiceRow is an invoice with how long it has been waiting.
type InvoiceRow struct {
	Invoice
	DaysOutstanding int `json:"days_outstanding,omitempty"` // since issued, while received or approved and not yet paid
}

// VendorTotals adds up the contracts of the view.
type VendorTotals struct {
	Value              int64 `json:"value"`
	Committed          int64 `json:"committed"`
	Invoiced           int64 `json:"invoiced"`
	Approved           int64 `json:"approved"`
	Paid               int64 `json:"paid"`
	RemainingToInvoice int64 `json:"remaining_to_invoice"`
}

// VendorsView computes the vendor register of s at moment. A non-empty
// vendorID keeps only that vendor's contracts and their invoices (what a
// vendor's own role may see).
func VendorsView(s *State, q Query, moment time.Time, vendorID string) Vendors {
	today := events.DateOf(moment)
	v := Vendors{Header: header(s, q, moment), Contracts: []ContractRow{}, Invoices: []InvoiceRow{}}
	rows := map[string]*ContractRow{}
	for _, c := range sortedByID(s.Contracts.All(), func(c Contract) string { return c.ID }) {
		if vendorID != "" && c.VendorID != vendorID {
			continue
		}
		row := ContractRow{ID: c.ID, VendorID: c.VendorID, Title: c.Title, Value: c.Value, SignedOn: c.Signed.SignedOn, SOWHash: c.Signed.SOWHash,
			Amendments: append([]string{}, c.Amendments...), PurchaseOrders: []PurchaseOrder{}, Deliverables: []DeliverableRow{}, Disputes: []string{}}
		for _, d := range sortedByID(maps.All(c.Deliverables), func(d Deliverable) string { return d.ID }) {
			dr := DeliverableRow{Deliverable: d}
			if d.Status != "accepted" && !d.Due.IsZero() && d.Due.Before(today) {
				dr.Overdue, dr.DaysOverdue = true, daysFrom(d.Due, today)
			}
			if d.Status == "accepted" && d.Accepted.After(d.Due) {
				dr.AcceptedLateDays = daysFrom(d.Due, d.Accepted)
			}
			if d.Status == "disputed" {
				row.Disputes = append(row.Disputes, d.ID)
			}
			row.Deliverables = append(row.Deliverables, dr)
		}
		v.Contracts = append(v.Contracts, row)
	}
	for i := range v.Contracts {
		rows[v.Contracts[i].ID] = &v.Contracts[i]
	}
	for _, po := range sortedByID(s.POs.All(), func(p PurchaseOrder) string { return p.ID }) {
		if row, ok := rows[po.ContractID]; ok {
			row.PurchaseOrders = append(row.PurchaseOrders, po)
			row.Committed += po.Amount
		}
	}
	for _, inv := range sortedByID(s.Invoices.All(), func(i Invoice) string { return i.ID }) {
		row, ok := rows[inv.ContractID]
		if !ok {
			continue
		}
		ir := InvoiceRow{Invoice: inv}
		switch inv.Status {
		case "received":
			row.Invoiced += inv.Amount
		case "approved":
			row.Invoiced += inv.Amount
			row.Approved += inv.Amount
		case "paid":
			row.Invoiced += inv.Amount
			row.Approved += inv.Amount
			row.Paid += inv.Amount
		}
		if (inv.Status == "received" || inv.Status == "approved") && !inv.IssuedOn.IsZero() {
			ir.DaysOutstanding = max(0, daysFrom(inv.IssuedOn, today))
		}
		v.Invoices = append(v.Invoices, ir)
	}
	for i := range v.Contracts {
		c := &v.Contracts[i]
		c.RemainingToInvoice = c.Value - c.Invoiced
		v.Totals.Value += c.Value
		v.Totals.Committed += c.Committed
		v.Totals.Invoiced += c.Invoiced
		v.Totals.Approved += c.Approved
		v.Totals.Paid += c.Paid
		v.Totals.RemainingToInvoice += c.RemainingToInvoice
	}
	return v
}

// Vendors returns the vendor register of project id as q asks; a non-empty
// vendorID keeps only that vendor's contracts.
func (e *Engine) Vendors(ctx context.Context, id uuid.UUID, q Query, vendorID string) (Vendors, error) {
	return view(ctx, e, id, q, func(s *State, m time.Time) Vendors { return VendorsView(s, q, m, vendorID) })
}
