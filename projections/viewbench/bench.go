package viewbench

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/sqlite/storebench"
	"github.com/pledger/pledger/projections"
)

// Figure is one measurement. Latencies carry Value (milliseconds); rates
// carry Rate next to the raw engine's LimitRate and their Ratio.
type Figure struct {
	Name      string  `json:"name"`
	Value     float64 `json:"value,omitempty"`
	Rate      float64 `json:"rate,omitempty"`
	LimitRate float64 `json:"limit_rate,omitempty"`
	Ratio     float64 `json:"ratio,omitempty"`
	Events    int     `json:"events,omitempty"`
	Queries   int     `json:"queries,omitempty"`
}

// Options configure Run.
type Options struct {
	Events   int    // size of the synthetic project
	Ledger   string // where the synthetic ledger is written; must not exist
	Queries  int    // as-of queries to time; 0 means 1000
	Progress func(stage string, done, total int)
}

// Run writes a synthetic project and measures rebuilding its views from the
// log (against a raw read of the same log) and random as-of queries of the
// RAID log and the budget.
func Run(ctx context.Context, opts Options) ([]Figure, error) {
	if opts.Events < 300 {
		return nil, errors.New("viewbench: events must be at least 300")
	}
	if opts.Queries <= 0 {
		opts.Queries = 1000
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	store, err := sqlite.Open(ctx, opts.Ledger, sqlite.Options{})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	written := 0
	if err := Generate(ctx, store, opts.Events, func(events.Event) {
		if written++; written%1024 == 0 {
			progress("generate", written, opts.Events)
		}
	}); err != nil {
		return nil, err
	}

	rebuild, engine, err := measureRebuild(ctx, store, opts.Ledger, opts.Events)
	if err != nil {
		return nil, err
	}
	progress("rebuild", 1, 1)
	p50, p99, err := measureAsOf(ctx, engine, opts.Events, opts.Queries, progress)
	if err != nil {
		return nil, err
	}
	return []Figure{
		{Name: "as_of_p50_ms", Value: p50, Events: opts.Events, Queries: opts.Queries},
		{Name: "as_of_p99_ms", Value: p99, Events: opts.Events, Queries: opts.Queries},
		rebuild,
	}, nil
}

// measureRebuild rebuilds every view from the whole log in a fresh engine
// (what pledger rebuild does), and scans the same file raw; each twice,
// keeping the faster.
func measureRebuild(ctx context.Context, store *sqlite.Store, path string, n int) (Figure, *projections.Engine, error) {
	var took, limit time.Duration
	var engine *projections.Engine
	for round := range 2 {
		engine = nil
		runtime.GC() // the previous round's views are garbage: do not time their collection
		start := time.Now()
		if _, err := storebench.RawScan(ctx, path); err != nil {
			return Figure{}, nil, err
		}
		limit = fastest(round, limit, time.Since(start))

		engine = projections.NewEngine(store, events.NewCatalogue(), func() time.Time { return time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC) }, 0)
		start = time.Now()
		if _, err := engine.Rebuild(ctx, nil); err != nil {
			return Figure{}, nil, err
		}
		took = fastest(round, took, time.Since(start))
	}
	f := Figure{Name: "rebuild", Events: n, Rate: float64(n) / took.Seconds(), LimitRate: float64(n) / limit.Seconds()}
	f.Ratio = f.Rate / f.LimitRate
	return f, engine, nil
}

func fastest(round int, best, d time.Duration) time.Duration {
	if round == 0 || d < best {
		return d
	}
	return best
}

// measureAsOf times random as-of questions — the RAID log and the budget
// at a random position of the log — and returns the 50th and 99th
// percentiles in milliseconds.
func measureAsOf(ctx context.Context, e *projections.Engine, n, queries int, progress func(string, int, int)) (float64, float64, error) {
	rng := rand.New(rand.NewPCG(3, 4))
	took := make([]time.Duration, queries)
	for i := range queries {
		q := projections.Query{AsOf: projections.Bound{Position: uint64(1 + rng.IntN(n))}}
		start := time.Now()
		if _, err := e.RAID(ctx, ProjectID(), q, projections.RAIDFilter{}); err != nil {
			return 0, 0, err
		}
		if _, err := e.Budget(ctx, ProjectID(), q); err != nil {
			return 0, 0, err
		}
		took[i] = time.Since(start)
		if i%100 == 0 {
			progress("as-of queries", i, queries)
		}
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return ms(took[queries/2]), ms(took[queries*99/100]), nil
}
