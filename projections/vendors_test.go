package projections_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// TestVendorsOfTheDemo checks the vendor register during the DL-2 dispute
// and after the demo; amounts are cents.
func TestVendorsOfTheDemo(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()
	const eur = 100

	// 6 May: NordTel disputes the rejection of DL-2 (rejected 4 May against
	// K-2, failover).
	v, err := e.Vendors(ctx, id, asOf("2026-05-06"), "")
	require.NoError(t, err)
	require.Len(t, v.Contracts, 3)
	c1 := v.Contracts[0]
	require.Equal(t, "C-1", c1.ID)
	require.Equal(t, demo.VendorID("NordTel Carrier GmbH").String(), c1.VendorID)
	require.Equal(t, []string{"DL-2"}, c1.Disputes)
	dl2 := c1.Deliverables[1]
	require.Equal(t, "DL-2", dl2.ID)
	require.Equal(t, "disputed", dl2.Status)
	require.Equal(t, "K-2", dl2.Rejection)
	require.Equal(t, "2026-05-01", dl2.Due.String(), "moved from 10 April by CR-1")
	require.True(t, dl2.Overdue)
	require.Equal(t, 5, dl2.DaysOverdue, "due 1 May")
	require.Equal(t, 24, c1.Deliverables[0].AcceptedLateDays, "DL-1, due 3 April, accepted 27 April")
	// The pilot report (DL-7) was due 27 April, before CR-1 moved the pilot;
	// the contract with UC Partners was never amended.
	dl7 := v.Contracts[2].Deliverables[1]
	require.Equal(t, "DL-7", dl7.ID)
	require.True(t, dl7.Overdue)
	require.Equal(t, 9, dl7.DaysOverdue)
	// Invoices so far: INV-1 (NordTel setup, 20,000) paid 30 April; INV-2
	// (design, 36,000) approved; INV-3 (headsets batch 1, 48,000) approved
	// 4 May; INV-4 (the duplicate of INV-3) was rejected on 5 May.
	require.Equal(t, projections.VendorTotals{Value: 302_000 * eur, Committed: 236_000 * eur, Invoiced: 104_000 * eur, Approved: 104_000 * eur,
		Paid: 20_000 * eur, RemainingToInvoice: 198_000 * eur}, v.Totals)
	require.Equal(t, "rejected", v.Invoices[3].Status)

	// After the demo.
	v, err = e.Vendors(ctx, id, projections.Query{}, "")
	require.NoError(t, err)
	c1, c2, c3 := v.Contracts[0], v.Contracts[1], v.Contracts[2]

	// NordTel: 80,000 signed + 6,000 expedite fee by CR-1; one PO of
	// 80,000; INV-1 20,000 paid, INV-5 30,000 approved, INV-7 25,000
	// received on 26 June.
	require.Equal(t, int64(86_000*eur), c1.Value)
	require.Equal(t, []string{"CR-1"}, c1.Amendments)
	require.Equal(t, "2026-03-05", c1.SignedOn.String())
	require.Len(t, c1.PurchaseOrders, 1)
	require.Equal(t, "4500012871", c1.PurchaseOrders[0].Number)
	require.Equal(t, int64(80_000*eur), c1.Committed)
	require.Equal(t, int64(75_000*eur), c1.Invoiced)
	require.Equal(t, int64(50_000*eur), c1.Approved)
	require.Equal(t, int64(20_000*eur), c1.Paid)
	require.Equal(t, int64(11_000*eur), c1.RemainingToInvoice)
	require.Empty(t, c1.Disputes, "the dispute was resolved on 13 May")
	dl2 = c1.Deliverables[1]
	require.Equal(t, "accepted", dl2.Status, "upheld rejection, clean resubmission 15 May, accepted 18 May")
	require.Equal(t, 2, dl2.Submissions)
	require.Equal(t, "2026-05-18", dl2.Accepted.String())
	require.False(t, dl2.Overdue)
	require.Equal(t, 17, dl2.AcceptedLateDays, "due 1 May")

	// Headsets: batch 2 (DL-5, due 22 May) never arrived whole.
	dl5 := c2.Deliverables[1]
	require.Equal(t, "DL-5", dl5.ID)
	require.Equal(t, "pending", dl5.Status)
	require.True(t, dl5.Overdue)
	require.Equal(t, 40, dl5.DaysOverdue, "22 May to 1 July")
	require.Equal(t, int64(48_000*eur), c2.Invoiced, "the duplicate HD-88127 was rejected and does not count")
	require.Equal(t, int64(48_000*eur), c2.Paid, "INV-3 paid 29 May")

	// UC Partners: 120,000 of which 60,000 is on PO-3; INV-2 36,000
	// approved but unpaid, INV-6 30,000 received with an override.
	require.Equal(t, int64(60_000*eur), c3.Committed)
	require.Equal(t, int64(66_000*eur), c3.Invoiced)
	require.Equal(t, int64(36_000*eur), c3.Approved)
	require.Zero(t, c3.Paid)
	for _, d := range c3.Deliverables {
		require.Equal(t, "accepted", d.Status, d.ID)
	}

	require.Equal(t, projections.VendorTotals{Value: 302_000 * eur, Committed: 236_000 * eur, Invoiced: 189_000 * eur, Approved: 134_000 * eur,
		Paid: 68_000 * eur, RemainingToInvoice: 113_000 * eur}, v.Totals)
	require.Len(t, v.Invoices, 7)
	stages := map[string]string{}
	for _, inv := range v.Invoices {
		stages[inv.ID] = inv.Status
	}
	require.Equal(t, map[string]string{"INV-1": "paid", "INV-2": "approved", "INV-3": "paid", "INV-4": "rejected",
		"INV-5": "approved", "INV-6": "received", "INV-7": "received"}, stages)
	require.Equal(t, 92, v.Invoices[1].DaysOutstanding, "INV-2, issued 31 March, approved and never paid")
	require.Zero(t, v.Invoices[0].DaysOutstanding, "paid")
	require.Equal(t, 5, v.Invoices[6].DaysOutstanding, "INV-7, issued 26 June")

	// A vendor sees only its own contracts and invoices.
	v, err = e.Vendors(ctx, id, projections.Query{}, demo.VendorID("Headset Direct Ltd").String())
	require.NoError(t, err)
	require.Len(t, v.Contracts, 1)
	require.Equal(t, "C-2", v.Contracts[0].ID)
	require.Len(t, v.Invoices, 2, "HD-88120 and the rejected duplicate")
	require.Equal(t, int64(96_000*eur), v.Totals.Value)

	b, err := json.Marshal(v)
	require.NoError(t, err)
	for _, key := range []string{`"contracts":[{"id":"C-2","vendor_id":`, `"signed_on":"2026-03-05"`, `"amendments":[]`, `"purchase_orders":[{`,
		`"remaining_to_invoice":4800000`, `"overdue":true`, `"days_overdue":40`, `"disputes":[]`, `"invoices":[{`, `"totals":{"value":9600000`} {
		require.Contains(t, string(b), key)
	}
}
