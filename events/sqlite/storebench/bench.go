package storebench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"sync"
	"time"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
)

// Figure is one measurement: pledger's rate next to the raw engine's rate
// for the same work in the same run. Ratio is Rate/LimitRate.
type Figure struct {
	Name      string  `json:"name"`
	Rate      float64 `json:"rate"`
	LimitRate float64 `json:"limit_rate"`
	Ratio     float64 `json:"ratio"`
	Events    int     `json:"events"`
}

func newFigure(name string, events int, took, limitTook time.Duration) Figure {
	f := Figure{Name: name, Events: events}
	f.Rate = float64(events) / took.Seconds()
	f.LimitRate = float64(events) / limitTook.Seconds()
	f.Ratio = f.Rate / f.LimitRate
	return f
}

// Options configure Run.
type Options struct {
	Events  int    // size of the synthetic ledger
	Ledger  string // where pledger's ledger is written; must not exist
	WorkDir string // where the raw engine's copy is written
	// Writers is how many goroutines append concurrently; 0 means 32.
	Writers int
	// Progress, if not nil, is told how far each stage is.
	Progress func(stage string, done, total int)
}

// Run measures batch_append, read_all and concurrent_append.
func Run(ctx context.Context, opts Options) ([]Figure, error) {
	if opts.Events < 1 {
		return nil, errors.New("storebench: events must be at least 1")
	}
	if opts.Writers == 0 {
		opts.Writers = 32
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	rawPath := filepath.Join(opts.WorkDir, "raw.db")
	if err := createSchema(ctx, rawPath); err != nil {
		return nil, err
	}
	raw, err := openRaw(rawPath)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	store, err := sqlite.Open(ctx, opts.Ledger, sqlite.Options{})
	if err != nil {
		return nil, err
	}
	defer store.Close()

	batch, err := batchAppend(ctx, store, raw, opts.Events, progress)
	if err != nil {
		return nil, err
	}
	read, err := readAll(ctx, store, opts.Ledger, opts.Events, progress)
	if err != nil {
		return nil, err
	}
	concurrent, err := concurrentAppend(ctx, store, raw, opts.Writers, concurrentEvents(opts.Events, opts.Writers), progress)
	if err != nil {
		return nil, err
	}
	return []Figure{batch, concurrent, read}, nil
}

// concurrentEvents keeps the one-fsync-per-event baseline to seconds, not
// minutes, while giving every writer the same share.
func concurrentEvents(n, writers int) int {
	m := min(max(n/10, 2000), 20000)
	return max(m/writers, 1) * writers
}

func streamsFor(n int) int { return max(n/200, 10) }

func createSchema(ctx context.Context, path string) error {
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return err
	}
	return s.Close()
}

// batchAppend imports n generated events through the store's bulk path
// (every hash verified) and inserts the same rows with plain batched INSERTs.
// Generating the events is inside pledger's timing and outside the raw
// engine's, so the ratio errs against pledger.
func batchAppend(ctx context.Context, store *sqlite.Store, raw *sql.DB, n int, progress func(string, int, int)) (Figure, error) {
	gen := NewGenerator(1, streamsFor(n))
	log := func(yield func(events.Event, error) bool) {
		for range n {
			if !yield(gen.NextEvent(), nil) {
				return
			}
		}
	}
	done := 0
	start := time.Now()
	if _, err := store.Import(ctx, iter.Seq2[events.Event, error](log), events.VerifyOptions{}, func(events.Event) {
		if done++; done%1024 == 0 {
			progress("batch_append pledger", done, n)
		}
	}); err != nil {
		return Figure{}, fmt.Errorf("storebench: import: %w", err)
	}
	took := time.Since(start)

	const chunk = 4096
	gen = NewGenerator(1, streamsFor(n))
	rows := make([]events.Event, 0, chunk)
	var limitTook time.Duration
	for done := 0; done < n; {
		rows = rows[:0]
		for ; len(rows) < chunk && done < n; done++ {
			rows = append(rows, gen.NextEvent())
		}
		start := time.Now()
		if err := rawInsertBatch(ctx, raw, rows); err != nil {
			return Figure{}, err
		}
		limitTook += time.Since(start)
		progress("batch_append raw", done, n)
	}
	return newFigure("batch_append", n, took, limitTook), nil
}

// readAll decodes the whole log through the store and scans the same file's
// rows with a plain query; each twice, keeping the faster run.
func readAll(ctx context.Context, store *sqlite.Store, path string, n int, progress func(string, int, int)) (Figure, error) {
	raw, err := openRaw(path)
	if err != nil {
		return Figure{}, err
	}
	defer raw.Close()
	var took, limitTook time.Duration
	for round := range 2 {
		start := time.Now()
		got := 0
		for _, err := range store.ReadAll(ctx, 0) {
			if err != nil {
				return Figure{}, err
			}
			got++
		}
		took = fastest(round, took, time.Since(start))
		progress("read_all", 2*round+1, 4)
		start = time.Now()
		rows, err := rawScan(ctx, raw)
		if err != nil {
			return Figure{}, err
		}
		limitTook = fastest(round, limitTook, time.Since(start))
		progress("read_all", 2*round+2, 4)
		if got != n || rows != n {
			return Figure{}, fmt.Errorf("storebench: read %d events and %d rows, want %d", got, rows, n)
		}
	}
	return newFigure("read_all", n, took, limitTook), nil
}

func fastest(round int, best, d time.Duration) time.Duration {
	if round == 0 || d < best {
		return d
	}
	return best
}

// concurrentAppend has writers goroutines each append single events to
// their own stream, durably, through the store (group commit) and through
// one INSERT with its own commit per event.
func concurrentAppend(ctx context.Context, store *sqlite.Store, raw *sql.DB, writers, total int, progress func(string, int, int)) (Figure, error) {
	each := total / writers
	work := make([][]events.Event, writers)
	for w := range work {
		gen := NewGenerator(uint64(100+w), 1)
		for range each {
			ev := gen.NextEvent()
			ev.Stream = fmt.Sprintf("bench-writer-%02d", w)
			work[w] = append(work[w], ev)
		}
	}
	took, err := parallel(writers, func(w int) error {
		for i, ev := range work[w] {
			_, err := store.Append(ctx, ev.Stream, events.Exact(uint64(i)), events.Proposed{
				ID: ev.ID, Type: ev.Type, SchemaVersion: ev.SchemaVersion, Data: ev.Data, Actor: ev.Actor, Reason: ev.Reason,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Figure{}, fmt.Errorf("storebench: concurrent append: %w", err)
	}
	progress("concurrent_append", 1, 2)
	limitTook, err := parallel(writers, func(w int) error {
		for _, ev := range work[w] {
			args := rawArgs(&ev)
			args[0] = nil // SQLite assigns the next rowid as the position
			if _, err := raw.ExecContext(ctx, rawInsert, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Figure{}, fmt.Errorf("storebench: raw concurrent insert: %w", err)
	}
	progress("concurrent_append", 2, 2)
	return newFigure("concurrent_append", each*writers, took, limitTook), nil
}

func parallel(workers int, fn func(w int) error) (time.Duration, error) {
	var wg sync.WaitGroup
	errs := make([]error, workers)
	start := time.Now()
	for w := range workers {
		wg.Go(func() { errs[w] = fn(w) })
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}
