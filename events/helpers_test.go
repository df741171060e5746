package events_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
)

// testID returns a fixed, non-nil UUID for n, so logs built twice are equal.
func testID(n int) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceURL, fmt.Appendf(nil, "pledger-test-event-%d", n))
}

// testKey returns a deterministic Ed25519 key pair for seed byte b.
func testKey(b byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

// baseTime is the recorded time of the first event of a test log.
var baseTime = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// logBuilder builds a valid log in memory the way a store would: dense (or
// evenly spaced) positions, versions from 1 per stream, prev hashes chained per
// stream, recorded times that never decrease, and seals appended to
// SealsStream over the heads at the end of the log, as SealLedger does.
type logBuilder struct {
	t     testing.TB
	key   ed25519.PrivateKey
	step  uint64 // distance between positions; 1 is dense
	log   []events.Event
	heads map[string]events.StreamHead
	at    time.Time
	n     int
}

func newLogBuilder(t testing.TB, key ed25519.PrivateKey, step uint64) *logBuilder {
	return &logBuilder{t: t, key: key, step: step, heads: map[string]events.StreamHead{}, at: baseTime}
}

func (b *logBuilder) lastPosition() uint64 {
	if len(b.log) == 0 {
		return 0
	}
	return b.log[len(b.log)-1].Position
}

func (b *logBuilder) append(stream string, p events.Proposed) events.Event {
	b.t.Helper()
	prepared, err := events.Prepare([]events.Proposed{p})
	require.NoError(b.t, err)
	head := b.heads[stream]
	ev := events.Stamp(prepared[0], stream, head.Version+1, b.lastPosition()+b.step, b.at, head.Hash)
	b.log = append(b.log, ev)
	b.heads[stream] = events.StreamHead{Stream: stream, Version: ev.Version, Hash: ev.Hash}
	return ev
}

// event appends a test event to stream, recorded tick after the previous one.
func (b *logBuilder) event(stream string, tick time.Duration) events.Event {
	b.t.Helper()
	b.n++
	b.at = b.at.Add(tick)
	return b.append(stream, events.Proposed{
		ID:            testID(b.n),
		Type:          "test.happened",
		SchemaVersion: 1,
		Data:          fmt.Appendf(nil, `{"stream":%q,"n":%d}`, stream, b.n),
		Actor:         "alice",
		Reason:        "testing",
	})
}

// seal appends a seal over every stream head at the current end of the log.
func (b *logBuilder) seal() events.Event {
	b.t.Helper()
	heads := make([]events.StreamHead, 0, len(b.heads))
	for _, h := range b.heads {
		heads = append(heads, h)
	}
	s := events.NewSeal(b.key, b.lastPosition(), heads)
	data, err := json.Marshal(s)
	require.NoError(b.t, err)
	b.n++
	b.at = b.at.Add(time.Second)
	return b.append(events.SealsStream, events.Proposed{
		ID:            testID(b.n),
		Type:          s.EventType(),
		SchemaVersion: 1,
		Data:          data,
		Actor:         "sealer",
		Reason:        fmt.Sprintf("seal %d streams at position %d", len(heads), s.Position),
	})
}

// standardLog builds the log most verifier tests start from:
//
//	pos  1 a1   2 b1   3 a2   4 v1   5 b2   6 a3
//	pos  7 seal1 over {a:3 b:2 v:1} at position 6
//	pos  8 b3   9 a4  10 v2
//	pos 11 seal2 over {a:4 b:3 v:2 seals:1} at position 10
//	pos 12 a5  13 b4
//
// where a, b and v are the streams "project-a", "project-b" and "vendors".
// Recorded times strictly increase, as the store stamps them.
func standardLog(t testing.TB, key ed25519.PrivateKey, step uint64) []events.Event {
	b := newLogBuilder(t, key, step)
	b.event("project-a", 0)
	b.event("project-b", time.Second)
	b.event("project-a", time.Nanosecond)
	b.event("vendors", time.Millisecond)
	b.event("project-b", time.Nanosecond)
	b.event("project-a", time.Minute)
	b.seal()
	b.event("project-b", time.Second)
	b.event("project-a", time.Second)
	b.event("vendors", time.Second)
	b.seal()
	b.event("project-a", time.Second)
	b.event("project-b", time.Second)
	return b.log
}

// cloneLog copies a log deeply enough that changing an event's Data in the
// copy leaves the original alone.
func cloneLog(log []events.Event) []events.Event {
	out := make([]events.Event, len(log))
	for i, ev := range log {
		ev.Data = bytes.Clone(ev.Data)
		out[i] = ev
	}
	return out
}

// rechain recomputes every PrevHash and Hash in log order, as a forger who
// changed events would.
func rechain(log []events.Event) []events.Event {
	heads := map[string]events.Hash{}
	for i := range log {
		log[i].PrevHash = heads[log[i].Stream]
		log[i].Hash = events.ComputeHash(&log[i])
		heads[log[i].Stream] = log[i].Hash
	}
	return log
}

// renumber makes positions dense again, as a forger who deleted events would.
func renumber(log []events.Event) []events.Event {
	for i := range log {
		log[i].Position = uint64(i) + 1
	}
	return log
}

// withoutPositions drops the events at the given positions.
func withoutPositions(log []events.Event, positions ...uint64) []events.Event {
	drop := map[uint64]bool{}
	for _, p := range positions {
		drop[p] = true
	}
	var out []events.Event
	for _, ev := range log {
		if !drop[ev.Position] {
			out = append(out, ev)
		}
	}
	return out
}

// sealsOf returns the events of SealsStream, as a reader of that stream would.
func sealsOf(log []events.Event) []events.Event {
	var out []events.Event
	for _, ev := range log {
		if ev.Stream == events.SealsStream {
			out = append(out, ev)
		}
	}
	return out
}

// headsAt returns the stream heads of log up to and including position.
func headsAt(log []events.Event, position uint64) []events.StreamHead {
	m := map[string]events.StreamHead{}
	var order []string
	for _, ev := range log {
		if ev.Position > position {
			break
		}
		if _, ok := m[ev.Stream]; !ok {
			order = append(order, ev.Stream)
		}
		m[ev.Stream] = events.StreamHead{Stream: ev.Stream, Version: ev.Version, Hash: ev.Hash}
	}
	out := make([]events.StreamHead, 0, len(order))
	for _, s := range order {
		out = append(out, m[s])
	}
	return out
}

// verifyLog feeds log to a Verifier and finishes it. atFinish reports whether
// the error came from Finish rather than Check.
func verifyLog(opts events.VerifyOptions, log []events.Event) (sum events.Summary, atFinish bool, err error) {
	v, err := events.NewVerifier(opts)
	if err != nil {
		return events.Summary{}, false, err
	}
	for _, ev := range log {
		if err := v.Check(ev); err != nil {
			return events.Summary{}, false, err
		}
	}
	sum, err = v.Finish()
	return sum, true, err
}
