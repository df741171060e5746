package projections_test

import (
	"context"
	"testing"

	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// TestRAIDOfTheDemo checks the RAID log on three days of the story; the
// comment by each figure says why it is right.
func TestRAIDOfTheDemo(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	// 31 March: R-1 (carrier) re-rated 5x5 on 30 March and not yet
	// escalated; open; no issues yet.
	v, err := e.RAID(ctx, id, asOf("2026-03-31"), projections.RAIDFilter{})
	require.NoError(t, err)
	require.Equal(t, "2026-03-31", v.Today)
	require.Len(t, v.Risks, 3)
	r1 := v.Risks[0]
	require.Equal(t, "R-1", r1.ID)
	require.Equal(t, 25, r1.Score)
	require.Equal(t, "open", r1.Status)
	require.Equal(t, 27, r1.AgeDays, "raised 4 March, 27 days before 31 March")
	require.Equal(t, 1, r1.DaysSinceReview, "assessed 30 March")
	require.False(t, r1.ReviewOverdue, "next review 6 April")
	require.Empty(t, v.Issues)
	require.Equal(t, "at_risk", v.Dependencies[0].Status, "D-1 flagged on 27 March")

	// 7 April: R-1 was escalated (2 April) and realised as I-1 (6 April).
	v, err = e.RAID(ctx, id, asOf("2026-04-07"), projections.RAIDFilter{})
	require.NoError(t, err)
	require.Equal(t, "realised", v.Risks[0].Status)
	require.Equal(t, "I-1", v.Risks[0].RealisedAs)
	require.Equal(t, "steering committee", v.Risks[0].EscalatedTo)
	require.Equal(t, "I-1", v.Issues[0].ID)
	require.Equal(t, "R-1", v.Issues[0].FromRisk)
	require.Equal(t, "resolved", v.Dependencies[0].Status, "D-1 resolved 2 April")

	// After the demo: only what is still open, with lateness on 1 July.
	v, err = e.RAID(ctx, id, projections.Query{}, projections.RAIDFilter{Status: "open"})
	require.NoError(t, err)
	require.Equal(t, "2026-07-01", v.Today)
	var open []string
	for _, r := range v.Risks {
		open = append(open, r.ID)
	}
	require.Equal(t, []string{"R-5"}, open, "only the adoption risk is still open")
	require.True(t, v.Risks[0].ReviewOverdue, "its review was due 10 June")
	require.Equal(t, 21, v.Risks[0].DaysReviewOverdue)
	require.Len(t, v.Issues, 1, "I-3, headset batch 2, escalated")
	require.True(t, v.Issues[0].Overdue, "due 12 June")
	require.Equal(t, "D-3", v.Dependencies[0].ID)
	require.True(t, v.Dependencies[0].Late, "needed by 5 June")
}
