package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// MustOpen opens a store on a new file in a temp dir, closed at cleanup.
func MustOpen(tb testing.TB, opts sqlite.Options) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "ledger.db"), opts)
	require.NoError(tb, err)
	tb.Cleanup(func() { require.NoError(tb, s.Close()) })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) events.Store { return MustOpen(t, sqlite.Options{}) })
}

func TestSecondWriterIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	first, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	require.NoError(t, err)

	_, err = sqlite.Open(context.Background(), path, sqlite.Options{})
	require.ErrorIs(t, err, sqlite.ErrLocked)
	require.Contains(t, err.Error(), "pid ")

	reader, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	require.NoError(t, err, "a reader opens beside the writer")
	_, err = reader.Append(context.Background(), "s", events.Any{}, storetest.Event(1))
	require.ErrorIs(t, err, events.ErrReadOnly)
	require.NoError(t, reader.Close())

	require.NoError(t, first.Close())
	again, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	require.NoError(t, err, "the lock is released on close")
	require.NoError(t, again.Close())
}

func TestReadOnlyOpenOfMissingFile(t *testing.T) {
	_, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "none.db"), sqlite.Options{ReadOnly: true})
	require.ErrorIs(t, err, sqlite.ErrNoLedger)
}

func TestReopenKeepsTheLogAndItsEnd(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	first, err := s.Append(ctx, "s", events.NoStream{}, storetest.Event(1), storetest.Event(2))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s, err = sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Append(ctx, "s", events.NoStream{}, storetest.Event(3))
	require.ErrorIs(t, err, events.ErrWrongExpectedVersion, "the head survives a reopen")
	next, err := s.Append(ctx, "s", events.Exact(2), storetest.Event(3))
	require.NoError(t, err)
	require.Equal(t, first.Events[1].Hash, next.Events[0].PrevHash, "the chain continues")
	require.Equal(t, uint64(3), next.Events[0].Position)
}

func TestRecordedAtStrictlyIncreases(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { // a clock stepped back by NTP between appends
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(-time.Minute)
		return now
	}
	s := MustOpen(t, sqlite.Options{Clock: clock})
	a, err := s.Append(ctx, "s", events.Any{}, storetest.Event(1))
	require.NoError(t, err)
	b, err := s.Append(ctx, "s", events.Any{}, storetest.Event(2))
	require.NoError(t, err)
	require.Equal(t, a.Events[0].RecordedAt.Add(time.Nanosecond), b.Events[0].RecordedAt, "one nanosecond later, never earlier")
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec("PRAGMA user_version = 99")
	require.NoError(t, err)
	require.NoError(t, db.Close())

	_, err = sqlite.Open(ctx, path, sqlite.Options{})
	require.ErrorContains(t, err, "schema version 99 is newer")
	_, err = sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true})
	require.ErrorContains(t, err, "schema version is 99")
}

func TestReadOnlySubscriberFollowsAnotherWriter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	path := filepath.Join(t.TempDir(), "ledger.db")
	writer, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	defer writer.Close()
	reader, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true, PollInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	defer reader.Close()

	go func() {
		time.Sleep(30 * time.Millisecond)
		_, err := writer.Append(ctx, "s", events.Any{}, storetest.Event(1))
		assert.NoError(t, err)
	}()
	for ev, err := range reader.Subscribe(ctx, 0) {
		require.NoError(t, err)
		require.Equal(t, uint64(1), ev.Position)
		break
	}
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	src := MustOpen(t, sqlite.Options{})
	for i := range 5 {
		_, err := src.Append(ctx, fmt.Sprintf("s-%d", i%2), events.Any{}, storetest.Event(i))
		require.NoError(t, err)
	}
	log := storetest.ReadAll(t, src, 0)

	dst := MustOpen(t, sqlite.Options{})
	var seen int
	sum, err := dst.Import(ctx, seq(log), events.VerifyOptions{}, func(events.Event) { seen++ })
	require.NoError(t, err)
	require.Equal(t, uint64(5), sum.Events)
	require.Equal(t, 5, seen)
	require.Equal(t, log, storetest.ReadAll(t, dst, 0), "an import keeps every field")
	next, err := dst.Append(ctx, "s-0", events.Exact(3), storetest.Event(9))
	require.NoError(t, err, "the imported heads are the store's heads")
	require.Equal(t, uint64(6), next.LastPosition())

	_, err = dst.Import(ctx, seq(log), events.VerifyOptions{}, nil)
	require.ErrorIs(t, err, events.ErrNotEmpty)

	tampered := append([]events.Event(nil), log...)
	tampered[3].Reason = "edited"
	empty := MustOpen(t, sqlite.Options{})
	_, err = empty.Import(ctx, seq(tampered), events.VerifyOptions{}, nil)
	var problem *events.Problem
	require.ErrorAs(t, err, &problem)
	require.Equal(t, uint64(4), problem.Position)
	require.Empty(t, storetest.ReadAll(t, empty, 0), "a failed import writes nothing")
	_, err = empty.Append(ctx, "s-0", events.NoStream{}, storetest.Event(1))
	require.NoError(t, err, "the store is usable after a failed import")
}

// seq yields a slice as a log without errors.
func seq(log []events.Event) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		for _, ev := range log {
			if !yield(ev, nil) {
				return
			}
		}
	}
}

func TestReadsAfterCloseSayClosed(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), sqlite.Options{})
	require.NoError(t, err)
	_, err = s.Append(context.Background(), "s", events.Any{}, storetest.Event(1))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	for _, read := range []func() error{
		func() error { return first(s.ReadAll(context.Background(), 0)) },
		func() error { return first(s.ReadStream(context.Background(), "s", events.ReadOptions{})) },
		func() error { return first(s.Subscribe(context.Background(), 0)) },
		func() error { _, _, err := s.Heads(context.Background()); return err },
		func() error { _, err := s.LastPosition(context.Background()); return err },
		func() error {
			_, err := s.Append(context.Background(), "s", events.Any{}, storetest.Event(2))
			return err
		},
	} {
		require.ErrorIs(t, read(), events.ErrClosed)
	}
}

func first(log iter.Seq2[events.Event, error]) error {
	for _, err := range log {
		return err
	}
	return nil
}

// TestImportRacingAppends: an import that meets appends in flight either
// runs first (and the appends follow it) or finds the ledger not empty;
// either way no acknowledged append is lost and the ledger verifies.
func TestImportRacingAppends(t *testing.T) {
	ctx := context.Background()
	src := MustOpen(t, sqlite.Options{})
	for i := range 20 {
		_, err := src.Append(ctx, fmt.Sprintf("imported-%d", i%3), events.Any{}, storetest.Event(i))
		require.NoError(t, err)
	}
	log := storetest.ReadAll(t, src, 0)

	for round := range 4 {
		dst := MustOpen(t, sqlite.Options{})
		var wg sync.WaitGroup
		acked := make(chan uuid.UUID, 40)
		for w := range 4 {
			wg.Go(func() {
				for i := range 10 {
					ev := storetest.Event(i)
					if _, err := dst.Append(ctx, fmt.Sprintf("writer-%d", w), events.Any{}, ev); err == nil {
						acked <- ev.ID
					}
				}
			})
		}
		if round%2 == 1 { // let the writers in first
			require.Eventually(t, func() bool { p, _ := dst.CommittedPosition(); return p > 0 }, 10*time.Second, time.Millisecond)
		}
		_, importErr := dst.Import(ctx, seq(log), events.VerifyOptions{}, nil)
		wg.Wait()
		close(acked)
		t.Logf("round %d: import: %v", round, importErr)
		if importErr != nil {
			require.ErrorIs(t, importErr, events.ErrNotEmpty, "round %d", round)
		}
		all := storetest.ReadAll(t, dst, 0)
		ids := map[uuid.UUID]bool{}
		for _, ev := range all {
			ids[ev.ID] = true
		}
		n := 0
		for id := range acked {
			require.True(t, ids[id], "round %d: an acknowledged append is in the log", round)
			n++
		}
		require.Equal(t, 40, n, "round %d: every append succeeds", round)
		if importErr == nil {
			require.Equal(t, log, all[:len(log)], "round %d: the import came first, whole", round)
		}
		v, err := events.NewVerifier(events.VerifyOptions{})
		require.NoError(t, err)
		for _, ev := range all {
			require.NoError(t, v.Check(ev), "round %d", round)
		}
	}
}
