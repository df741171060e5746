package demo_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/storetest"
	"github.com/stretchr/testify/require"
)

// seed writes the demo into a new ledger and returns its whole log.
func seed(t *testing.T) ([]events.Event, demo.Summary) {
	t.Helper()
	ctx := context.Background()
	clock := &demo.Clock{}
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), sqlite.Options{Clock: clock.Now})
	require.NoError(t, err)
	defer store.Close()
	summary, err := demo.Seed(ctx, aggregates.NewRepository(store, events.NewCatalogue()), clock)
	require.NoError(t, err)
	return storetest.ReadAll(t, store, 0), summary
}

func TestDemo(t *testing.T) {
	t.Parallel()
	log, summary := seed(t)
	require.Len(t, log, summary.Events)
	require.GreaterOrEqual(t, len(log), 300)

	v, err := events.NewVerifier(events.VerifyOptions{})
	require.NoError(t, err)
	registry := events.NewCatalogue()
	areas, types := map[string]int{}, map[string]bool{}
	backdated := 0
	for _, ev := range log {
		require.NoError(t, v.Check(ev))
		_, err := registry.Decode(ev)
		require.NoError(t, err, "every demo event decodes")
		area, _, _ := strings.Cut(ev.Type, ".")
		areas[area]++
		types[ev.Type] = true
		if ev.EffectiveAt.Before(ev.RecordedAt.Truncate(24 * 60 * 60 * 1e9)) {
			backdated++
		}
	}
	for _, area := range []string{"project", "scope", "raid", "budget", "schedule", "vendor", "decision", "meeting", "document", "team", "person", "report"} {
		require.Positive(t, areas[area], "area %s is used", area)
	}
	require.GreaterOrEqual(t, len(types), 68, "nearly every event type appears: %v", types)
	require.Positive(t, backdated, "some facts are recorded after they took effect")
	require.Equal(t, "2026-02-23", log[0].RecordedAt.Format("2006-01-02"), "recorded time follows the story")
	require.Equal(t, "2026-06-30", log[len(log)-1].RecordedAt.Format("2006-01-02"))

	// The change request moved baselines, each naming CR-1 and caused by its approval.
	var approval events.Event
	moves := 0
	for _, ev := range log {
		switch ev.Type {
		case "scope.cr_approved":
			if strings.Contains(string(ev.Data), `"cr_id":"CR-1"`) {
				approval = ev
			}
		case "budget.baseline_changed", "schedule.milestone_rebaselined", "vendor.contract_amended":
			require.Contains(t, string(ev.Data), `"cr_id":"CR-1"`)
			require.Equal(t, approval.ID, ev.CausationID)
			moves++
		}
	}
	require.Equal(t, 7, moves, "two budget moves, four milestones, one contract")

	// The disputed deliverable's life, in order.
	var dl2 []string
	for _, ev := range log {
		if strings.HasPrefix(ev.Type, "vendor.deliverable_") || ev.Type == "vendor.dispute_resolved" {
			var d struct {
				DeliverableID string `json:"deliverable_id"`
			}
			require.NoError(t, json.Unmarshal(ev.Data, &d))
			if d.DeliverableID == "DL-2" {
				dl2 = append(dl2, ev.Type)
			}
		}
	}
	require.Equal(t, []string{"vendor.deliverable_submitted", "vendor.deliverable_rejected", "vendor.deliverable_disputed",
		"vendor.dispute_resolved", "vendor.deliverable_submitted", "vendor.deliverable_accepted"}, dl2)

	// Invoices end at every stage.
	stage := map[string]string{}
	for _, ev := range log {
		if after, ok := strings.CutPrefix(ev.Type, "vendor.invoice_"); ok {
			var inv struct {
				InvoiceID string `json:"invoice_id"`
			}
			require.NoError(t, json.Unmarshal(ev.Data, &inv))
			stage[inv.InvoiceID] = after
		}
	}
	ends := map[string]bool{}
	for _, s := range stage {
		ends[s] = true
	}
	require.Equal(t, map[string]bool{"received": true, "approved": true, "paid": true, "rejected": true}, ends)
}

// TestDemoIsDeterministic: two runs write the same ledger, hashes and all.
func TestDemoIsDeterministic(t *testing.T) {
	t.Parallel()
	a, _ := seed(t)
	b, _ := seed(t)
	require.Equal(t, a, b)
}
