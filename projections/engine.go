package projections

import (
	"context"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Source is what the engine reads of the log.
type Source interface {
	ReadStream(ctx context.Context, stream string, opts events.ReadOptions) iter.Seq2[events.Event, error]
	ReadAll(ctx context.Context, after uint64) iter.Seq2[events.Event, error]
	Subscribe(ctx context.Context, after uint64) iter.Seq2[events.Event, error]
	Heads(ctx context.Context) (uint64, []events.StreamHead, error)
}

// ProjectStream is the stream of a project (the same naming as aggregates).
func ProjectStream(id uuid.UUID) string { return "project-" + id.String() }

// DefaultSnapshotEvery is how many events apart the engine keeps snapshots.
// A snapshot costs only the shards written since the previous one, so they
// can be close together.
const DefaultSnapshotEvery = 512

// Engine answers questions about projects at any moment. It keeps each
// project's decoded events in memory, with a snapshot every SnapshotEvery
// events, so an as-of question costs the events since the nearest snapshot.
// It is safe for concurrent use.
type Engine struct {
	source   Source
	registry *events.Registry
	clock    func() time.Time
	every    int

	mu       sync.Mutex
	projects map[string]*projectLog             // by stream
	charters map[string]events.ProjectChartered // by stream; a charter is version 1 and never changes

	indexMu        sync.Mutex
	indexed        uint64   // the log position projectStreams has read to
	projectStreams []string // every project stream up to indexed, in log order
}

// projectLog is one project's decoded events and snapshots.
type projectLog struct {
	mu       sync.RWMutex
	syncedAt uint64 // the store's committed position at the last catch-up
	stream   string
	records  recordLog
	snaps    []*State // snaps[k] is the state after k*every records
	current  *State
}

// NewEngine returns an engine over source. clock is "now" for questions
// about the present; snapshotEvery ≤ 0 means DefaultSnapshotEvery.
func NewEngine(source Source, registry *events.Registry, clock func() time.Time, snapshotEvery int) *Engine {
	if snapshotEvery <= 0 {
		snapshotEvery = DefaultSnapshotEvery
	}
	return &Engine{source: source, registry: registry, clock: clock, every: snapshotEvery,
		projects: map[string]*projectLog{}, charters: map[string]events.ProjectChartered{}}
}

func (e *Engine) project(id uuid.UUID) *projectLog {
	stream := ProjectStream(id)
	e.mu.Lock()
	defer e.mu.Unlock()
	lp, ok := e.projects[stream]
	if !ok {
		lp = newProjectLog(stream)
		e.projects[stream] = lp
	}
	return lp
}

func newProjectLog(stream string) *projectLog {
	empty := NewState()
	empty.freeze()
	return &projectLog{stream: stream, current: NewState(), snaps: []*State{empty}}
}

// committer is a store that knows its last committed position without a
// query (the SQLite store opened for writing).
type committer interface {
	CommittedPosition() (uint64, bool)
}

// catchUp reads and folds the project's events the engine has not seen. When
// the store can say nothing was committed since the last catch-up, it reads
// nothing and takes no exclusive lock.
func (e *Engine) catchUp(ctx context.Context, lp *projectLog) error {
	pos, known := uint64(0), false
	if c, ok := e.source.(committer); ok {
		pos, known = c.CommittedPosition()
	}
	if known {
		lp.mu.RLock()
		fresh := lp.syncedAt == pos && pos > 0
		lp.mu.RUnlock()
		if fresh {
			return nil
		}
	}
	lp.mu.Lock()
	defer lp.mu.Unlock()
	for batch, err := range e.decoded(ctx, e.source.ReadStream(ctx, lp.stream, events.ReadOptions{From: lp.current.Version + 1})) {
		if err != nil {
			return err
		}
		for _, r := range batch {
			e.add(lp, r)
		}
	}
	if known {
		lp.syncedAt = pos // everything committed by pos has been read
	}
	return nil
}

// batchSize is how many events pass between the stages of decoded.
const batchSize = 1024

type eventBatch struct {
	events []events.Event
	err    error
}

type recordBatch struct {
	records []Record
	err     error
}

// decoded yields the events of log decoded, in batches. Reading (SQLite) and
// decoding (JSON) each run in a goroutine of their own, ahead of the caller,
// so folding overlaps with both. The goroutines end when the log ends, on an
// error, or when the caller stops early.
func (e *Engine) decoded(ctx context.Context, log iter.Seq2[events.Event, error]) iter.Seq2[[]Record, error] {
	return func(yield func([]Record, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer wg.Wait() // after cancel (deferred below, so it runs first)
		defer cancel()
		raw := make(chan eventBatch, 4)
		out := make(chan recordBatch, 4)
		send := func(ch chan<- eventBatch, b eventBatch) bool {
			select {
			case ch <- b:
				return true
			case <-ctx.Done():
				return false
			}
		}
		wg.Go(func() {
			defer close(raw)
			batch := make([]events.Event, 0, batchSize)
			for ev, err := range log {
				if err != nil {
					send(raw, eventBatch{err: err})
					return
				}
				if batch = append(batch, ev); len(batch) == batchSize {
					if !send(raw, eventBatch{events: batch}) {
						return
					}
					batch = make([]events.Event, 0, batchSize)
				}
			}
			if len(batch) > 0 {
				send(raw, eventBatch{events: batch})
			}
		})
		wg.Go(func() {
			defer close(out)
			for b := range raw {
				rb := recordBatch{err: b.err, records: make([]Record, 0, len(b.events))}
				for _, ev := range b.events {
					r, err := Decode(e.registry, ev)
					if err != nil {
						rb.err = err
						break
					}
					rb.records = append(rb.records, r)
				}
				select {
				case out <- rb:
				case <-ctx.Done():
					return
				}
				if rb.err != nil {
					return
				}
			}
		})
		for b := range out {
			if len(b.records) > 0 && !yield(b.records, nil) {
				return
			}
			if b.err != nil {
				yield(nil, b.err)
				return
			}
		}
	}
}

// add folds one record; the caller holds lp.mu.
func (e *Engine) add(lp *projectLog, r Record) {
	lp.records.append(r)
	lp.current.Apply(r)
	if lp.records.len()%e.every == 0 {
		snap := lp.current.Clone() // constant time: the two share every shard until one writes
		snap.freeze()
		lp.snaps = append(lp.snaps, snap)
	}
}

// ErrNoProject is returned for a project with no events (as of the question).
var ErrNoProject = errorString("projections: no such project")

type errorString string

func (e errorString) Error() string { return string(e) }

// At answers q about project id: it calls fn with the project's state and
// the moment time-relative fields are computed against. fn must not keep
// or change the state.
func (e *Engine) At(ctx context.Context, id uuid.UUID, q Query, fn func(s *State, moment time.Time) error) error {
	lp := e.project(id)
	if err := e.catchUp(ctx, lp); err != nil {
		return err
	}
	lp.mu.RLock()
	defer lp.mu.RUnlock()
	s := e.stateAt(lp, q)
	if s.Project.ProjectID == "" {
		return ErrNoProject
	}
	moment, err := e.moment(ctx, lp, q)
	if err != nil {
		return err
	}
	return fn(s, moment)
}

// stateAt folds the state q asks for; the caller holds lp.mu for reading.
func (e *Engine) stateAt(lp *projectLog, q Query) *State {
	n := lp.records.search(q.AsOf)
	if !q.Effective.IsZero() {
		s := NewState()
		for r := range lp.records.all(0, n) {
			if !r.EffectiveAt.After(q.Effective) {
				s.Apply(*r)
			}
		}
		return s
	}
	if n == lp.records.len() {
		return lp.current
	}
	k := n / e.every
	s := lp.snaps[k].Clone()
	for r := range lp.records.all(k*e.every, n) {
		s.Apply(*r)
	}
	return s
}

// moment is the time a question is about: its effective time, else its
// as-of time, else (for pos:N) when the ledger reached that position, else now.
func (e *Engine) moment(ctx context.Context, lp *projectLog, q Query) (time.Time, error) {
	switch {
	case !q.Effective.IsZero():
		return q.Effective, nil
	case !q.AsOf.Time.IsZero():
		return q.AsOf.Time, nil
	case q.AsOf.Position > 0:
		for ev, err := range e.source.ReadAll(ctx, q.AsOf.Position-1) {
			if err != nil {
				return time.Time{}, err
			}
			return ev.RecordedAt, nil
		}
		if n := lp.records.len(); n > 0 {
			return lp.records.at(n - 1).RecordedAt, nil // the position is past the end of the log
		}
	}
	return e.clock().UTC(), nil
}

// Records calls fn with the project's records that q's AsOf bound sees.
func (e *Engine) Records(ctx context.Context, id uuid.UUID, asOf Bound, fn func([]Record) error) error {
	lp := e.project(id)
	if err := e.catchUp(ctx, lp); err != nil {
		return err
	}
	lp.mu.RLock()
	defer lp.mu.RUnlock()
	n := lp.records.search(asOf)
	if n == 0 {
		return ErrNoProject
	}
	return fn(slices.Collect(func(yield func(Record) bool) {
		for r := range lp.records.all(0, n) {
			if !yield(*r) {
				return
			}
		}
	}))
}

// Projects returns every chartered project in the log, by code. The ids
// come from the charters, not from stream names.
func (e *Engine) Projects(ctx context.Context) ([]events.ProjectChartered, error) {
	streams, err := e.streams(ctx)
	if err != nil {
		return nil, err
	}
	var out []events.ProjectChartered
	for _, stream := range streams {
		c, ok, err := e.charter(ctx, stream)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// streams returns every project stream in the log. It reads only the events
// since its last call: the stores have no cheap list of streams (on
// KurrentDB, Heads reads the whole of $all).
func (e *Engine) streams(ctx context.Context) ([]string, error) {
	e.indexMu.Lock()
	defer e.indexMu.Unlock()
	for ev, err := range e.source.ReadAll(ctx, e.indexed) {
		if err != nil {
			return nil, err
		}
		if ev.Version == 1 && strings.HasPrefix(ev.Stream, "project-") {
			e.projectStreams = append(e.projectStreams, ev.Stream)
		}
		e.indexed = ev.Position
	}
	return slices.Clone(e.projectStreams), nil
}

// charter returns the charter of a project stream, read once.
func (e *Engine) charter(ctx context.Context, stream string) (events.ProjectChartered, bool, error) {
	e.mu.Lock()
	c, ok := e.charters[stream]
	e.mu.Unlock()
	if ok {
		return c, true, nil
	}
	for ev, err := range e.source.ReadStream(ctx, stream, events.ReadOptions{ToVersion: 1}) {
		if err != nil {
			return c, false, err
		}
		if p, err := e.registry.Decode(ev); err == nil {
			c, ok = p.(events.ProjectChartered)
		}
	}
	if ok {
		e.mu.Lock()
		e.charters[stream] = c
		e.mu.Unlock()
	}
	return c, ok, nil
}

// Run keeps loaded projects current by following the log from after, until
// ctx is done. Projects not yet asked about are loaded when first asked.
// It returns the position it reached.
func (e *Engine) Run(ctx context.Context, after uint64) (uint64, error) {
	for ev, err := range e.source.Subscribe(ctx, after) {
		if err != nil {
			return after, err
		}
		after = ev.Position
		e.mu.Lock()
		lp, loaded := e.projects[ev.Stream]
		e.mu.Unlock()
		if !loaded {
			continue
		}
		if err := e.observe(lp, ev); err != nil {
			return after, err
		}
	}
	return after, ctx.Err()
}

// observe folds an event the subscription delivered if it is the next one;
// one a query's catch-up already folded is skipped, and after a gap the next
// query's catch-up reads the missing events in order.
func (e *Engine) observe(lp *projectLog, ev events.Event) error {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	if ev.Version != lp.current.Version+1 {
		return nil
	}
	r, err := Decode(e.registry, ev)
	if err != nil {
		return err
	}
	e.add(lp, r)
	return nil
}

// RebuildSummary says what Rebuild recomputed.
type RebuildSummary struct {
	Projects int           `json:"projects"`
	Events   int           `json:"events"`
	Took     time.Duration `json:"-"`
	Seconds  float64       `json:"seconds"`
}

// Rebuild forgets every view and recomputes all projects from the log in
// one pass over it, calling progress after each event folded.
func (e *Engine) Rebuild(ctx context.Context, progress func(folded int)) (RebuildSummary, error) {
	start := time.Now()
	projects := map[string]*projectLog{}
	var sum RebuildSummary
	projectEvents := func(yield func(events.Event, error) bool) {
		for ev, err := range e.source.ReadAll(ctx, 0) {
			if err == nil && !strings.HasPrefix(ev.Stream, "project-") {
				continue
			}
			if !yield(ev, err) {
				return
			}
		}
	}
	for batch, err := range e.decoded(ctx, projectEvents) {
		if err != nil {
			return sum, err
		}
		for _, r := range batch {
			lp, ok := projects[r.Stream]
			if !ok {
				lp = newProjectLog(r.Stream)
				projects[r.Stream] = lp
			}
			e.add(lp, r)
			sum.Events++
			if progress != nil {
				progress(sum.Events)
			}
		}
	}
	e.mu.Lock()
	e.projects = projects
	e.mu.Unlock()
	sum.Projects = len(projects)
	sum.Took = time.Since(start)
	sum.Seconds = sum.Took.Seconds()
	return sum, nil
}

// recordLog is a project's decoded events in fixed-size chunks, so it grows
// without ever copying what it holds.
type recordLog struct {
	chunks [][]Record
	n      int
}

const recordChunk = 4096

func (l *recordLog) append(r Record) {
	if l.n%recordChunk == 0 {
		l.chunks = append(l.chunks, make([]Record, 0, recordChunk))
	}
	last := len(l.chunks) - 1
	l.chunks[last] = append(l.chunks[last], r)
	l.n++
}

func (l *recordLog) len() int { return l.n }

func (l *recordLog) at(i int) *Record { return &l.chunks[i/recordChunk][i%recordChunk] }

// search returns how many records, from the first, the bound sees: records
// are in position and recorded-time order, so the ones it sees are a prefix.
func (l *recordLog) search(b Bound) int {
	return sort.Search(l.n, func(i int) bool { return !b.includes(*l.at(i)) })
}

// all yields records lo to hi-1.
func (l *recordLog) all(lo, hi int) iter.Seq[*Record] {
	return func(yield func(*Record) bool) {
		for i := lo; i < hi; i++ {
			if !yield(l.at(i)) {
				return
			}
		}
	}
}
