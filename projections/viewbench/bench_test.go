package viewbench

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// TestRunSmall drives the whole view benchmark on a small project: every
// figure is present and sane.
func TestRunSmall(t *testing.T) {
	figures, err := Run(context.Background(), Options{Events: 2000, Queries: 50, Ledger: filepath.Join(t.TempDir(), "v.db")})
	require.NoError(t, err)
	require.Len(t, figures, 3)
	require.Equal(t, "as_of_p50_ms", figures[0].Name)
	require.Equal(t, "as_of_p99_ms", figures[1].Name)
	require.LessOrEqual(t, figures[0].Value, figures[1].Value)
	require.Equal(t, "rebuild", figures[2].Name)
	require.Positive(t, figures[2].Rate)
	require.InDelta(t, figures[2].Rate/figures[2].LimitRate, figures[2].Ratio, 1e-9)
}

// BenchmarkAsOf times one as-of RAID + budget question on a 20,000-event
// project, against folding the same events from nothing.
func BenchmarkAsOf(b *testing.B) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "v.db"), sqlite.Options{})
	require.NoError(b, err)
	defer store.Close()
	const n = 20000
	require.NoError(b, Generate(ctx, store, n, nil))
	engine := projections.NewEngine(store, events.NewCatalogue(), time.Now, 0)
	_, err = engine.RAID(ctx, ProjectID(), projections.Query{}, projections.RAIDFilter{})
	require.NoError(b, err)
	rng := rand.New(rand.NewPCG(1, 1))
	b.ResetTimer()
	for b.Loop() {
		q := projections.Query{AsOf: projections.Bound{Position: uint64(1 + rng.IntN(n))}}
		if _, err := engine.RAID(ctx, ProjectID(), q, projections.RAIDFilter{}); err != nil {
			b.Fatal(err)
		}
		if _, err := engine.Budget(ctx, ProjectID(), q); err != nil {
			b.Fatal(err)
		}
	}
}
