package api

import (
	"net/http"
	"time"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
)

// ContractRequest signs a contract with a vendor of the vendor master.
// Deliverable and criterion ids are assigned (DL-n across the project, K-n
// within a deliverable).
type ContractRequest struct {
	Write
	VendorID     string               `json:"vendor_id"`
	Title        string               `json:"title"`
	Value        events.Money         `json:"value"`
	SignedOn     events.Date          `json:"signed_on"`
	SOWText      string               `json:"sow_text"`
	Deliverables []events.Deliverable `json:"deliverables,omitempty"`
}

// PurchaseOrderRequest commits budget to a contract.
type PurchaseOrderRequest struct {
	Write
	Category string       `json:"category"`
	Amount   events.Money `json:"amount"`
	Number   string       `json:"number,omitempty"` // the finance system's PO number
}

// SubmissionRequest hands a deliverable over (a vendor token may, for its
// own contracts).
type SubmissionRequest struct {
	Write
	SubmittedBy string `json:"submitted_by"`
	Note        string `json:"note,omitempty"`
	DocumentRef string `json:"document_ref,omitempty"`
}

// AcceptanceRequest accepts a submitted deliverable.
type AcceptanceRequest struct {
	Write
	AcceptedBy string `json:"accepted_by"`
}

// DeliverableRejectionRequest rejects a submitted deliverable against one
// of its criteria; the reason is required.
type DeliverableRejectionRequest struct {
	Write
	RejectedBy  string `json:"rejected_by"`
	CriterionID string `json:"criterion_id"`
	Finding     string `json:"finding"`
}

// DisputeRequest contests a rejection (a vendor token may, for its own
// contracts).
type DisputeRequest struct {
	Write
	RaisedBy string `json:"raised_by"`
	Claim    string `json:"claim"`
}

// DisputeResolutionRequest settles a dispute: accepted or upheld; the
// reason is required.
type DisputeResolutionRequest struct {
	Write
	Outcome    string `json:"outcome"` // accepted, upheld
	ResolvedBy string `json:"resolved_by"`
	Resolution string `json:"resolution"`
}

// InvoiceRequest records a vendor invoice against a purchase order of the
// contract (a vendor token may, for its own contracts). An amount above
// what remains on the order needs an override and a reason.
type InvoiceRequest struct {
	Write
	POID     string       `json:"po_id"`
	Number   string       `json:"number"` // the vendor's invoice number
	Amount   events.Money `json:"amount"`
	IssuedOn events.Date  `json:"issued_on"`
	Override string       `json:"override,omitempty"`
}

// InvoiceApprovalRequest approves an invoice and books its actual cost.
type InvoiceApprovalRequest struct {
	Write
	ApprovedBy string `json:"approved_by"`
}

// InvoiceRejectionRequest rejects an invoice; the reason is required.
type InvoiceRejectionRequest struct {
	Write
	RejectedBy string `json:"rejected_by"`
}

// PaymentRequest records payment of an approved invoice.
type PaymentRequest struct {
	Write
	PaidOn     events.Date `json:"paid_on"`
	PaymentRef string      `json:"payment_ref,omitempty"`
}

func (s *Server) vendorRoutes() []Route {
	const base = "/v1/projects/:id"
	const contract = base + "/contracts/:contractId"
	const deliverable = contract + "/deliverables/:deliverableId"
	const invoice = base + "/invoices/:invoiceId"
	return []Route{
		command(base+"/contracts", "Sign a contract with a registered vendor", writers, http.StatusCreated, "contract_id", func(cl *call, r ContractRequest) aggregates.ProjectCommand {
			return aggregates.SignContract{VendorID: r.VendorID, Title: r.Title, Value: r.Value, SignedOn: r.SignedOn, SOWText: r.SOWText, Deliverables: r.Deliverables}
		}),
		command(contract+"/purchase-orders", "Issue a purchase order on a contract", writers, http.StatusCreated, "po_id", func(cl *call, r PurchaseOrderRequest) aggregates.ProjectCommand {
			return aggregates.IssuePurchaseOrder{ContractID: cl.Param("contractId"), Category: r.Category, Amount: r.Amount, Number: r.Number}
		}),
		ownContract(command(deliverable+"/submissions", "Submit a deliverable (a vendor: its own contracts)", writers, http.StatusOK, "", func(cl *call, r SubmissionRequest) aggregates.ProjectCommand {
			return aggregates.SubmitDeliverable{ContractID: cl.Param("contractId"), DeliverableID: cl.Param("deliverableId"), SubmittedBy: r.SubmittedBy, Note: r.Note, DocumentRef: r.DocumentRef}
		})),
		command(deliverable+"/acceptance", "Accept a submitted deliverable", writers, http.StatusOK, "", func(cl *call, r AcceptanceRequest) aggregates.ProjectCommand {
			return aggregates.AcceptDeliverable{ContractID: cl.Param("contractId"), DeliverableID: cl.Param("deliverableId"), AcceptedBy: r.AcceptedBy}
		}),
		command(deliverable+"/rejection", "Reject a submitted deliverable against a criterion (reason required)", writers, http.StatusOK, "", func(cl *call, r DeliverableRejectionRequest) aggregates.ProjectCommand {
			return aggregates.RejectDeliverable{ContractID: cl.Param("contractId"), DeliverableID: cl.Param("deliverableId"), RejectedBy: r.RejectedBy, CriterionID: r.CriterionID, Finding: r.Finding}
		}),
		ownContract(command(deliverable+"/disputes", "Dispute a rejection (a vendor: its own contracts)", writers, http.StatusOK, "", func(cl *call, r DisputeRequest) aggregates.ProjectCommand {
			return aggregates.DisputeDeliverable{ContractID: cl.Param("contractId"), DeliverableID: cl.Param("deliverableId"), RaisedBy: r.RaisedBy, Claim: r.Claim}
		})),
		command(deliverable+"/dispute-resolution", "Resolve a dispute: accepted or upheld (reason required)", writers, http.StatusOK, "", func(cl *call, r DisputeResolutionRequest) aggregates.ProjectCommand {
			return aggregates.ResolveDispute{ContractID: cl.Param("contractId"), DeliverableID: cl.Param("deliverableId"), Outcome: r.Outcome, ResolvedBy: r.ResolvedBy, Resolution: r.Resolution}
		}),
		ownContract(command(contract+"/invoices", "Receive a vendor invoice (a vendor: its own contracts)", writers, http.StatusCreated, "invoice_id", func(cl *call, r InvoiceRequest) aggregates.ProjectCommand {
			return aggregates.ReceiveInvoice{ContractID: cl.Param("contractId"), POID: r.POID, Number: r.Number, Amount: r.Amount, IssuedOn: r.IssuedOn, Override: r.Override}
		})),
		command(invoice+"/approval", "Approve an invoice and book its actual cost", deciders, http.StatusOK, "", func(cl *call, r InvoiceApprovalRequest) aggregates.ProjectCommand {
			return aggregates.ApproveInvoice{InvoiceID: cl.Param("invoiceId"), ApprovedBy: r.ApprovedBy}
		}),
		command(invoice+"/rejection", "Reject an invoice (reason required)", deciders, http.StatusOK, "", func(cl *call, r InvoiceRejectionRequest) aggregates.ProjectCommand {
			return aggregates.RejectInvoice{InvoiceID: cl.Param("invoiceId"), RejectedBy: r.RejectedBy}
		}),
		command(invoice+"/payment", "Record payment of an approved invoice", deciders, http.StatusOK, "", func(cl *call, r PaymentRequest) aggregates.ProjectCommand {
			return aggregates.PayInvoice{InvoiceID: cl.Param("invoiceId"), PaidOn: r.PaidOn, PaymentRef: r.PaymentRef}
		}),
	}
}

// ownContract opens a contract route to vendor tokens, for their own
// vendor's contracts only: any other contract, existing or not, is a 404,
// so a vendor cannot learn what other vendors have.
func ownContract(r Route) Route {
	r.Vendor = true
	handle := r.handle
	r.handle = func(cl *call) error {
		if cl.who.Role == events.RoleVendor {
			if err := cl.vendorOwns(cl.Param("contractId")); err != nil {
				return err
			}
		}
		return handle(cl)
	}
	return r
}

// vendorOwns answers errNotFound unless the contract is the calling
// vendor's.
func (cl *call) vendorOwns(contractID string) error {
	if cl.who.VendorID == "" {
		return errNotFound
	}
	owned := false
	err := cl.s.engine.At(cl.Request().Context(), cl.project, projections.Query{}, func(st *projections.State, _ time.Time) error {
		c, ok := st.Contracts.Get(contractID)
		owned = ok && c.VendorID == cl.who.VendorID
		return nil
	})
	if err != nil {
		return err
	}
	if !owned {
		return errNotFound
	}
	return nil
}
