package projections_test

import (
	"context"
	"testing"

	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// TestHistoryOfCR1 follows CR-1 through its life: submitted 8 April,
// assessed 10 April, approved 13 April, then on 14 April the seven
// baseline moves it caused (two budget categories, four milestones, one
// contract) and its implementation, all in one append.
func TestHistoryOfCR1(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	h, err := e.History(ctx, id, "CR-1", projections.Bound{})
	require.NoError(t, err)
	require.Equal(t, "CR-1", h.Item)
	require.Equal(t, "change_request", h.Kind)
	require.Equal(t, "Extend the schedule three weeks for the SIP trunk delay", h.Title)
	require.Equal(t, []string{
		"scope.cr_submitted", "scope.cr_assessed", "scope.cr_approved",
		"budget.baseline_changed", "budget.baseline_changed", // contingency down, services up
		"schedule.milestone_rebaselined", "schedule.milestone_rebaselined", "schedule.milestone_rebaselined", "schedule.milestone_rebaselined", // M-2 to M-5
		"vendor.contract_amended", // C-1, NordTel's expedite fee
		"scope.cr_implemented",
	}, historyTypes(h))
	for i := 1; i < len(h.Events); i++ {
		require.Greater(t, h.Events[i].Position, h.Events[i-1].Position, "oldest first")
	}
	for _, ev := range h.Events {
		require.Equal(t, []string{"cr_id"}, ev.MatchedOn, "every one of them names the CR in its cr_id")
	}

	approval := h.Events[2]
	require.Equal(t, "helena.schulz@example.com", approval.Actor, "the CIO approved it")
	require.Equal(t, "steering committee 13 April", approval.Reason)
	require.Equal(t, "2026-04-13", approval.RecordedAt.Format("2006-01-02"))
	require.Contains(t, approval.Summary, "three weeks cost less than a second carrier")
	require.Equal(t, "services budget moved by EUR 18000.00 to EUR 168000.00 by CR-1", h.Events[4].Summary)
	require.Equal(t, "M-2 baseline moved from 2026-04-10 to 2026-05-01 by CR-1", h.Events[5].Summary)
	for _, ev := range h.Events[3:] {
		require.Equal(t, "2026-04-14", ev.EffectiveAt.Format("2006-01-02"), "implemented the day after the steering committee")
		require.Equal(t, "petra.maier@example.com", ev.Actor)
	}

	// On 12 April the ledger knew only the submission and the assessment.
	h, err = e.History(ctx, id, "CR-1", asOf("2026-04-12").AsOf)
	require.NoError(t, err)
	require.Equal(t, []string{"scope.cr_submitted", "scope.cr_assessed"}, historyTypes(h))
	require.Equal(t, "2026-04-12", h.Today)
}

// TestHistoryOfDL2 follows NordTel's regional trunks: signed with the
// contract on 5 March, moved by CR-1 (proposed in the assessment, made by
// the amendment), submitted 1 May, rejected 4 May on failover (K-2),
// disputed 6 May, dispute upheld 13 May, resubmitted 15 May, accepted 18 May.
func TestHistoryOfDL2(t *testing.T) {
	e, id := demoEngine(t)
	h, err := e.History(context.Background(), id, "DL-2", projections.Bound{})
	require.NoError(t, err)
	require.Equal(t, "deliverable", h.Kind)
	require.Equal(t, []string{
		"vendor.contract_signed", "scope.cr_assessed", "vendor.contract_amended",
		"vendor.deliverable_submitted", "vendor.deliverable_rejected", "vendor.deliverable_disputed",
		"vendor.dispute_resolved", "vendor.deliverable_submitted", "vendor.deliverable_accepted",
	}, historyTypes(h))
	require.Equal(t, []string{"deliverables[1].deliverable_id"}, h.Events[0].MatchedOn, "the second deliverable of the contract")
	require.Equal(t, []string{"contract_changes[0].deliverables_changed[0].deliverable_id"}, h.Events[1].MatchedOn)
	require.Equal(t, []string{"deliverables_changed[0].deliverable_id"}, h.Events[2].MatchedOn)
	require.Equal(t, []string{"deliverable_id"}, h.Events[4].MatchedOn)
	require.Contains(t, h.Events[4].Summary, "rejected by nils.brandt@example.com on K-2")
	require.Equal(t, "nils.brandt@example.com", h.Events[8].Actor, "the network lead accepted the clean test")
}

// TestHistoryOfAPerson: Markus, the security architect, joined on 2 March,
// owned R-2 until he handed it to Aylin on 27 May and left on 29 May.
func TestHistoryOfAPerson(t *testing.T) {
	e, id := demoEngine(t)
	h, err := e.History(context.Background(), id, "markus.roth@example.com", projections.Bound{})
	require.NoError(t, err)
	require.Equal(t, "member", h.Kind)
	require.Equal(t, "team.member_joined", h.Events[0].Type)
	require.Equal(t, "team.member_left", h.Events[len(h.Events)-1].Type)
	var handover *projections.HistoryEntry
	for i, ev := range h.Events {
		if ev.Type == "raid.risk_owner_changed" {
			handover = &h.Events[i]
		}
	}
	require.NotNil(t, handover)
	require.Equal(t, []string{"from"}, handover.MatchedOn, "he was the owner it moved from")
}

// TestHistoryOfNothing: an id no event names, and R-4 before it was raised
// on 20 April, are no items.
func TestHistoryOfNothing(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()
	_, err := e.History(ctx, id, "R-99", projections.Bound{})
	require.ErrorIs(t, err, projections.ErrNoSuchItem)
	_, err = e.History(ctx, id, "R-4", asOf("2026-04-19").AsOf)
	require.ErrorIs(t, err, projections.ErrNoSuchItem)
	h, err := e.History(ctx, id, "R-4", asOf("2026-04-20").AsOf)
	require.NoError(t, err)
	require.Equal(t, "raid.risk_raised", h.Events[0].Type)
}

func historyTypes(h projections.History) []string {
	out := []string{}
	for _, ev := range h.Events {
		out = append(out, ev.Type)
	}
	return out
}
