package projections

import (
	"context"
	"iter"
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
	projects map[string]*projectLog // by stream
}

// projectLog is one project's decoded events and snapshots.
type projectLog struct {
	mu      sync.RWMutex
	stream  string
	records []Record
	snaps   []*State // snaps[k] is the state after k*every records
	current *State
}

// NewEngine returns an engine over source. clock is "now" for questions
// about the present; snapshotEvery ≤ 0 means DefaultSnapshotEvery.
func NewEngine(source Source, registry *events.Registry, clock func() time.Time, snapshotEvery int) *Engine {
	if snapshotEvery <= 0 {
		snapshotEvery = DefaultSnapshotEvery
	}
	return &Engine{source: source, registry: registry, clock: clock, every: snapshotEvery, projects: map[string]*projectLog{}}
}

func (e *Engine) project(id uuid.UUID) *projectLog {
	stream := ProjectStream(id)
	e.mu.Lock()
	defer e.mu.Unlock()
	lp, ok := e.projects[stream]
	if !ok {
		lp = &projectLog{stream: stream, current: NewState(), snaps: []*State{NewState()}}
		e.projects[stream] = lp
	}
	return lp
}

// catchUp reads and folds the project's events the engine has not seen.
func (e *Engine) catchUp(ctx context.Context, lp *projectLog) error {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	for ev, err := range e.source.ReadStream(ctx, lp.stream, events.ReadOptions{From: lp.current.Version + 1}) {
		if err != nil {
			return err
		}
		r, err := Decode(e.registry, ev)
		if err != nil {
			return err
		}
		e.add(lp, r)
	}
	return nil
}

// add folds one record; the caller holds lp.mu.
func (e *Engine) add(lp *projectLog, r Record) {
	lp.records = append(lp.records, r)
	lp.current.Apply(r)
	if len(lp.records)%e.every == 0 {
		lp.snaps = append(lp.snaps, lp.current.Clone())
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
	n := sort.Search(len(lp.records), func(i int) bool { return !q.AsOf.includes(lp.records[i]) })
	if !q.Effective.IsZero() {
		s := NewState()
		for _, r := range lp.records[:n] {
			if !r.EffectiveAt.After(q.Effective) {
				s.Apply(r)
			}
		}
		return s
	}
	if n == len(lp.records) {
		return lp.current
	}
	k := n / e.every
	s := lp.snaps[k].Clone()
	for _, r := range lp.records[k*e.every : n] {
		s.Apply(r)
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
		if n := len(lp.records); n > 0 {
			return lp.records[n-1].RecordedAt, nil // the position is past the end of the log
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
	n := sort.Search(len(lp.records), func(i int) bool { return !asOf.includes(lp.records[i]) })
	if n == 0 {
		return ErrNoProject
	}
	return fn(lp.records[:n])
}

// Projects returns every chartered project in the log, by code. The ids
// come from the charters, not from stream names.
func (e *Engine) Projects(ctx context.Context) ([]events.ProjectChartered, error) {
	_, heads, err := e.source.Heads(ctx)
	if err != nil {
		return nil, err
	}
	var out []events.ProjectChartered
	for _, h := range heads {
		if !strings.HasPrefix(h.Stream, "project-") {
			continue
		}
		for ev, err := range e.source.ReadStream(ctx, h.Stream, events.ReadOptions{ToVersion: 1}) {
			if err != nil {
				return nil, err
			}
			if p, err := e.registry.Decode(ev); err == nil {
				if c, ok := p.(events.ProjectChartered); ok {
					out = append(out, c)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
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

// Rebuild forgets every view and recomputes all projects from the log,
// calling progress after each event folded.
func (e *Engine) Rebuild(ctx context.Context, progress func(folded int)) (RebuildSummary, error) {
	start := time.Now()
	projects, err := e.Projects(ctx)
	if err != nil {
		return RebuildSummary{}, err
	}
	e.mu.Lock()
	e.projects = map[string]*projectLog{}
	e.mu.Unlock()
	var sum RebuildSummary
	for _, p := range projects {
		id, err := uuid.Parse(p.ProjectID)
		if err != nil {
			return sum, err
		}
		lp := e.project(id)
		lp.mu.Lock()
		for ev, err := range e.source.ReadStream(ctx, lp.stream, events.ReadOptions{}) {
			if err != nil {
				lp.mu.Unlock()
				return sum, err
			}
			r, err := Decode(e.registry, ev)
			if err != nil {
				lp.mu.Unlock()
				return sum, err
			}
			e.add(lp, r)
			sum.Events++
			if progress != nil {
				progress(sum.Events)
			}
		}
		lp.mu.Unlock()
		sum.Projects++
	}
	sum.Took = time.Since(start)
	sum.Seconds = sum.Took.Seconds()
	return sum, nil
}
