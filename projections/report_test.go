package projections_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

func date(t *testing.T, s string) events.Date {
	d, err := events.ParseDate(s)
	require.NoError(t, err)
	return d
}

// TestStatusReportBeforeTheSecondSteeringCommittee builds the report the PM
// would take to the 11 May steering committee, as the ledger stood on 8 May.
func TestStatusReportBeforeTheSecondSteeringCommittee(t *testing.T) {
	e, id := demoEngine(t)
	r, err := e.StatusReport(context.Background(), id, asOf("2026-05-08"), date(t, "2026-04-13"), date(t, "2026-05-08"))
	require.NoError(t, err)

	rag := map[string]projections.RAGArea{}
	for _, a := range r.RAG {
		rag[a.Area] = a
	}
	// Scope: nothing pending — CR-1 was decided 13 April, CR-2 comes 20 May.
	require.Equal(t, "green", rag["scope"].Colour)
	// Vendors: DL-2 is disputed (since 6 May).
	require.Equal(t, projections.RAGArea{Area: "vendors", Colour: "red", Rule: "DL-2 (C-1) is disputed"}, rag["vendors"])
	// Budget: hardware is fully committed (PO-2 96,000 of 96,000): an alert.
	require.Equal(t, "red", rag["budget"].Colour)
	require.Contains(t, rag["budget"].Rule, "hardware")
	// Key changes run from SR-1, published 13 April as of its own moment.
	require.NotNil(t, r.LastReport)
	require.Equal(t, "SR-1", r.LastReport.ID)
	require.Contains(t, r.ChangesSince, "report SR-1")
	// Decisions in the period: DEC-2 (13 April). DEC-3 comes on 11 May.
	require.Len(t, r.Decisions, 1)
	require.Equal(t, "DEC-2", r.Decisions[0].ID)
	// Top risks: open risks by score, R-4 (headsets, 4×3) first.
	require.Equal(t, "R-4", r.TopRisks[0].ID)

	md := r.Markdown()
	require.True(t, strings.HasPrefix(md, "# Status report: TPM Teams Phone migration\n"))
	require.Contains(t, md, "| vendors | **RED** | DL-2 (C-1) is disputed |")
	require.Contains(t, md, "- DEC-2 Accept the three-week extension (CR-1): Extend three weeks")
	html := r.HTML()
	require.Contains(t, html, `<tr class="red"><td>vendors</td><td>RED</td><td>DL-2 (C-1) is disputed</td></tr>`)
	require.NotContains(t, html, "<script", "values are escaped")
}
