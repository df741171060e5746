package projections_test

import (
	"context"
	"encoding/json"
	"iter"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/storetest"
	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// stateJSON returns the state a query sees, as JSON, for comparison.
func stateJSON(t *testing.T, e *projections.Engine, q projections.Query) string {
	t.Helper()
	var out []byte
	err := e.At(context.Background(), demoID(), q, func(s *projections.State, _ time.Time) error {
		var err error
		out, err = json.Marshal(s)
		return err
	})
	require.NoError(t, err)
	return string(out)
}

// TestPrefixProperty: for many moments T, the state as of T over the whole
// ledger equals the current state over a ledger that holds only the events
// recorded up to T — with snapshots every event, every 7, or none at all.
func TestPrefixProperty(t *testing.T) {
	full, _ := demoEngine(t)
	src, err := sqlite.Open(context.Background(), demoPath, sqlite.Options{ReadOnly: true})
	require.NoError(t, err)
	defer src.Close()
	log := storetest.ReadAll(t, src, 0)
	registry := events.NewCatalogue()
	engines := map[string]*projections.Engine{
		"every event":  projections.NewEngine(src, registry, fixedClock("2026-07-01T09:00:00Z"), 1),
		"every 7":      projections.NewEngine(src, registry, fixedClock("2026-07-01T09:00:00Z"), 7),
		"no snapshots": projections.NewEngine(src, registry, fixedClock("2026-07-01T09:00:00Z"), 1<<30),
		"default":      full,
	}

	rng := rand.New(rand.NewPCG(1, 2))
	var moments []projections.Query
	for range 12 { // random instants between the charter and the end
		at := log[20].RecordedAt.Add(time.Duration(rng.Int64N(int64(log[len(log)-1].RecordedAt.Sub(log[20].RecordedAt)))))
		moments = append(moments, projections.Query{AsOf: projections.Bound{Time: at}})
	}
	for range 6 { // random positions
		moments = append(moments, projections.Query{AsOf: projections.Bound{Position: uint64(15 + rng.IntN(len(log)-15))}})
	}
	moments = append(moments, asOf("2026-04-14"), projections.Query{AsOf: projections.Bound{Time: log[200].RecordedAt}})

	for _, q := range moments {
		t.Run(q.AsOf.String(), func(t *testing.T) {
			prefix := prefixLedger(t, log, q.AsOf)
			want := stateJSON(t, projections.NewEngine(prefix, registry, fixedClock("2026-07-01T09:00:00Z"), 0), projections.Query{})
			for name, e := range engines {
				require.JSONEq(t, want, stateJSON(t, e, q), "engine with snapshots %s", name)
			}
		})
	}
}

// prefixLedger imports the events a bound sees into a new ledger.
func prefixLedger(t *testing.T, log []events.Event, b projections.Bound) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "prefix.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	var seq iter.Seq2[events.Event, error] = func(yield func(events.Event, error) bool) {
		for _, ev := range log {
			if (b.Position > 0 && ev.Position > b.Position) || (!b.Time.IsZero() && ev.RecordedAt.After(b.Time)) {
				return
			}
			if !yield(ev, nil) {
				return
			}
		}
	}
	_, err = s.Import(context.Background(), seq, events.VerifyOptions{}, nil)
	require.NoError(t, err)
	return s
}

// TestEffectiveTime: back-dated facts count for the business date they are
// effective on, by what is known now, but not in what the ledger knew then.
func TestEffectiveTime(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()
	endOfMarch, err := projections.ParseTime("2026-03-31")
	require.NoError(t, err)
	invoicesAt := func(q projections.Query) int {
		n := 0
		require.NoError(t, e.At(ctx, id, q, func(s *projections.State, _ time.Time) error {
			n = s.Invoices.Len()
			return nil
		}))
		return n
	}
	// Two invoices dated 31 March were recorded on 2 April.
	require.Equal(t, 0, invoicesAt(asOf("2026-03-31")), "on 31 March the ledger knew of no invoice")
	require.Equal(t, 2, invoicesAt(projections.Query{Effective: endOfMarch}), "by what we know now, two were in by 31 March")
	require.Equal(t, 0, invoicesAt(projections.Query{AsOf: projections.Bound{Time: endOfMarch.Add(24 * time.Hour)}, Effective: endOfMarch}),
		"on 1 April the ledger still knew of none")
}

func TestNoSuchProject(t *testing.T) {
	e, _ := demoEngine(t)
	_, err := e.RAID(context.Background(), demoID(), asOf("2026-02-24"), projections.RAIDFilter{})
	require.ErrorIs(t, err, projections.ErrNoProject, "before its charter the project does not exist")
}

func TestParseBound(t *testing.T) {
	for in, want := range map[string]string{
		"2026-04-01":                "2026-04-01T23:59:59.999999999Z",
		"2026-04-01T10:00:00+02:00": "2026-04-01T08:00:00Z",
		"pos:42":                    "pos:42",
		"":                          "now",
	} {
		b, err := projections.ParseBound(in)
		require.NoError(t, err, in)
		require.Equal(t, want, b.String(), in)
	}
	for _, bad := range []string{"yesterday", "pos:", "pos:0", "pos:-1", "2026-13-01"} {
		_, err := projections.ParseBound(bad)
		require.Error(t, err, bad)
	}
}

// Projects lists every chartered project, and a project chartered after the
// first call is in the next (the engine reads only what is new).
func TestProjectsSeesNewCharters(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	repo := aggregates.NewRepository(store, events.NewCatalogue())
	e := projections.NewEngine(store, events.NewCatalogue(), fixedClock("2026-07-01T09:00:00Z"), 0)
	codes := func() []string {
		list, err := e.Projects(ctx)
		require.NoError(t, err)
		var out []string
		for _, c := range list {
			out = append(out, c.Code)
		}
		return out
	}
	require.Empty(t, codes())
	charter := func(code string) {
		_, err := repo.ExecProject(ctx, uuid.NewSHA1(uuid.NameSpaceURL, []byte(code)), aggregates.CharterProject{Code: code, Name: code,
			Sponsor: "CIO", Manager: "pm@example.com", Coordinator: "co@example.com", Start: mustDate("2026-06-01"), End: mustDate("2026-09-30"), Currency: "EUR"},
			aggregates.Meta{Actor: "pm@example.com", Reason: "test"})
		require.NoError(t, err)
	}
	charter("ZED")
	require.Equal(t, []string{"ZED"}, codes())
	charter("ABC")
	require.Equal(t, []string{"ABC", "ZED"}, codes(), "by code")
}
