package projections_test

import (
	"context"
	"testing"

	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

func TestAttentionOfTheDemo(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()
	type item struct{ severity, kind, id, reason string }
	list := func(v projections.Attention) []item {
		var out []item
		for _, it := range v.Items {
			out = append(out, item{it.Severity, it.Kind, it.ID, it.Reason})
		}
		return out
	}

	// 6 May, looking a week ahead: the pilot report (due 27 April) and the
	// regional trunks (due 1 May, rejected and now disputed) are late;
	// hardware is fully committed by its PO; three risk reviews and the
	// porting assumption are past their dates; two actions and the runbook
	// fall due on 8 May, the porting issue on 13 May.
	v, err := e.Attention(ctx, id, asOf("2026-05-06"), 7)
	require.NoError(t, err)
	require.Equal(t, 7, v.Days)
	require.Equal(t, []item{
		{"high", "deliverable", "DL-7", "deliverable overdue by 9 days"},
		{"high", "deliverable", "DL-2", "disputed by the vendor: resolve the dispute"},
		{"high", "deliverable", "DL-2", "deliverable overdue by 5 days"},
		{"high", "budget", "hardware", "hardware: exposure EUR 96000.00 (actual EUR 48000.00 + open commitments EUR 48000.00) is 100.00% of the approved EUR 96000.00, at or above the alert threshold of 95%"},
		{"medium", "risk", "R-2", "review overdue by 21 days"},
		{"medium", "assumption", "A-3", "not validated, 19 days past its date"},
		{"medium", "risk", "R-3", "review overdue by 14 days"},
		{"medium", "risk", "R-4", "review overdue by 2 days"},
		{"medium", "action", "AI-15", "action due in 2 days"},
		{"medium", "action", "AI-16", "action due in 2 days"},
		{"medium", "deliverable", "DL-8", "deliverable due in 2 days"},
		{"medium", "issue", "I-2", "medium issue due in 7 days"},
	}, list(v))

	// At the end: Markus's action is orphaned, the Vienna porting window
	// is late, the closure milestone has passed unachieved, labour is far
	// over budget, and Aylin's over-allocation is history (not listed).
	v, err = e.Attention(ctx, id, projections.Query{}, 7)
	require.NoError(t, err)
	got := list(v)
	require.Contains(t, got, item{"high", "action", "AI-21", "its owner has left the team: reassign it"})
	require.Contains(t, got, item{"high", "dependency", "D-3", "unresolved, needed 26 days ago (the provider says late)"})
	require.Contains(t, got, item{"high", "milestone", "M-6", "not achieved and its forecast 2026-06-30 has passed"})
	require.Contains(t, got, item{"medium", "invoice", "INV-6", "received 30 days ago and not yet approved or rejected"})
	for _, it := range v.Items {
		require.NotEqual(t, "allocation", it.Kind, "over-allocation that has ended is not listed")
	}
	for i := 1; i < len(v.Items); i++ {
		require.False(t, v.Items[i-1].Severity == "medium" && v.Items[i].Severity == "high", "high before medium")
	}

	// On 26 May Aylin's 130% (25 May to 12 June) is under way: it is listed.
	v, err = e.Attention(ctx, id, asOf("2026-05-26"), 7)
	require.NoError(t, err)
	require.Contains(t, list(v), item{"medium", "allocation", "aylin.demir@example.com", "booked at 130% from 2026-05-25 to 2026-06-12 across projects"})
}
