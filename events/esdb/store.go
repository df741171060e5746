package esdb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/pledger/pledger/events"
)

// Config says which KurrentDB to use and which ledger in it.
type Config struct {
	// URL is a KurrentDB connection string, for example
	// esdb://127.0.0.1:2113?tls=false or
	// esdb+discover://admin:changeit@cluster.example:2113 for a cluster.
	URL string
	// Ledger names this ledger's streams (LEDGER:project-…); several ledgers
	// can share a cluster. Default "pledger".
	Ledger string
	// Log receives resubscription warnings. Default: discarded.
	Log *slog.Logger
	// Clock stamps recorded-at. Default time.Now.
	Clock func() time.Time
}

// DefaultLedger is the ledger name when Config.Ledger is empty.
const DefaultLedger = "pledger"

// Store is pledger's event log in KurrentDB. It is safe for concurrent use,
// also by several processes on one cluster: every append checks the
// stream's revision on the server.
type Store struct {
	conf  esdb.Configuration
	names naming
	log   *slog.Logger
	clock func() time.Time

	mu       sync.Mutex
	recorded time.Time // the last recorded-at this process stamped

	connMu  sync.Mutex
	current *client
	closed  bool
	stop    chan struct{} // closed by Close: subscriptions end
}

var _ events.Store = (*Store)(nil)

// Open connects to KurrentDB. The client connects lazily, so a server that
// is down is reported by the first operation, not here.
func Open(cfg Config) (*Store, error) {
	if cfg.Ledger == "" {
		cfg.Ledger = DefaultLedger
	}
	names, err := newNaming(cfg.Ledger)
	if err != nil {
		return nil, err
	}
	conf, err := esdb.ParseConnectionString(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("esdb: connection string: %w", err)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	conf.Logger = clientLog(cfg.Log)
	c, err := esdb.NewClient(conf)
	if err != nil {
		return nil, fmt.Errorf("esdb: %w", err)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Store{conf: *conf, current: &client{Client: c}, names: names, log: cfg.Log, clock: cfg.Clock, stop: make(chan struct{})}, nil
}

// clientLog sends the client's own messages to log, two levels down: the
// client reports as errors what the store handles or returns itself (a
// dropped subscription it reopens, a refused position it reads around, a
// failed discovery attempt), so they are detail, not news.
func clientLog(log *slog.Logger) esdb.LoggingFunc {
	levels := map[esdb.LogLevel]slog.Level{esdb.LogError: slog.LevelInfo}
	return func(level esdb.LogLevel, format string, args ...any) {
		lvl, ok := levels[level]
		if !ok {
			lvl = slog.LevelDebug
		}
		log.Log(context.Background(), lvl, "esdb client: "+fmt.Sprintf(format, args...))
	}
}

// LogShape says the log has gaps between positions (they are byte offsets
// in a log shared with other ledgers and the server's own records) and that
// recorded-at follows the clocks of the nodes that appended.
func (s *Store) LogShape() events.LogShape { return Shape }

// Shape is the shape of every KurrentDB ledger's log, for checking an
// export of one.
var Shape = events.LogShape{PositionGaps: true, ClockPerStream: true}

// retryWindow is how many more of a stream's last events an Any append
// looks at for its own ids: KurrentDB keeps no index by event id, so a
// retried Any append, or an id reused in the same stream, is recognised only
// this far back. An exact append needs no window: if its first attempt
// landed, the stream has moved past the expected version and the ids are
// looked for where that attempt put them.
const retryWindow = 32

// maxAttempts bounds the re-reads of an append that keeps losing the race
// for the stream's head.
const maxAttempts = 50

// Append implements events.Store. It reads the stream's head, stamps the
// events (versions, recorded-at, hash chain) and appends them with the
// head's revision as the expected one, so two writers can never extend the
// chain from the same head; then it reads them back for their positions.
func (s *Store) Append(ctx context.Context, stream string, expected events.ExpectedVersion, batch ...events.Proposed) (events.AppendResult, error) {
	prepared, err := events.PrepareAppend(stream, batch)
	if err != nil {
		return events.AppendResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return events.AppendResult{}, err
	}
	name := s.names.remote(stream)
	window := len(prepared)
	if _, isAny := expected.(events.Any); isAny {
		window += retryWindow
	}
	var refused *uint64 // the head version the server last refused
	for attempt := 1; ; attempt++ {
		recent, err := s.readBack(ctx, name, window)
		if err != nil {
			return events.AppendResult{}, err
		}
		var head events.Event
		if len(recent) > 0 {
			head = recent[len(recent)-1]
		}
		if res, done, err := s.settled(ctx, stream, expected, prepared, head, recent); done {
			return res, err
		}
		if refused != nil && *refused == head.Version {
			// The server refused this head, yet reads still show it: they
			// come from a node behind the leader. An exact expectation is
			// the caller's to retry; Any waits for the node to catch up.
			if _, isAny := expected.(events.Any); !isAny {
				return events.AppendResult{}, &events.VersionConflictError{Stream: stream, Expected: expected, Actual: head.Version}
			}
			if err := events.Sleep(ctx, time.Duration(attempt)*10*time.Millisecond); err != nil {
				return events.AppendResult{}, err
			}
		}
		stamped := s.stamp(prepared, stream, head)
		data := make([]esdb.EventData, len(stamped))
		for i, ev := range stamped {
			if data[i], err = eventData(ev); err != nil {
				return events.AppendResult{}, err
			}
		}
		err = s.append(ctx, name, expectedRevision(head.Version), data)
		if isCode(err, esdb.ErrorCodeWrongExpectedVersion) {
			// Another writer moved the head between our read and our append.
			// Any tries again from the new head; anything else re-reads to
			// say whether it is a conflict or a retry that already landed.
			if attempt >= maxAttempts {
				return events.AppendResult{}, fmt.Errorf("esdb: append to %q: lost the race for the head %d times", stream, attempt)
			}
			refused = &head.Version
			continue
		}
		if err != nil {
			return events.AppendResult{}, err
		}
		return s.readWritten(ctx, stream, head.Version+1, prepared)
	}
}

// settled decides an append without writing when the stream already answers
// it: a retry of an append that landed (the first result again), an id
// already used, or a version conflict. done is false when the append should
// go ahead.
func (s *Store) settled(ctx context.Context, stream string, expected events.ExpectedVersion, batch []events.Proposed, head events.Event, recent []events.Event) (events.AppendResult, bool, error) {
	// One of the batch's ids among the last events: the batch is a retry if
	// it lies there whole, in order; else an id is reused.
	if i, version, ok := firstKnown(batch, recent); ok {
		if version <= uint64(i) {
			return events.AppendResult{}, true, reusedID(stream, batch)
		}
		return s.retryAt(ctx, stream, batch, version-uint64(i), true)
	}
	if expected.Allows(head.Version) {
		return events.AppendResult{}, false, nil
	}
	// An exact expectation behind the head may be a retry whose events were
	// followed by others: look where they would be.
	if exact, ok := exactVersion(expected); ok && exact < head.Version {
		if res, done, err := s.retryAt(ctx, stream, batch, exact+1, false); done {
			return res, true, err
		}
	}
	return events.AppendResult{}, true, &events.VersionConflictError{Stream: stream, Expected: expected, Actual: head.Version}
}

// retryAt reads the stream where the batch would be had it been appended
// from version from, and says whether it is there whole (a retry: the stored
// events are the answer), partly (a reused id), or not at all (done is false,
// unless known says one of its ids is in the stream anyway).
func (s *Store) retryAt(ctx context.Context, stream string, batch []events.Proposed, from uint64, known bool) (events.AppendResult, bool, error) {
	var there []events.Event
	for ev, err := range s.ReadStream(ctx, stream, events.ReadOptions{From: from, ToVersion: from + uint64(len(batch)) - 1}) {
		if err != nil {
			return events.AppendResult{}, true, err
		}
		there = append(there, ev)
	}
	switch matchRetry(batch, there) {
	case retried:
		return events.AppendResult{Events: there}, true, nil
	case reused:
		return events.AppendResult{}, true, reusedID(stream, batch)
	}
	if known {
		return events.AppendResult{}, true, reusedID(stream, batch)
	}
	return events.AppendResult{}, false, nil
}

func reusedID(stream string, batch []events.Proposed) error {
	return fmt.Errorf("%w: the batch of %d is not a retry, but some of its ids are already in stream %q", events.ErrDuplicateID, len(batch), stream)
}

// exactVersion returns the version an expectation names, if it names one.
func exactVersion(expected events.ExpectedVersion) (uint64, bool) {
	switch e := expected.(type) {
	case events.Exact:
		return uint64(e), true
	case events.NoStream:
		return 0, true
	}
	return 0, false
}

// firstKnown finds one of the batch's ids among stored events: its index in
// the batch and its version.
func firstKnown(batch []events.Proposed, stored []events.Event) (int, uint64, bool) {
	at := make(map[uuid.UUID]int, len(batch))
	for i, p := range batch {
		at[p.ID] = i
	}
	for _, ev := range stored {
		if i, ok := at[ev.ID]; ok {
			return i, ev.Version, true
		}
	}
	return 0, 0, false
}

// retryMatch is what the events at a batch's would-be place say about it.
type retryMatch int

const (
	absent  retryMatch = iota // none of its ids
	retried                   // all of them, in order: the batch was appended before
	reused                    // some of them: not a retry
)

// matchRetry compares a batch with the events where it would be.
func matchRetry(batch []events.Proposed, there []events.Event) retryMatch {
	ids := make(map[uuid.UUID]bool, len(there))
	same := len(there) == len(batch)
	for i, ev := range there {
		ids[ev.ID] = true
		same = same && ev.ID == batch[i].ID
	}
	if same {
		return retried
	}
	for _, p := range batch {
		if ids[p.ID] {
			return reused
		}
	}
	return absent
}

// stamp places the batch after head: versions, recorded-at and the hash
// chain. Recorded-at strictly increases in the stream and, within this
// process, along the log; across several nodes it follows their clocks.
func (s *Store) stamp(batch []events.Proposed, stream string, head events.Event) []events.Event {
	s.mu.Lock()
	now := s.clock().UTC().Round(0)
	now = latest(now, s.recorded.Add(time.Nanosecond), head.RecordedAt.Add(time.Nanosecond))
	s.recorded = now.Add(time.Duration(len(batch)-1) * time.Nanosecond)
	s.mu.Unlock()
	out := make([]events.Event, len(batch))
	prev := head.Hash
	for i, p := range batch {
		out[i] = events.Stamp(p, stream, head.Version+1+uint64(i), 0, now.Add(time.Duration(i)), prev)
		prev = out[i].Hash
	}
	return out
}

func latest(ts ...time.Time) time.Time {
	return slices.MaxFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
}

// readWritten reads back what an append wrote, for the positions only the
// server knows, and checks it is what was sent.
//
// The events there may be another attempt's at the same batch: KurrentDB
// answers an append whose ids already follow the expected revision with
// success and writes nothing (a retry racing its first attempt, or two nodes
// relaying one command). Those are the result, as for any retry.
func (s *Store) readWritten(ctx context.Context, stream string, from uint64, sent []events.Proposed) (events.AppendResult, error) {
	res, done, err := s.retryAt(ctx, stream, sent, from, false)
	switch {
	case done && err == nil:
		return res, nil
	case err != nil && !errors.Is(err, events.ErrDuplicateID):
		return events.AppendResult{}, err // the read failed
	}
	return events.AppendResult{}, fmt.Errorf("esdb: append to %q succeeded but other events are at version %d", stream, from)
}

// readBack returns up to n of a stream's last events, oldest first.
func (s *Store) readBack(ctx context.Context, name string, n int) ([]events.Event, error) {
	var out []events.Event
	for ev, err := range s.readStream(ctx, name, esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, uint64(n)) {
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	slices.Reverse(out)
	return out, nil
}

// ReadStream implements events.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts events.ReadOptions) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		from := max(opts.From, 1)
		count := uint64(math.MaxInt64)
		if opts.ToVersion != 0 {
			if opts.ToVersion < from {
				return
			}
			count = opts.ToVersion - from + 1
		}
		read := s.readStream(ctx, s.names.remote(stream), esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(revisionOf(from))}, count)
		for ev, err := range read {
			if err == nil && !opts.RecordedBy.IsZero() && ev.RecordedAt.After(opts.RecordedBy) {
				return // recorded-at increases along a stream
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// readStream reads one KurrentDB stream as our events.
func (s *Store) readStream(ctx context.Context, name string, opts esdb.ReadStreamOptions, count uint64) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		records := s.records(ctx, "read "+name, func(ctx context.Context, c *esdb.Client) (*esdb.ReadStream, error) {
			return c.ReadStream(ctx, name, opts, count)
		})
		for r, err := range records {
			var ev events.Event
			if err == nil {
				ev, err = s.names.recordedEvent(r)
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// allPage is how many $all records one read asks for.
const allPage = 512

// ReadAll implements events.Store: this ledger's events after a position,
// up to the last record of $all when the read began. $all holds every
// ledger and the server's own records; those are skipped.
func (s *Store) ReadAll(ctx context.Context, after uint64) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		end, err := s.lastRecord(ctx, esdb.End{})
		if err != nil || end == nil {
			if err != nil {
				yield(events.Event{}, err)
			}
			return
		}
		from, err := s.startAfter(ctx, after)
		if err != nil {
			yield(events.Event{}, err)
			return
		}
		var start esdb.AllPosition = from
		if after == 0 {
			start = esdb.Start{}
		}
		for {
			n := 0
			for r, err := range s.readAll(ctx, esdb.ReadAllOptions{Direction: esdb.Forwards, From: start}, allPage) {
				if err != nil {
					yield(events.Event{}, err)
					return
				}
				n++
				if comparePositions(r.Position, from) <= 0 {
					continue // a read starts at its position; the resume point itself is done
				}
				if comparePositions(r.Position, *end) > 0 {
					return
				}
				from, start = r.Position, r.Position
				if _, ours := s.names.local(r.StreamID); !ours || isSystem(r) {
					continue
				}
				ev, err := s.names.recordedEvent(r)
				if !yield(ev, err) || err != nil {
					return
				}
			}
			if n < allPage || comparePositions(from, *end) >= 0 {
				return
			}
		}
	}
}

// LastPosition returns the position of the ledger's last event, 0 when it
// has none, reading $all backwards past other ledgers' and the server's
// records.
func (s *Store) LastPosition(ctx context.Context) (uint64, error) {
	r, err := s.lastWhere(ctx, func(r *esdb.RecordedEvent) bool {
		_, ours := s.names.local(r.StreamID)
		return ours && !isSystem(r)
	})
	if r == nil || err != nil {
		return 0, err
	}
	return positionOf(r.Position)
}

// Ready reports whether the cluster answers, reading one record: cheap
// enough for a readiness probe, unlike LastPosition on a quiet ledger in a
// busy cluster.
func (s *Store) Ready(ctx context.Context) error {
	_, err := s.lastRecord(ctx, esdb.End{})
	return err
}

// lastWhere pages $all backwards from its end to the first record that
// matches, or nil when none does.
func (s *Store) lastWhere(ctx context.Context, match func(*esdb.RecordedEvent) bool) (*esdb.RecordedEvent, error) {
	var from esdb.AllPosition = esdb.End{}
	for {
		n := 0
		for r, err := range s.readAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: from}, allPage) {
			if err != nil {
				return nil, err
			}
			n++
			if p, ok := from.(esdb.Position); ok && comparePositions(r.Position, p) >= 0 {
				continue // a server that includes the start position
			}
			from = r.Position
			if match(r) {
				return r, nil
			}
		}
		if n < allPage {
			return nil, nil
		}
	}
}

// comparePositions orders $all positions as the server does.
func comparePositions(a, b esdb.Position) int {
	return cmp.Or(cmp.Compare(a.Commit, b.Commit), cmp.Compare(a.Prepare, b.Prepare))
}

// startAfter is the $all position just before the first event after ours.
func (s *Store) startAfter(ctx context.Context, after uint64) (esdb.Position, error) {
	if after == 0 {
		return esdb.Position{}, nil
	}
	last, err := s.lastRecord(ctx, esdb.Position{Commit: after, Prepare: after})
	if err == nil {
		return resumeAfter(after, last), nil
	}
	if ctx.Err() != nil || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrDenied) {
		return esdb.Position{}, err
	}
	// KurrentDB refuses to read from a position inside a record, and a
	// position someone typed (pos:N, ?after=) need not be an event's. The
	// commonest is N-1 for "as of event N": start before the record at N.
	next := esdb.Position{Commit: after + 1, Prepare: after + 1}
	if last, err := s.lastRecord(ctx, next); err == nil && (last == nil || comparePositions(*last, next) < 0) {
		if last == nil {
			return esdb.Position{}, nil
		}
		return *last, nil
	}
	// Otherwise start after the last record before it, found from the end.
	r, err := s.lastWhere(ctx, func(r *esdb.RecordedEvent) bool { return r.Position.Prepare <= after })
	if r == nil || err != nil {
		return esdb.Position{}, err
	}
	return r.Position, nil
}

// lastRecord returns the position of the last $all record before from, or
// nil when there is none.
func (s *Store) lastRecord(ctx context.Context, from esdb.AllPosition) (*esdb.Position, error) {
	for r, err := range s.readAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: from}, 1) {
		if err != nil {
			return nil, err
		}
		return &r.Position, nil
	}
	return nil, nil
}

// readAll reads raw $all records.
func (s *Store) readAll(ctx context.Context, opts esdb.ReadAllOptions, count uint64) iter.Seq2[*esdb.RecordedEvent, error] {
	return s.records(ctx, "read $all", func(ctx context.Context, c *esdb.Client) (*esdb.ReadStream, error) {
		return c.ReadAll(ctx, opts, count)
	})
}

// records yields the records of a read until its end; a failure is yielded
// once. A read that cannot reach the cluster before reading anything
// reconnects and starts once more.
func (s *Store) records(ctx context.Context, op string, start startRead) iter.Seq2[*esdb.RecordedEvent, error] {
	return func(yield func(*esdb.RecordedEvent, error) bool) {
		if s.readOnce(ctx, op, start, true, yield) {
			s.readOnce(ctx, op, start, false, yield)
		}
	}
}

// Subscribe implements events.Store with a $all subscription filtered to
// this ledger's streams, reopened after every drop.
func (s *Store) Subscribe(ctx context.Context, after uint64) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		from, err := s.startAfter(ctx, after)
		if err != nil {
			if ctx.Err() == nil {
				yield(events.Event{}, err)
			}
			return
		}
		var start esdb.AllPosition = from
		if after == 0 {
			start = esdb.Start{}
		}
		// The subscription also ends when the store is closed.
		following, stop := context.WithCancel(ctx)
		defer stop()
		go func() {
			select {
			case <-s.stop:
				stop()
			case <-following.Done():
			}
		}()
		f := follower{names: s.names, open: s.subscribeAll, backoff: defaultBackoff, log: s.log}
		for ev, err := range f.follow(following, start) {
			if !yield(ev, err) || err != nil {
				return // an error is yielded once, and ends the subscription
			}
		}
		if ctx.Err() == nil && s.isClosed() {
			yield(events.Event{}, events.ErrClosed)
		}
	}
}

func (s *Store) isClosed() bool {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	return s.closed
}

// Heads implements events.Store by reading the ledger to the end of $all:
// KurrentDB has no consistent snapshot of many streams' heads, but a forward
// read of $all up to one position is one. Its cost grows with the ledger;
// it runs when sealing, not on the request path.
func (s *Store) Heads(ctx context.Context) (uint64, []events.StreamHead, error) {
	heads := map[string]events.StreamHead{}
	var position uint64
	for ev, err := range s.ReadAll(ctx, 0) {
		if err != nil {
			return 0, nil, err
		}
		heads[ev.Stream] = events.StreamHead{Stream: ev.Stream, Version: ev.Version, Hash: ev.Hash}
		position = ev.Position
	}
	out := make([]events.StreamHead, 0, len(heads))
	for _, h := range heads {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b events.StreamHead) int { return cmp.Compare(a.Stream, b.Stream) })
	return position, out, nil
}
