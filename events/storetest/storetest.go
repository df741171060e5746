package storetest

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NewStore returns a fresh, empty store for one test and arranges its
// cleanup with t.Cleanup.
type NewStore func(t *testing.T) events.Store

// Caveats are what an engine cannot promise. The contract cases that depend
// on one check the weaker promise instead; every other case is the same.
// How the log itself is shaped (gaps between positions, a clock per
// stream) is not a caveat but the store's events.LogShape, which the suite
// reads from the store.
type Caveats struct {
	// IDsPerStream: the engine keeps no index of event ids, so an id is
	// recognised, as a retry or as a reuse, only within its own stream, and
	// there only near the head (KurrentDB: the batch's place for an exact
	// expectation, the last 32 events for Any). An id in another stream is
	// not refused.
	IDsPerStream bool
}

// Run runs the whole contract suite with no caveats. Volumes are small so
// the suite stays quick under -race; large volumes belong in benchmarks.
func Run(t *testing.T, newStore NewStore) { RunWithCaveats(t, newStore, Caveats{}) }

// RunWithCaveats runs the contract suite for an engine with caveats.
func RunWithCaveats(t *testing.T, newStore NewStore, c Caveats) {
	tests := []struct {
		name string
		fn   func(*testing.T, events.Store)
	}{
		{"AppendThenRead", testAppendThenRead},
		{"ExpectedVersion", testExpectedVersion},
		{"IdempotentRetry", c.testIdempotentRetry},
		{"InvalidEventsWriteNothing", testInvalidEventsWriteNothing},
		{"ConcurrentWritersOneStream", testConcurrentWritersOneStream},
		{"GlobalOrder", testGlobalOrder},
		{"ReadBounds", testReadBounds},
		{"LargeAndUnicodePayloads", testLargeAndUnicodePayloads},
		{"SubscribeCatchUpRacingAppends", testSubscribeRacingAppends},
		{"SubscribeAfterPosition", testSubscribeAfterPosition},
		{"Cancellation", testCancellation},
		{"HeadsAndSeal", testHeadsAndSeal},
		{"SealsStreamHoldsOnlySeals", testSealsStreamHoldsOnlySeals},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}

// Event makes a valid proposed event whose data carries n.
func Event(n int) events.Proposed {
	return events.Proposed{
		ID:            uuid.New(),
		Type:          "test.something_happened",
		SchemaVersion: 1,
		Data:          json.RawMessage(fmt.Sprintf(`{"n":%d}`, n)),
		Actor:         "tester@example.com",
		Reason:        "contract suite",
	}
}

// AppendSpread appends Event(from) … Event(to-1), one to three per append,
// over the streams project-0, -1 and -2; every append must succeed within 10s.
func AppendSpread(t testing.TB, s events.Store, from, to int) {
	t.Helper()
	for i := from; i < to; {
		k := min(1+i%3, to-i)
		batch := make([]events.Proposed, k)
		for j := range batch {
			batch[j] = Event(i + j)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := s.Append(ctx, fmt.Sprintf("project-%d", i%3), events.Any{}, batch...)
		cancel()
		require.NoError(t, err)
		i += k
	}
}

func events3(from int) []events.Proposed {
	return []events.Proposed{Event(from), Event(from + 1), Event(from + 2)}
}

// ReadStream collects a stream read, failing the test on error.
func ReadStream(t *testing.T, s events.Store, stream string, opts events.ReadOptions) []events.Event {
	t.Helper()
	var out []events.Event
	for ev, err := range s.ReadStream(context.Background(), stream, opts) {
		require.NoError(t, err)
		out = append(out, ev)
	}
	return out
}

// ReadAll collects the whole log after a position, failing the test on error.
func ReadAll(t *testing.T, s events.Store, after uint64) []events.Event {
	t.Helper()
	var out []events.Event
	for ev, err := range s.ReadAll(context.Background(), after) {
		require.NoError(t, err)
		out = append(out, ev)
	}
	return out
}

func testAppendThenRead(t *testing.T, s events.Store) {
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	proposed := events3(1)
	proposed[1].EffectiveAt = time.Date(2026, 5, 14, 0, 0, 0, 0, time.UTC)
	proposed[2].CorrelationID, proposed[2].CausationID = uuid.New(), proposed[0].ID
	res, err := s.Append(ctx, "project-a", events.NoStream{}, proposed...)
	require.NoError(t, err)
	require.Len(t, res.Events, 3)
	require.Equal(t, uint64(3), res.LastVersion())

	got := ReadStream(t, s, "project-a", events.ReadOptions{})
	require.Equal(t, res.Events, got, "a read returns exactly what the append reported")
	var prev events.Hash
	for i, ev := range got {
		p := proposed[i]
		require.Equal(t, p.ID, ev.ID)
		require.Equal(t, "project-a", ev.Stream)
		require.Equal(t, uint64(i+1), ev.Version)
		require.Equal(t, p.Type, ev.Type)
		require.JSONEq(t, string(p.Data), string(ev.Data))
		require.Equal(t, p.Actor, ev.Actor)
		require.Equal(t, p.Reason, ev.Reason)
		require.Equal(t, p.CorrelationID, ev.CorrelationID)
		require.Equal(t, p.CausationID, ev.CausationID)
		require.True(t, ev.RecordedAt.After(before), "recorded-at is set by the store")
		require.Equal(t, time.UTC, ev.RecordedAt.Location())
		require.Equal(t, prev, ev.PrevHash)
		require.Equal(t, events.ComputeHash(&ev), ev.Hash)
		prev = ev.Hash
	}
	require.Equal(t, got[0].RecordedAt, got[0].EffectiveAt, "effective-at defaults to recorded-at")
	require.True(t, proposed[1].EffectiveAt.Equal(got[1].EffectiveAt), "a back-dated event keeps its effective time")
	require.Empty(t, ReadStream(t, s, "project-none", events.ReadOptions{}), "a missing stream reads as empty")
}

func testExpectedVersion(t *testing.T, s events.Store) {
	ctx := context.Background()
	_, err := s.Append(ctx, "s", events.NoStream{}, Event(1), Event(2))
	require.NoError(t, err)

	cases := []struct {
		name     string
		expected events.ExpectedVersion
		ok       bool
	}{
		{"no stream on an existing stream", events.NoStream{}, false},
		{"exact behind", events.Exact(1), false},
		{"exact ahead", events.Exact(5), false},
		{"exact zero", events.Exact(0), false},
		{"exact current", events.Exact(2), true},
		{"any", events.Any{}, true},
	}
	version := uint64(2)
	for _, c := range cases {
		res, err := s.Append(ctx, "s", c.expected, Event(9))
		if !c.ok {
			require.ErrorIs(t, err, events.ErrWrongExpectedVersion, c.name)
			var conflict *events.VersionConflictError
			require.ErrorAs(t, err, &conflict, c.name)
			require.Equal(t, version, conflict.Actual, c.name)
			require.Equal(t, "s", conflict.Stream, c.name)
			continue
		}
		require.NoError(t, err, c.name)
		version++
		require.Equal(t, version, res.LastVersion(), c.name)
	}
	require.Len(t, ReadStream(t, s, "s", events.ReadOptions{}), int(version), "refused appends wrote nothing")

	_, err = s.Append(ctx, "fresh", events.Exact(0), Event(1))
	require.NoError(t, err, "Exact(0) appends to a new stream")
	_, err = s.Append(ctx, "fresh2", events.Any{}, Event(1))
	require.NoError(t, err, "Any appends to a new stream")
}

func (c Caveats) testIdempotentRetry(t *testing.T, s events.Store) {
	ctx := context.Background()
	batch := events3(1)
	first, err := s.Append(ctx, "s", events.NoStream{}, batch...)
	require.NoError(t, err)
	_, err = s.Append(ctx, "s", events.Any{}, Event(4))
	require.NoError(t, err)

	retry, err := s.Append(ctx, "s", events.NoStream{}, batch...)
	require.NoError(t, err, "a retry succeeds even though the stream has moved on")
	require.Equal(t, first, retry, "a retry returns the first append's result")
	require.Len(t, ReadStream(t, s, "s", events.ReadOptions{}), 4, "a retry appends nothing")

	_, err = s.Append(ctx, "s", events.Any{}, batch[0], Event(5))
	require.ErrorIs(t, err, events.ErrDuplicateID, "a batch that is only partly a retry is refused")
	if c.IDsPerStream {
		require.Len(t, ReadAll(t, s, 0), 4)
		return
	}
	_, err = s.Append(ctx, "other", events.Any{}, batch[1])
	require.ErrorIs(t, err, events.ErrDuplicateID, "an id is unique across streams")
	require.Len(t, ReadAll(t, s, 0), 4)
}

func testInvalidEventsWriteNothing(t *testing.T, s events.Store) {
	ctx := context.Background()
	bad := Event(2)
	bad.Data = json.RawMessage(`[1,2]`)
	_, err := s.Append(ctx, "s", events.NoStream{}, Event(1), bad)
	var fe *events.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, 1, fe.Index)
	require.Equal(t, "data", fe.Field)

	_, err = s.Append(ctx, "", events.NoStream{}, Event(1))
	require.ErrorIs(t, err, events.ErrInvalidEvent)
	_, err = s.Append(ctx, "s", events.NoStream{})
	require.ErrorIs(t, err, events.ErrInvalidEvent, "an empty batch is refused")
	require.Empty(t, ReadAll(t, s, 0))
}

// testConcurrentWritersOneStream has writers race on one stream with exact
// expected versions, re-reading on conflict like the aggregate repository.
func testConcurrentWritersOneStream(t *testing.T, s events.Store) {
	const writers, each = 8, 12
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	conflicts := 0
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				ev := Event(w*1000 + i)
				for {
					version, err := lastVersion(ctx, s, "hot")
					if err != nil {
						t.Errorf("read: %v", err)
						return
					}
					_, err = s.Append(ctx, "hot", events.Exact(version), ev)
					if err == nil {
						break
					}
					var conflict *events.VersionConflictError
					if !errors.As(err, &conflict) {
						t.Errorf("append: %v", err)
						return
					}
					mu.Lock()
					conflicts++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	got := ReadStream(t, s, "hot", events.ReadOptions{})
	require.Len(t, got, writers*each, "no lost writes")
	seen := map[uuid.UUID]bool{}
	for i, ev := range got {
		require.Equal(t, uint64(i+1), ev.Version, "no gap and no duplicate version")
		require.False(t, seen[ev.ID], "no event twice")
		seen[ev.ID] = true
	}
	t.Logf("%d conflicts, all typed", conflicts)
}

func lastVersion(ctx context.Context, s events.Store, stream string) (uint64, error) {
	var version uint64
	for ev, err := range s.ReadStream(ctx, stream, events.ReadOptions{}) {
		if err != nil {
			return 0, err
		}
		version = ev.Version
	}
	return version, nil
}

func testGlobalOrder(t *testing.T, s events.Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				_, err := s.Append(ctx, fmt.Sprintf("stream-%d", w), events.Any{}, Event(i))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	all := ReadAll(t, s, 0)
	require.Len(t, all, 40)
	heads := map[string]events.Event{}
	for i, ev := range all {
		if i > 0 {
			require.Greater(t, ev.Position, all[i-1].Position, "positions strictly increase")
			if !events.ShapeOf(s).ClockPerStream {
				require.True(t, ev.RecordedAt.After(all[i-1].RecordedAt), "recorded-at strictly increases along the log")
			}
		}
		head := heads[ev.Stream]
		require.Equal(t, head.Version+1, ev.Version, "each stream in version order")
		require.True(t, ev.RecordedAt.After(head.RecordedAt), "recorded-at strictly increases in a stream")
		heads[ev.Stream] = ev
	}
	require.Equal(t, all[20:], ReadAll(t, s, all[19].Position), "after is exclusive")
	require.Empty(t, ReadAll(t, s, all[39].Position))
}

func testReadBounds(t *testing.T, s events.Store) {
	ctx := context.Background()
	var all []events.Event
	for i := range 6 {
		res, err := s.Append(ctx, "s", events.Any{}, Event(i))
		require.NoError(t, err)
		all = append(all, res.Events...)
		time.Sleep(2 * time.Millisecond) // distinct recorded times
	}
	require.Equal(t, all[2:], ReadStream(t, s, "s", events.ReadOptions{From: 3}))
	require.Equal(t, all[:4], ReadStream(t, s, "s", events.ReadOptions{ToVersion: 4}))
	require.Equal(t, all[1:3], ReadStream(t, s, "s", events.ReadOptions{From: 2, ToVersion: 3}))
	require.Equal(t, all[:3], ReadStream(t, s, "s", events.ReadOptions{RecordedBy: all[2].RecordedAt}))
	require.Empty(t, ReadStream(t, s, "s", events.ReadOptions{RecordedBy: all[0].RecordedAt.Add(-time.Nanosecond)}))
	require.Empty(t, ReadStream(t, s, "s", events.ReadOptions{From: 7}))
}

func testLargeAndUnicodePayloads(t *testing.T, s events.Store) {
	ctx := context.Background()
	large := Event(1)
	large.Data = json.RawMessage(`{"text":"` + strings.Repeat("x", 512<<10) + `"}`)
	unicode := Event(2)
	unicode.Data = json.RawMessage(`{"text":"Zürich — 東京 — 🚀 <b>&amp;</b>","escaped":"\u00e9\n"}`)
	unicode.Actor = "Zoë Ångström"
	unicode.Reason = "Änderung laut CR-7 — 変更"
	unicode.EffectiveAt = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	res, err := s.Append(ctx, "projekt-ü", events.NoStream{}, large, unicode)
	require.NoError(t, err)
	got := ReadStream(t, s, "projekt-ü", events.ReadOptions{})
	require.Equal(t, res.Events, got)
	require.Len(t, got[0].Data, len(large.Data))
	require.JSONEq(t, string(unicode.Data), string(got[1].Data))
	require.Equal(t, unicode.Actor, got[1].Actor)
	require.Equal(t, unicode.Reason, got[1].Reason)
	require.True(t, unicode.EffectiveAt.Equal(got[1].EffectiveAt))
	require.Equal(t, events.ComputeHash(&got[1]), got[1].Hash)
}

// testSubscribeRacingAppends starts a subscription from the beginning while
// writers are appending, and checks it sees the exact log: no gap, no
// duplicate, the same order as ReadAll.
func testSubscribeRacingAppends(t *testing.T, s events.Store) {
	const writers, each = 4, 25
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	started := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if i == 5 && w == 0 {
					close(started)
				}
				_, err := s.Append(ctx, fmt.Sprintf("s-%d", w), events.Any{}, Event(i))
				assert.NoError(t, err)
			}
		})
	}
	<-started
	var got []events.Event
	for ev, err := range s.Subscribe(ctx, 0) {
		require.NoError(t, err)
		got = append(got, ev)
		if len(got) == writers*each {
			break
		}
	}
	wg.Wait()
	require.Equal(t, ReadAll(t, s, 0), got)
}

func testSubscribeAfterPosition(t *testing.T, s events.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.Append(ctx, "s", events.NoStream{}, events3(1)...)
	require.NoError(t, err)
	after := res.Events[1].Position
	var wg sync.WaitGroup
	defer wg.Wait() // the append may return after its event is seen
	wg.Go(func() {
		time.Sleep(50 * time.Millisecond)
		_, err := s.Append(ctx, "t", events.NoStream{}, Event(4))
		assert.NoError(t, err)
	})
	var got []events.Event
	for ev, err := range s.Subscribe(ctx, after) {
		require.NoError(t, err)
		got = append(got, ev)
		if len(got) == 2 {
			break
		}
	}
	require.Equal(t, res.Events[2], got[0], "the start position is exclusive")
	require.Equal(t, "t", got[1].Stream, "then a live event")
}

func testCancellation(t *testing.T, s events.Store) {
	_, err := s.Append(context.Background(), "s", events.NoStream{}, Event(1))
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan int)
	go func() {
		n := 0
		for _, err := range s.Subscribe(ctx, 0) {
			assert.NoError(t, err, "cancellation is not an error")
			n++
		}
		ended <- n
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case n := <-ended:
		require.Equal(t, 1, n)
	case <-time.After(10 * time.Second):
		t.Fatal("subscription did not stop on cancel")
	}

	_, err = s.Append(ctx, "s", events.Any{}, Event(2))
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, ReadAll(t, s, 0), 1, "a cancelled append writes nothing")

	var readErr error
	for _, err := range s.ReadAll(ctx, 0) {
		readErr = err
	}
	require.ErrorIs(t, readErr, context.Canceled, "a cancelled read reports it")
}

func testHeadsAndSeal(t *testing.T, s events.Store) {
	ctx := context.Background()
	a, err := s.Append(ctx, "a", events.NoStream{}, events3(1)...)
	require.NoError(t, err)
	b, err := s.Append(ctx, "b", events.NoStream{}, Event(4))
	require.NoError(t, err)
	pos, heads, err := s.Heads(ctx)
	require.NoError(t, err)
	require.Equal(t, b.LastPosition(), pos)
	require.ElementsMatch(t, []events.StreamHead{
		{Stream: "a", Version: 3, Hash: a.Events[2].Hash},
		{Stream: "b", Version: 1, Hash: b.Events[0].Hash},
	}, heads)

	_, key, err := events.GenerateKey()
	require.NoError(t, err)
	seal, err := events.SealLedger(ctx, s, key, "auditor")
	require.NoError(t, err)
	require.Equal(t, events.SealsStream, seal.Stream)

	seals := ReadStream(t, s, events.SealsStream, events.ReadOptions{})
	v, err := events.NewVerifier(events.VerifyOptions{Key: key.Public().(ed25519.PublicKey), Seals: seals, LogShape: events.ShapeOf(s)})
	require.NoError(t, err)
	for _, ev := range ReadAll(t, s, 0) {
		require.NoError(t, v.Check(ev), "verified as the store says its log is shaped")
	}
	sum, err := v.Finish()
	require.NoError(t, err)
	require.Equal(t, events.Summary{Events: 5, Streams: 3, Seals: 1, LastPosition: seal.Position, SignaturesChecked: true,
		LastSeal: &events.Anchor{Position: b.LastPosition(), Root: events.MerkleRoot(heads)}}, sum)
}

func testSealsStreamHoldsOnlySeals(t *testing.T, s events.Store) {
	_, err := s.Append(context.Background(), events.SealsStream, events.Any{}, Event(1))
	var fe *events.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "type", fe.Field)
	require.Empty(t, ReadAll(t, s, 0))
}
