package api_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

const (
	rtContracts   = "/v1/projects/:id/contracts"
	rtDeliverable = rtContracts + "/:contractId/deliverables/:deliverableId"
	rtInvoice     = "/v1/projects/:id/invoices/:invoiceId"
)

// rtVendorSteps run a new NordTel contract (C-4, deliverable DL-9) through
// its life on the demo, with NordTel's own vendor token where a vendor
// acts. C-2 belongs to Headset Direct and C-3 to UC Partners.
func rtVendorSteps() []rtStep {
	nordtel := demo.VendorID("NordTel Carrier GmbH").String()
	c4dl9 := rtP{"contractId": "C-4", "deliverableId": "DL-9"}
	c2dl5 := rtP{"contractId": "C-2", "deliverableId": "DL-5"}
	return []rtStep{
		{name: "sign", role: "coordinator", route: rtContracts, status: http.StatusCreated, id: "C-4", types: rtT(events.ContractSigned{}),
			body: rtB{"vendor_id": nordtel, "title": "Vienna porting completion", "value": rtEUR(20_000), "signed_on": "2026-07-01",
				"sow_text":     "NordTel ports the remaining Vienna number blocks.",
				"deliverables": []rtB{{"title": "Remaining Vienna blocks ported", "due": "2026-07-20", "criteria": []rtB{{"text": "Every listed number reaches Teams"}}}}}},
		{name: "sign refused: unknown vendor", role: "coordinator", route: rtContracts, status: http.StatusNotFound, rule: "vendor.not_found",
			body: rtB{"vendor_id": uuid.NewString(), "title": "x", "value": rtEUR(1), "signed_on": "2026-07-01", "sow_text": "x"}},
		{name: "order", role: "coordinator", route: rtContracts + "/:contractId/purchase-orders", params: rtP{"contractId": "C-4"}, status: http.StatusCreated, id: "PO-4",
			types: rtT(events.PurchaseOrderIssued{}), body: rtB{"category": "services", "amount": rtEUR(20_000), "number": "4500099001"}},
		{name: "order refused: more than the contract", role: "coordinator", route: rtContracts + "/:contractId/purchase-orders", params: rtP{"contractId": "C-4"}, status: http.StatusUnprocessableEntity,
			rule: "po.exceeds_contract", body: rtB{"category": "services", "amount": rtEUR(1)}},
		{name: "vendor submits its own", role: "vendor", route: rtDeliverable + "/submissions", params: c4dl9, status: http.StatusOK, types: rtT(events.DeliverableSubmitted{}),
			body: rtB{"submitted_by": "ines.kraft@nordtel.example", "note": "porting report attached", "document_ref": "NT-PORT-77"}},
		{name: "vendor refused: another vendor's contract", role: "vendor", route: rtDeliverable + "/submissions", params: c2dl5, status: http.StatusNotFound, rule: "not_found",
			body: rtB{"submitted_by": "ines.kraft@nordtel.example"}},
		{name: "vendor refused: no such contract", role: "vendor", route: rtDeliverable + "/submissions", params: rtP{"contractId": "C-99", "deliverableId": "DL-1"}, status: http.StatusNotFound, rule: "not_found",
			body: rtB{"submitted_by": "ines.kraft@nordtel.example"}},
		{name: "reject refused: no reason", role: "coordinator", route: rtDeliverable + "/rejection", params: c4dl9, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{"rejected_by": "nils.brandt@example.com", "criterion_id": "K-1", "finding": "two numbers ring out"}},
		{name: "reject", role: "coordinator", route: rtDeliverable + "/rejection", params: c4dl9, status: http.StatusOK, types: rtT(events.DeliverableRejected{}),
			body: rtB{"rejected_by": "nils.brandt@example.com", "criterion_id": "K-1", "finding": "two numbers ring out", "reason": "test calls failed"}},
		{name: "vendor disputes its own", role: "vendor", route: rtDeliverable + "/disputes", params: c4dl9, status: http.StatusOK, types: rtT(events.DeliverableDisputed{}),
			body: rtB{"raised_by": "ines.kraft@nordtel.example", "claim": "the two numbers were not on the porting list"}},
		{name: "vendor refused: dispute on another vendor's contract", role: "vendor", route: rtDeliverable + "/disputes", params: c2dl5, status: http.StatusNotFound, rule: "not_found",
			body: rtB{"raised_by": "ines.kraft@nordtel.example", "claim": "x"}},
		{name: "resolve refused: no reason", role: "pm", route: rtDeliverable + "/dispute-resolution", params: c4dl9, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{"outcome": "accepted", "resolved_by": "petra.maier@example.com", "resolution": "not on the list"}},
		{name: "resolve", role: "pm", route: rtDeliverable + "/dispute-resolution", params: c4dl9, status: http.StatusOK, types: rtT(events.DisputeResolved{}),
			body: rtB{"outcome": "accepted", "resolved_by": "petra.maier@example.com", "resolution": "the numbers were not on the list", "reason": "list checked"}},
		{name: "submit for the vendor", role: "coordinator", route: rtDeliverable + "/submissions", params: c2dl5, status: http.StatusOK,
			body: rtB{"submitted_by": "tom.hale@headsetdirect.example"}},
		{name: "accept refused: a contributor does not accept", role: "contributor", route: rtDeliverable + "/acceptance", params: c2dl5, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"accepted_by": "sam.okafor@example.com"}},
		{name: "accept", role: "coordinator", route: rtDeliverable + "/acceptance", params: c2dl5, status: http.StatusOK, types: rtT(events.DeliverableAccepted{}),
			body: rtB{"accepted_by": "sam.okafor@example.com"}},
		{name: "accept refused: accepted already", role: "coordinator", route: rtDeliverable + "/acceptance", params: c2dl5, status: http.StatusUnprocessableEntity, rule: "deliverable.not_submitted",
			body: rtB{"accepted_by": "sam.okafor@example.com"}},
		{name: "vendor invoices its own", role: "vendor", route: rtContracts + "/:contractId/invoices", params: rtP{"contractId": "C-4"}, status: http.StatusCreated, id: "INV-8",
			types: rtT(events.InvoiceReceived{}), body: rtB{"po_id": "PO-4", "number": "NT-2026-0900", "amount": rtEUR(20_000), "issued_on": "2026-07-01"}},
		{name: "vendor refused: invoice on another vendor's contract", role: "vendor", route: rtContracts + "/:contractId/invoices", params: rtP{"contractId": "C-3"}, status: http.StatusNotFound, rule: "not_found",
			body: rtB{"po_id": "PO-3", "number": "NT-1", "amount": rtEUR(1), "issued_on": "2026-07-01"}},
		// Another vendor's PO on the vendor's own contract is answered as a PO
		// that does not exist: nothing tells the vendor it is there.
		{name: "vendor refused: another vendor's PO on its own contract", role: "vendor", route: rtContracts + "/:contractId/invoices", params: rtP{"contractId": "C-4"}, status: http.StatusNotFound, rule: "po.not_found",
			body: rtB{"po_id": "PO-3", "number": "NT-2", "amount": rtEUR(1), "issued_on": "2026-07-01"}},
		{name: "vendor refused: a PO that does not exist", role: "vendor", route: rtContracts + "/:contractId/invoices", params: rtP{"contractId": "C-4"}, status: http.StatusNotFound, rule: "po.not_found",
			body: rtB{"po_id": "PO-99", "number": "NT-2", "amount": rtEUR(1), "issued_on": "2026-07-01"}},
		{name: "invoice refused: the number twice", role: "coordinator", route: rtContracts + "/:contractId/invoices", params: rtP{"contractId": "C-1"}, status: http.StatusUnprocessableEntity,
			rule: "invoice.duplicate_number", body: rtB{"po_id": "PO-1", "number": "nt-2026-0711", "amount": rtEUR(1_000), "issued_on": "2026-07-01"}},
		{name: "approve invoice refused: a coordinator does not approve", role: "coordinator", route: rtInvoice + "/approval", params: rtP{"invoiceId": "INV-8"}, status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"approved_by": "farah.idris@example.com"}},
		{name: "approve invoice", role: "pm", route: rtInvoice + "/approval", params: rtP{"invoiceId": "INV-8"}, status: http.StatusOK, types: rtT(events.InvoiceApproved{}, events.ActualRecorded{}),
			body: rtB{"approved_by": "farah.idris@example.com"}},
		{name: "pay invoice", role: "pm", route: rtInvoice + "/payment", params: rtP{"invoiceId": "INV-8"}, status: http.StatusOK, types: rtT(events.InvoicePaid{}),
			body: rtB{"paid_on": "2026-07-01", "payment_ref": "PAY-2026-07-001"}},
		{name: "pay invoice refused: not approved", role: "pm", route: rtInvoice + "/payment", params: rtP{"invoiceId": "INV-6"}, status: http.StatusUnprocessableEntity, rule: "invoice.not_approved",
			body: rtB{"paid_on": "2026-07-01"}},
		{name: "reject invoice refused: no reason", role: "pm", route: rtInvoice + "/rejection", params: rtP{"invoiceId": "INV-7"}, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{"rejected_by": "farah.idris@example.com"}},
		{name: "reject invoice", role: "pm", route: rtInvoice + "/rejection", params: rtP{"invoiceId": "INV-7"}, status: http.StatusOK, types: rtT(events.InvoiceRejected{}),
			body: rtB{"rejected_by": "farah.idris@example.com", "reason": "billed before DL-3 was accepted"}},
	}
}

func TestRoutesVendors(t *testing.T) {
	f := demoFixture(t)
	project := demo.ProjectID().String()
	rtRun(t, f, project, rtVendorSteps())

	var vendors struct {
		Contracts []struct {
			ID           string `json:"id"`
			VendorID     string `json:"vendor_id"`
			Committed    int64  `json:"committed"`
			Paid         int64  `json:"paid"`
			Deliverables []struct {
				ID          string `json:"id"`
				Status      string `json:"status"`
				Submissions int    `json:"submissions"`
			} `json:"deliverables"`
		} `json:"contracts"`
		Invoices []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"invoices"`
	}
	rtGet(t, f, project, "/vendors", &vendors)
	require.Len(t, vendors.Contracts, 4)
	c4 := vendors.Contracts[3]
	require.Equal(t, "C-4", c4.ID)
	require.Equal(t, demo.VendorID("NordTel Carrier GmbH").String(), c4.VendorID)
	require.EqualValues(t, 2_000_000, c4.Committed)
	require.EqualValues(t, 2_000_000, c4.Paid)
	require.Equal(t, "DL-9", c4.Deliverables[0].ID)
	require.Equal(t, "accepted", c4.Deliverables[0].Status, "the dispute was resolved for the vendor")
	require.Equal(t, "accepted", vendors.Contracts[1].Deliverables[1].Status, "DL-5")
	invoices := map[string]string{}
	for _, inv := range vendors.Invoices {
		invoices[inv.ID] = inv.Status
	}
	require.Equal(t, "paid", invoices["INV-8"])
	require.Equal(t, "rejected", invoices["INV-7"])

	// What the vendor sees is its own: C-1 and C-4.
	var own struct {
		Contracts []struct {
			ID string `json:"id"`
		} `json:"contracts"`
	}
	f.json("vendor", http.MethodGet, "/v1/projects/"+project+"/vendors", nil, http.StatusOK, &own)
	require.Len(t, own.Contracts, 2)
	require.Equal(t, "C-4", own.Contracts[1].ID)
}

// TestRoutesVendorTokenReachesOnlyItsOwn: a vendor token gets a 404 from
// every other write route, whatever it sends, and nothing is written.
func TestRoutesVendorTokenReachesOnlyItsOwn(t *testing.T) {
	f := demoFixture(t)
	project := demo.ProjectID().String()
	var before, after struct {
		Version uint64 `json:"version"`
	}
	f.json("admin", http.MethodGet, "/v1/projects/"+project+"/raid", nil, http.StatusOK, &before)
	vendorRoutes := map[string]bool{}
	for _, r := range f.server.Routes() {
		if r.Method != http.MethodPost {
			continue
		}
		if r.Vendor {
			vendorRoutes[r.Path] = true
			continue
		}
		params := rtP{}
		for _, name := range []string{"crId", "entryId", "milestoneId", "taskId", "assignmentId", "contractId", "deliverableId", "invoiceId",
			"assumptionId", "issueId", "dependencyId", "actionId", "documentId", "person", "system", "personId", "grantId", "riskId", "tokenId"} {
			params[name] = "X-1"
		}
		params["contractId"], params["deliverableId"], params["invoiceId"] = "C-1", "DL-1", "INV-5" // its own, and still not allowed
		path := rtPath(t, r.Path, project, params)
		status, _, body := f.do("vendor", http.MethodPost, path, rtB{})
		require.Equal(t, http.StatusNotFound, status, "POST %s: %s", r.Path, body)
	}
	require.Equal(t, map[string]bool{
		rtDeliverable + "/submissions":        true,
		rtDeliverable + "/disputes":           true,
		rtContracts + "/:contractId/invoices": true,
	}, vendorRoutes)
	f.json("admin", http.MethodGet, "/v1/projects/"+project+"/raid", nil, http.StatusOK, &after)
	require.Equal(t, before.Version, after.Version, "nothing was written")
}
