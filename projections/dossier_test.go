package projections_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// TestDossierOfC1InTheDispute is the vendor-dispute lookup on 10 May, while
// NordTel disputes the rejection of its regional trunks (DL-2): what the
// contract said, what CR-1 changed, what was submitted, who rejected it on
// which criterion, and what has been invoiced and paid so far.
func TestDossierOfC1InTheDispute(t *testing.T) {
	e, id := demoEngine(t)
	d, err := e.Dossier(context.Background(), id, "", "C-1", asOf("2026-05-10").AsOf)
	require.NoError(t, err)
	require.Equal(t, "2026-05-10", d.Today)
	require.Equal(t, "C-1", d.ContractID)
	require.NotNil(t, d.Vendor)
	require.Equal(t, "NordTel Carrier GmbH", d.Vendor.Name, "from the vendor master")
	require.Len(t, d.Contracts, 1)
	c := d.Contracts[0]
	require.Equal(t, d.VendorID, c.VendorID)

	// As signed on 5 March: EUR 80,000, three deliverables, DL-2 due
	// 10 April with three criteria; the SOW hash is the hash of its text.
	require.Equal(t, "SIP trunking and number porting", c.AsSigned.Title)
	require.Equal(t, int64(8_000_000), c.AsSigned.Value)
	require.Equal(t, "2026-03-05", c.AsSigned.SignedOn.String())
	sum := sha256.Sum256([]byte(c.AsSigned.SOWText))
	require.Equal(t, hex.EncodeToString(sum[:]), c.AsSigned.SOWHash)
	require.Len(t, c.AsSigned.Deliverables, 3)
	require.Equal(t, "2026-04-10", c.AsSigned.Deliverables[1].Due.String())

	// One amendment: CR-1 added EUR 6,000 and moved DL-2 and DL-3, approved
	// by the CIO at the steering committee of 13 April.
	require.Equal(t, int64(8_600_000), c.Value)
	require.Len(t, c.Amendments, 1)
	am := c.Amendments[0]
	require.Equal(t, int64(600_000), am.ValueDelta)
	require.Equal(t, "CR-1", am.ChangeRequest.CRID)
	require.Equal(t, "Extend the schedule three weeks for the SIP trunk delay", am.ChangeRequest.Title)
	require.Equal(t, "approved", am.ChangeRequest.Decision)
	require.Equal(t, "helena.schulz@example.com", am.ChangeRequest.Approver)
	require.Equal(t, "three weeks cost less than a second carrier, and contingency covers the fee", am.ChangeRequest.Rationale)
	require.Equal(t, "2026-04-13", am.ChangeRequest.DecidedAt.Format("2006-01-02"))
	require.Equal(t, "2026-04-14", am.Event.EffectiveAt.Format("2006-01-02"), "implemented the day after")

	require.Len(t, c.PurchaseOrders, 1)
	require.Equal(t, "4500012871", c.PurchaseOrders[0].Number)
	require.Equal(t, int64(8_000_000), c.PurchaseOrders[0].Amount)

	// DL-2: due moved 10 April → 1 May by CR-1, submitted 1 May, rejected
	// 4 May by Nils on K-2 (failover), disputed by NordTel on 6 May; the
	// dispute is not resolved yet.
	require.Equal(t, []string{"DL-1", "DL-2", "DL-3"}, dossierIDs(c.Deliverables))
	dl2 := c.Deliverables[1]
	require.Equal(t, "2026-04-10", dl2.DueAsSigned.String())
	require.Equal(t, "2026-05-01", dl2.Due.String())
	require.Equal(t, "disputed", dl2.Status)
	require.Equal(t, 1, dl2.Submissions)
	require.Equal(t, []string{"signed", "amended", "submitted", "rejected", "disputed"}, dossierSteps(dl2))
	require.Equal(t, "CR-1", dl2.Timeline[1].CRID)
	rejected := dl2.Timeline[3]
	require.Equal(t, "nils.brandt@example.com", rejected.Person)
	require.Equal(t, "K-2", rejected.CriterionID)
	require.Equal(t, "Failover between both trunks tested", rejected.CriterionText)
	require.Equal(t, "2026-05-04", rejected.EffectiveAt.Format("2006-01-02"))
	disputed := dl2.Timeline[4]
	require.Equal(t, "ines.kraft@nordtel.example", disputed.Person, "NordTel raised it")
	require.Equal(t, "chris.ortega@example.com", disputed.Actor, "the coordinator recorded it")
	require.Equal(t, "accepted", c.Deliverables[0].Status, "DL-1, Berlin, accepted 27 April")

	// Invoices: only the setup fee so far, received (dated 31 March),
	// approved 6 April, paid 30 April.
	require.Len(t, c.Invoices, 1)
	inv := c.Invoices[0]
	require.Equal(t, "NT-2026-0412", inv.Number)
	require.Equal(t, "paid", inv.Status)
	require.Equal(t, []string{"received", "approved", "paid"}, dossierStages(inv))
	require.Equal(t, "2026-03-31", inv.Stages[0].EffectiveAt.Format("2006-01-02"))
	require.Equal(t, "farah.idris@example.com", inv.Stages[1].Person)
	require.Len(t, c.Payments, 1)
	require.Equal(t, "PAY-2026-04-117", c.Payments[0].PaymentRef)
	require.Equal(t, "2026-04-30", c.Payments[0].PaidOn.String())
	require.Equal(t, projections.DossierTotals{Value: 8_600_000, Committed: 8_000_000, Invoiced: 2_000_000, Approved: 2_000_000, Paid: 2_000_000}, c.Totals)
}

// TestDossierOfC1AtTheEnd: the dispute was upheld on 13 May (the rejection
// stood), NordTel resubmitted on 15 May and Nils accepted on 18 May. Three
// invoices: the setup fee paid, NT-2026-0588 approved 3 June, NT-2026-0711
// received 26 June.
func TestDossierOfC1AtTheEnd(t *testing.T) {
	e, id := demoEngine(t)
	d, err := e.Dossier(context.Background(), id, "", "C-1", projections.Bound{})
	require.NoError(t, err)
	c := d.Contracts[0]
	dl2 := c.Deliverables[1]
	require.Equal(t, "accepted", dl2.Status)
	require.Equal(t, 2, dl2.Submissions)
	require.Equal(t, []string{"signed", "amended", "submitted", "rejected", "disputed", "resolved", "submitted", "accepted"}, dossierSteps(dl2))
	resolved := dl2.Timeline[5]
	require.Equal(t, "upheld", resolved.Outcome)
	require.Equal(t, "petra.maier@example.com", resolved.Person)
	require.Equal(t, "rejected", resolved.Status, "upheld: the rejection stands")
	require.Equal(t, "nils.brandt@example.com", dl2.Timeline[7].Person)
	require.Equal(t, "accepted", c.Deliverables[2].Status, "DL-3, porting, accepted 24 June")

	var invoices []string
	for _, inv := range c.Invoices {
		invoices = append(invoices, inv.Number+" "+inv.Status)
	}
	require.Equal(t, []string{"NT-2026-0412 paid", "NT-2026-0588 approved", "NT-2026-0711 received"}, invoices)
	require.Equal(t, []string{"received", "approved"}, dossierStages(c.Invoices[1]))
	require.Len(t, c.Payments, 1, "only the setup fee is paid")
	require.Equal(t, projections.DossierTotals{Value: 8_600_000, Committed: 8_000_000, Invoiced: 7_500_000, Approved: 5_000_000, Paid: 2_000_000}, c.Totals)
}

// TestDossierOfAVendor: asked by vendor, the dossier holds every contract
// of that vendor in the project — NordTel has one, C-1.
func TestDossierOfAVendor(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()
	byContract, err := e.Dossier(ctx, id, "", "C-1", projections.Bound{})
	require.NoError(t, err)
	byVendor, err := e.Dossier(ctx, id, byContract.VendorID, "", projections.Bound{})
	require.NoError(t, err)
	require.Empty(t, byVendor.ContractID)
	require.Len(t, byVendor.Contracts, 1)
	require.Equal(t, byContract.Contracts, byVendor.Contracts)

	_, err = e.Dossier(ctx, id, "", "", projections.Bound{})
	require.ErrorContains(t, err, "exactly one")
	_, err = e.Dossier(ctx, id, byContract.VendorID, "C-1", projections.Bound{})
	require.ErrorContains(t, err, "exactly one")
	_, err = e.Dossier(ctx, id, "", "C-9", projections.Bound{})
	require.ErrorIs(t, err, projections.ErrNoSuchItem)
	_, err = e.Dossier(ctx, id, "", "C-1", asOf("2026-03-04").AsOf)
	require.ErrorIs(t, err, projections.ErrNoSuchItem, "signed on 5 March")
}

func dossierIDs(ds []projections.DossierDeliverable) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.DeliverableID)
	}
	return out
}

func dossierSteps(d projections.DossierDeliverable) []string {
	out := []string{}
	for _, s := range d.Timeline {
		out = append(out, s.Step)
	}
	return out
}

func dossierStages(inv projections.DossierInvoice) []string {
	out := []string{}
	for _, s := range inv.Stages {
		out = append(out, s.Stage)
	}
	return out
}
