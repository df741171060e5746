package projections_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// TestWhyTheServicesBudgetRose is the auditor's question: why was the
// services budget raised in April, who approved it, on what basis? The
// raise (14 April) was caused by CR-1's approval (the CIO, 13 April, and
// its envelope names that approval as its causation), which approved the
// assessment of 10 April, which assessed the submission of 8 April.
func TestWhyTheServicesBudgetRose(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()
	raise := explainEventOf(t, e, id, "CR-1", "budget.baseline_changed", "services")

	w, err := e.Why(ctx, id, raise.String(), projections.Bound{})
	require.NoError(t, err)
	require.Equal(t, "event", w.Kind)
	require.Len(t, w.Roots, 1)
	root := w.Roots[0]
	require.Equal(t, raise, root.EventID)
	require.Empty(t, root.Via, "a root is no one's cause")

	require.Len(t, root.Children, 1, "the CR rule and the causation id name the same event")
	approval := root.Children[0]
	require.Equal(t, "scope.cr_approved", approval.Type)
	require.Equal(t, []string{"cr_approval", "causation_id"}, approval.Via)
	require.Equal(t, "helena.schulz@example.com", approval.Actor)
	var decided struct{ Approver, Rationale string }
	require.NoError(t, json.Unmarshal(approval.Data, &decided))
	require.Equal(t, "helena.schulz@example.com", decided.Approver)
	require.Equal(t, "three weeks cost less than a second carrier, and contingency covers the fee", decided.Rationale)

	require.Len(t, approval.Children, 1)
	assessment := approval.Children[0]
	require.Equal(t, "scope.cr_assessed", assessment.Type)
	require.Equal(t, []string{"cr_assessment"}, assessment.Via)
	require.Contains(t, assessment.Summary, "cost EUR 18000.00")

	require.Len(t, assessment.Children, 1)
	submission := assessment.Children[0]
	require.Equal(t, "scope.cr_submitted", submission.Type)
	require.Equal(t, []string{"cr_submission"}, submission.Via)
	require.Equal(t, "petra.maier@example.com", submission.Actor)
	require.Empty(t, submission.Children, "a submission has no recorded cause")

	// On 13 April the raise had not been recorded yet.
	_, err = e.Why(ctx, id, raise.String(), asOf("2026-04-13").AsOf)
	require.ErrorIs(t, err, projections.ErrNoSuchEvent)
	_, err = e.Why(ctx, id, uuid.NewString(), projections.Bound{})
	require.ErrorIs(t, err, projections.ErrNoSuchEvent)
}

// TestWhyTheExtensionDecision: DEC-2 (13 April) rests on CR-1's assessment
// and approval, in that order. The assessment is expanded under the first
// branch (down to the submission); under the approval it is a repeat, not
// expanded twice.
func TestWhyTheExtensionDecision(t *testing.T) {
	e, id := demoEngine(t)
	dec := explainEventOf(t, e, id, "DEC-2", "decision.recorded", "")
	w, err := e.Why(context.Background(), id, dec.String(), projections.Bound{})
	require.NoError(t, err)
	root := w.Roots[0]
	require.Contains(t, root.Summary, "DEC-2 decided by helena.schulz@example.com")
	require.Equal(t, []string{"scope.cr_assessed", "scope.cr_approved"}, whyTypes(root.Children))
	require.Equal(t, []string{"rests_on"}, root.Children[0].Via)
	require.Equal(t, []string{"rests_on"}, root.Children[1].Via)

	assessment, approval := root.Children[0], root.Children[1]
	require.False(t, assessment.Repeat)
	require.Equal(t, []string{"scope.cr_submitted"}, whyTypes(assessment.Children))
	require.Equal(t, []string{"scope.cr_assessed"}, whyTypes(approval.Children))
	require.True(t, approval.Children[0].Repeat, "already shown in the first branch")
	require.Empty(t, approval.Children[0].Children)
}

// TestWhySupersession: DEC-4 (15 June, Munich first) supersedes DEC-3
// (11 May, split by office), and DEC-3's supersession is caused by DEC-4.
func TestWhySupersession(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()
	w, err := e.Why(ctx, id, explainEventOf(t, e, id, "DEC-4", "decision.recorded", "").String(), projections.Bound{})
	require.NoError(t, err)
	require.Len(t, w.Roots[0].Children, 1)
	require.Equal(t, []string{"supersedes"}, w.Roots[0].Children[0].Via)
	require.Contains(t, w.Roots[0].Children[0].Summary, "DEC-3 decided")

	w, err = e.Why(ctx, id, explainEventOf(t, e, id, "DEC-3", "decision.superseded", "").String(), projections.Bound{})
	require.NoError(t, err)
	require.Equal(t, []string{"superseded_by"}, w.Roots[0].Children[0].Via)
	require.Contains(t, w.Roots[0].Children[0].Summary, "DEC-4 decided")
}

// TestWhyOfAnEntry asks about items. AC-8 is NordTel's setup invoice
// (INV-1) booked as actual cost on 6 April: caused by the invoice's
// approval that day, caused by its receipt (back-dated to 31 March). AC-10,
// Chris's April timesheet, was imported twice and corrected on 30 June: the
// correction's cause is the entry it corrects.
func TestWhyOfAnEntry(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	w, err := e.Why(ctx, id, "AC-8", projections.Bound{})
	require.NoError(t, err)
	require.Equal(t, "item", w.Kind)
	require.Equal(t, "entry", w.Item)
	require.Len(t, w.Roots, 1, "one event names AC-8")
	actual := w.Roots[0]
	require.Equal(t, "budget.actual_recorded", actual.Type)
	require.Equal(t, []string{"vendor.invoice_approved"}, whyTypes(actual.Children))
	require.Equal(t, []string{"invoice_approval"}, actual.Children[0].Via)
	require.Equal(t, "farah.idris@example.com", actual.Children[0].Actor)
	received := actual.Children[0].Children
	require.Equal(t, []string{"vendor.invoice_received"}, whyTypes(received))
	require.Contains(t, received[0].Summary, "NT-2026-0412")
	require.Equal(t, "2026-03-31", received[0].EffectiveAt.Format("2006-01-02"), "back-dated to the invoice date")
	require.Equal(t, "2026-04-02", received[0].RecordedAt.Format("2006-01-02"), "recorded when it arrived")

	w, err = e.Why(ctx, id, "AC-10", projections.Bound{})
	require.NoError(t, err)
	require.Equal(t, []string{"budget.actual_recorded", "budget.entry_corrected"}, whyTypes(w.Roots))
	correction := w.Roots[1]
	require.Equal(t, []string{"budget.actual_recorded"}, whyTypes(correction.Children))
	require.Equal(t, []string{"corrects"}, correction.Children[0].Via)
	require.Equal(t, w.Roots[0].EventID, correction.Children[0].EventID, "the original stays in the log")

	_, err = e.Why(ctx, id, "AC-999", projections.Bound{})
	require.ErrorIs(t, err, projections.ErrNoSuchItem)
}

// TestWhyOfTheDispute: the dispute resolution (13 May) was about the
// dispute (6 May), which contested the rejection on K-2 (4 May), which
// judged the submission of 1 May.
func TestWhyOfTheDispute(t *testing.T) {
	e, id := demoEngine(t)
	w, err := e.Why(context.Background(), id, explainEventOf(t, e, id, "DL-2", "vendor.dispute_resolved", "").String(), projections.Bound{})
	require.NoError(t, err)
	var chain []string
	for n := w.Roots[0]; ; n = n.Children[0] {
		chain = append(chain, n.Type)
		if len(n.Children) == 0 {
			break
		}
	}
	require.Equal(t, []string{"vendor.dispute_resolved", "vendor.deliverable_disputed", "vendor.deliverable_rejected", "vendor.deliverable_submitted"}, chain)
}

// explainEventOf finds the first event of item's history of type typ whose
// summary starts with prefix.
func explainEventOf(t *testing.T, e *projections.Engine, id uuid.UUID, item, typ, prefix string) uuid.UUID {
	t.Helper()
	h, err := e.History(context.Background(), id, item, projections.Bound{})
	require.NoError(t, err)
	for _, ev := range h.Events {
		if ev.Type == typ && strings.HasPrefix(ev.Summary, prefix) {
			return ev.EventID
		}
	}
	t.Fatalf("no %s event of %s starting %q", typ, item, prefix)
	return uuid.Nil
}

func whyTypes(nodes []projections.WhyNode) []string {
	out := []string{}
	for _, n := range nodes {
		out = append(out, n.Type)
	}
	return out
}
