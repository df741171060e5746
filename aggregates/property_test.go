package aggregates

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

// TestRandomCommandsNeverBreakTheRules throws long random sequences of
// commands — valid and invalid, on real and made-up ids — at a project. Every
// accepted command's events are checked by a referee: a second, deliberately
// simple reading of the rules that knows nothing of the aggregate's state.
func TestRandomCommandsNeverBreakTheRules(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 7))
			p := given(charter())
			ref := newReferee()
			ref.check(t, charter())
			accepted, refused := 0, 0
			for step := range 3000 {
				cmd, meta := randomCommand(rng, p, ref)
				out, err := Decide(p, cmd, meta)
				if err != nil {
					var e *Error
					require.ErrorAs(t, err, &e, "step %d: %T refused with an untyped error: %v", step, cmd, err)
					refused++
					continue
				}
				accepted++
				for _, e := range out {
					ref.check(t, e)
					p.apply(events.Event{ID: uuid.New(), Version: p.Version() + 1, Type: e.EventType()}, e)
				}
			}
			require.Greater(t, accepted, 300, "the generator exercises real paths")
			require.Greater(t, refused, 300, "and the rules refuse plenty")
		})
	}
}

// referee tracks just enough to judge each event on its own terms.
type referee struct {
	ids          map[string]bool
	crs          map[string]string // cr → status
	approvedCat  map[string]bool
	deliverables map[string]string // contract/deliverable → status
	pos          map[string]int64  // po → remaining
	invoices     map[string]string // invoice → status
	invoicePO    map[string]string
	risks        map[string]string
	members      map[string]string // person → "in", "left", "revoked"
	access       map[string]map[string]string
}

func newReferee() *referee {
	return &referee{ids: map[string]bool{}, crs: map[string]string{}, approvedCat: map[string]bool{}, deliverables: map[string]string{},
		pos: map[string]int64{}, invoices: map[string]string{}, invoicePO: map[string]string{}, risks: map[string]string{},
		members: map[string]string{}, access: map[string]map[string]string{}}
}

func (r *referee) fresh(t *testing.T, id string) {
	t.Helper()
	require.NotEmpty(t, id)
	require.False(t, r.ids[id], "id %s handed out twice", id)
	r.ids[id] = true
}

func (r *referee) baselineMove(t *testing.T, cr string) {
	t.Helper()
	require.Equal(t, "approved", r.crs[cr], "a baseline moved under %s, which is %q, not approved", cr, r.crs[cr])
}

func (r *referee) check(t *testing.T, e events.Payload) {
	t.Helper()
	switch e := e.(type) {
	case events.RiskRaised:
		r.fresh(t, e.RiskID)
		require.Equal(t, e.Probability*e.Impact, e.Score)
		require.True(t, e.Probability >= 1 && e.Probability <= 5 && e.Impact >= 1 && e.Impact <= 5)
		r.risks[e.RiskID] = "open"
	case events.RiskAssessed:
		require.Equal(t, "open", r.risks[e.RiskID])
		require.Equal(t, e.Probability*e.Impact, e.Score)
	case events.RiskEscalated:
		require.Equal(t, "open", r.risks[e.RiskID])
	case events.RiskClosed:
		require.Equal(t, "open", r.risks[e.RiskID], "closing a risk that is not open")
		r.risks[e.RiskID] = "closed"
	case events.RiskRealised:
		require.Equal(t, "open", r.risks[e.RiskID])
		r.risks[e.RiskID] = "realised"
	case events.IssueRaised:
		r.fresh(t, e.IssueID)
	case events.ChangeRequestSubmitted:
		r.fresh(t, e.CRID)
		r.crs[e.CRID] = "submitted"
	case events.ChangeRequestAssessed:
		require.Contains(t, []string{"submitted", "assessed"}, r.crs[e.CRID])
		r.crs[e.CRID] = "assessed"
	case events.ChangeRequestApproved:
		require.Equal(t, "assessed", r.crs[e.CRID], "approving a CR twice or unassessed")
		r.crs[e.CRID] = "approved"
	case events.ChangeRequestRejected:
		require.Contains(t, []string{"submitted", "assessed"}, r.crs[e.CRID])
		r.crs[e.CRID] = "rejected"
	case events.BudgetApproved:
		require.False(t, r.approvedCat[e.Category], "category %s approved twice without a CR", e.Category)
		r.approvedCat[e.Category] = true
	case events.BudgetBaselineChanged:
		r.baselineMove(t, e.CRID)
		r.approvedCat[e.Category] = true
	case events.MilestoneRebaselined:
		r.baselineMove(t, e.CRID)
	case events.ContractAmended:
		r.baselineMove(t, e.CRID)
		for _, d := range e.DeliverablesAdded {
			r.fresh(t, d.DeliverableID)
			r.deliverables[d.DeliverableID] = "pending"
		}
	case events.ScopeBaselined:
		if e.CRID != "" {
			r.baselineMove(t, e.CRID)
		}
	case events.ChangeRequestImplemented:
		require.Equal(t, "approved", r.crs[e.CRID])
		r.crs[e.CRID] = "implemented"
	case events.MilestoneForecastChanged:
		require.False(t, e.Forecast.Before(charter().Start), "a forecast before the project start")
	case events.ContractSigned:
		r.fresh(t, e.ContractID)
		for _, d := range e.Deliverables {
			r.fresh(t, d.DeliverableID)
			r.deliverables[d.DeliverableID] = "pending"
		}
	case events.PurchaseOrderIssued:
		r.fresh(t, e.POID)
		r.pos[e.POID] = e.Amount.Minor
	case events.DeliverableSubmitted:
		require.Contains(t, []string{"pending", "rejected"}, r.deliverables[e.DeliverableID])
		r.deliverables[e.DeliverableID] = "submitted"
	case events.DeliverableAccepted:
		require.Equal(t, "submitted", r.deliverables[e.DeliverableID], "accepting a deliverable never submitted")
		r.deliverables[e.DeliverableID] = "accepted"
	case events.DeliverableRejected:
		require.Equal(t, "submitted", r.deliverables[e.DeliverableID])
		r.deliverables[e.DeliverableID] = "rejected"
	case events.DeliverableDisputed:
		require.Equal(t, "rejected", r.deliverables[e.DeliverableID])
		r.deliverables[e.DeliverableID] = "disputed"
	case events.DisputeResolved:
		require.Equal(t, "disputed", r.deliverables[e.DeliverableID])
		r.deliverables[e.DeliverableID] = map[string]string{events.DisputeAccepted: "accepted", events.DisputeUpheld: "rejected"}[e.Outcome]
	case events.InvoiceReceived:
		r.fresh(t, e.InvoiceID)
		require.Equal(t, "EUR", e.Amount.Currency)
		if e.Amount.Minor > r.pos[e.POID] {
			require.NotEmpty(t, e.Override, "an invoice above its PO's remaining amount without an override")
		}
		r.pos[e.POID] -= e.Amount.Minor
		r.invoices[e.InvoiceID], r.invoicePO[e.InvoiceID] = "received", e.POID
	case events.InvoiceApproved:
		require.Equal(t, "received", r.invoices[e.InvoiceID])
		r.invoices[e.InvoiceID] = "approved"
	case events.InvoiceRejected:
		require.Equal(t, "received", r.invoices[e.InvoiceID])
		r.invoices[e.InvoiceID] = "rejected"
	case events.InvoicePaid:
		require.Equal(t, "approved", r.invoices[e.InvoiceID], "paying an unapproved invoice")
		r.invoices[e.InvoiceID] = "paid"
	case events.MemberJoined:
		require.NotEqual(t, "in", r.members[e.Person])
		r.members[e.Person], r.access[e.Person] = "in", map[string]string{}
	case events.AccessProvisioned:
		r.access[e.Person][e.System] = "provisioned"
	case events.AccessRevoked:
		r.access[e.Person][e.System] = "revoked"
	case events.MemberLeft:
		r.members[e.Person] = "left"
	case events.ActionItemAdded:
		r.fresh(t, e.ActionID)
		require.Equal(t, "in", r.members[e.Owner], "an action for %s, who is not on the team", e.Owner)
		provisioned, revoked := false, false
		for _, s := range r.access[e.Owner] {
			provisioned = provisioned || s == "provisioned"
			revoked = revoked || s == "revoked"
		}
		require.False(t, revoked && !provisioned, "an action for %s, whose access was revoked", e.Owner)
	}
}

// randomCommand picks a command, usually about things that exist, sometimes
// not, with fields that are sometimes out of range.
func randomCommand(rng *rand.Rand, p *Project, ref *referee) (ProjectCommand, Meta) {
	meta := Meta{Actor: "coord@example.com"}
	if rng.IntN(3) > 0 {
		meta.Reason = "because"
	}
	pick := func(prefix string, n int) string { return fmt.Sprintf("%s-%d", prefix, 1+rng.IntN(n+1)) }
	rating := func() int { return rng.IntN(7) } // 0..6: sometimes out of range
	people := []string{"ann@example.com", "bob@example.com", "cem@example.com"}
	person := people[rng.IntN(len(people))]
	day := func() events.Date { return date("2026-02-20").AddDays(rng.IntN(140)) }
	money := func() events.Money { return eur(int64(rng.IntN(50)) * 1_000_00) }
	categories := []string{"labour", "services", "contingency", "bogus"}
	category := categories[rng.IntN(len(categories))]

	switch rng.IntN(24) {
	case 0:
		return RaiseRisk{Title: "risk", Probability: rating(), Impact: rating(), Owner: person}, meta
	case 1:
		return AssessRisk{RiskID: pick("R", p.counters["R"]), Probability: rating(), Impact: rating()}, meta
	case 2:
		return CloseRisk{RiskID: pick("R", p.counters["R"]), Resolution: "done"}, meta
	case 3:
		return EscalateRisk{RiskID: pick("R", p.counters["R"]), To: "board"}, meta
	case 4:
		return RealiseRisk{RiskID: pick("R", p.counters["R"]), Severity: "high"}, meta
	case 5:
		return SubmitChangeRequest{Title: "cr", Description: "d", RequestedBy: person}, meta
	case 6:
		return AssessChangeRequest{CRID: pick("CR", p.counters["CR"]), ScopeImpact: "x", CostImpact: money(), AssessedBy: person,
			BudgetChanges:    []events.BudgetChange{{Category: category, Delta: eur(int64(rng.IntN(20)-10) * 1_000_00)}},
			MilestoneChanges: []events.MilestoneChange{{MilestoneID: pick("M", p.counters["M"]), Baseline: day()}}}, meta
	case 7:
		return ApproveChangeRequest{CRID: pick("CR", p.counters["CR"]), Approver: "CIO", Rationale: "ok"}, meta
	case 8:
		return RejectChangeRequest{CRID: pick("CR", p.counters["CR"]), Approver: "CIO", Rationale: "no"}, meta
	case 9:
		return ImplementChangeRequest{CRID: pick("CR", p.counters["CR"])}, meta
	case 10:
		return ApproveBudget{Category: category, Amount: money()}, meta
	case 11:
		return PlanMilestone{Name: fmt.Sprintf("m%d", rng.IntN(8)), Baseline: day()}, meta
	case 12:
		return ForecastMilestone{MilestoneID: pick("M", p.counters["M"]), Forecast: day()}, meta
	case 13:
		vendor := &Vendor{id: propertyVendorID, registered: events.VendorRegistered{VendorID: propertyVendorID.String(), Name: "V"}}
		return SignContract{VendorID: propertyVendorID.String(), Title: "c", Value: money(), SignedOn: date("2026-03-05"), SOWText: "sow",
			Deliverables: []events.Deliverable{{Title: "d", Due: day(), Criteria: []events.Criterion{{Text: "works"}, {Text: "fast"}}}}}.withVendor(vendor), meta
	case 14:
		return IssuePurchaseOrder{ContractID: pick("C", p.counters["C"]), Category: category, Amount: money(), Number: fmt.Sprint(rng.IntN(1e6))}, meta
	case 15:
		return ReceiveInvoice{ContractID: pick("C", p.counters["C"]), POID: pick("PO", p.counters["PO"]), Number: fmt.Sprint(rng.IntN(1e6)),
			Amount: money(), IssuedOn: date("2026-04-01"), Override: []string{"", "agreed overrun"}[rng.IntN(2)]}, meta
	case 16:
		return ApproveInvoice{InvoiceID: pick("INV", p.counters["INV"]), ApprovedBy: person}, meta
	case 17:
		return PayInvoice{InvoiceID: pick("INV", p.counters["INV"]), PaidOn: date("2026-05-01")}, meta
	case 18:
		return RejectInvoice{InvoiceID: pick("INV", p.counters["INV"]), RejectedBy: person}, meta
	case 19:
		contract, deliverable := pick("C", p.counters["C"]), pick("DL", p.counters["DL"])
		switch rng.IntN(5) {
		case 0:
			return SubmitDeliverable{ContractID: contract, DeliverableID: deliverable, SubmittedBy: "vendor"}, meta
		case 1:
			return AcceptDeliverable{ContractID: contract, DeliverableID: deliverable, AcceptedBy: person}, meta
		case 2:
			return RejectDeliverable{ContractID: contract, DeliverableID: deliverable, RejectedBy: person, CriterionID: pick("K", 2), Finding: "f"}, meta
		case 3:
			return DisputeDeliverable{ContractID: contract, DeliverableID: deliverable, RaisedBy: "vendor", Claim: "c"}, meta
		default:
			return ResolveDispute{ContractID: contract, DeliverableID: deliverable, Outcome: []string{"accepted", "upheld"}[rng.IntN(2)], ResolvedBy: person, Resolution: "r"}, meta
		}
	case 20:
		return JoinMember{Person: person, Name: "N", Role: "engineer"}, meta
	case 21:
		system := []string{"portal", "admin"}[rng.IntN(2)]
		switch rng.IntN(3) {
		case 0:
			return RequestAccess{Person: person, System: system, Level: "user"}, meta
		case 1:
			return ProvisionAccess{Person: person, System: system}, meta
		default:
			return RevokeAccess{Person: person, System: system}, meta
		}
	case 22:
		return LeaveMember{Person: person}, meta
	default:
		return AddAction{Title: "a", Owner: person, Due: day()}, meta
	}
}

var propertyVendorID = uuid.MustParse("0b7e0c55-58a4-4c0e-9c55-5e2f3a1d9b01")
