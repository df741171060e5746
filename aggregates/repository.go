package aggregates

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Store is what the repository needs of the log.
type Store interface {
	Append(ctx context.Context, stream string, expected events.ExpectedVersion, evs ...events.Proposed) (events.AppendResult, error)
	ReadStream(ctx context.Context, stream string, opts events.ReadOptions) iter.Seq2[events.Event, error]
}

// Meta is a command's audit metadata; it goes into every event's envelope.
type Meta struct {
	Actor         string
	Reason        string
	CorrelationID uuid.UUID
	CausationID   uuid.UUID
	// EffectiveAt back-dates the facts (an invoice dated May, recorded in
	// June); zero means "when recorded".
	EffectiveAt time.Time
	// CommandID makes the command idempotent: event ids derive from it, so a
	// retry appends nothing and returns the first result. Zero: random ids.
	CommandID uuid.UUID
	// ExpectedVersion, if set, is the stream version the caller saw
	// (If-Match): a stream that has moved on is refused with ErrConflict
	// instead of being re-decided.
	ExpectedVersion *uint64
}

// Result is what a command appended.
type Result struct {
	Events []events.Event
}

// Version is the stream version after the command.
func (r Result) Version() uint64 { return events.AppendResult{Events: r.Events}.LastVersion() }

// state is an aggregate the repository can fold and cache.
type state interface {
	apply(ev events.Event, p events.Payload)
	version() uint64
}

// Repository loads aggregates, runs commands and appends their events. It is
// safe for concurrent use: commands on one stream are serialized within the
// process, and conflicts with other processes are re-decided.
type Repository struct {
	store    Store
	registry *events.Registry
	retries  int

	mu      sync.Mutex
	streams map[string]*cached
}

// cached is a stream's latest known state (the snapshot), the lock that
// serializes commands on it, and the queue of commands waiting to be
// batched.
type cached struct {
	mu       sync.Mutex
	state    state
	syncedAt uint64 // the store's committed position when state was last caught up

	qmu     sync.Mutex
	queue   []*pending
	leading bool // a goroutine is running the queue's batches
}

// NewRepository returns a repository over store, decoding with registry.
func NewRepository(store Store, registry *events.Registry) *Repository {
	return &Repository{store: store, registry: registry, retries: 12, streams: map[string]*cached{}}
}

func (r *Repository) entry(stream string) *cached {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.streams[stream]
	if !ok {
		c = &cached{}
		r.streams[stream] = c
	}
	return c
}

// catchUp folds the events after the snapshot into it.
func (r *Repository) catchUp(ctx context.Context, stream string, s state) error {
	for ev, err := range r.store.ReadStream(ctx, stream, events.ReadOptions{From: s.version() + 1}) {
		if err != nil {
			return err
		}
		p, err := r.registry.Decode(ev)
		if err != nil {
			return err
		}
		s.apply(ev, p)
	}
	return nil
}

// load returns the current state of a stream, caught up with the log.
func load[S state](ctx context.Context, r *Repository, stream string, fresh func() S) (S, error) {
	c := r.entry(stream)
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := r.current(ctx, stream, c, func() state { return fresh() })
	if err != nil {
		var zero S
		return zero, err
	}
	return s.(S), nil
}

// withState calls read with a stream's current state, holding the stream's
// lock so no command changes it meanwhile.
func withState[S state](ctx context.Context, r *Repository, stream string, fresh func() S, read func(S)) error {
	c := r.entry(stream)
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := r.current(ctx, stream, c, func() state { return fresh() })
	if err != nil {
		return err
	}
	read(s.(S))
	return nil
}

func (r *Repository) current(ctx context.Context, stream string, c *cached, fresh func() state) (state, error) {
	pos, known := uint64(0), false
	if cp, ok := r.store.(interface{ CommittedPosition() (uint64, bool) }); ok {
		pos, known = cp.CommittedPosition()
	}
	if c.state != nil && known && pos == c.syncedAt {
		return c.state, nil // nothing was committed since the last catch-up
	}
	if c.state == nil {
		c.state = fresh()
	}
	if err := r.catchUp(ctx, stream, c.state); err != nil {
		c.state = nil // a half-applied snapshot is not a snapshot
		return nil, err
	}
	c.syncedAt = pos
	return c.state, nil
}

// execute runs decide against the stream's current state and appends what
// it returns; on a version conflict it catches up and decides again.
//
// Commands on one stream that arrive while another is being appended are
// batched: the next leader decides each against the state the previous ones
// leave and appends them all at once, so writers on one busy project share
// one commit instead of queueing for one each. A command with a CommandID or
// an ExpectedVersion runs alone, so its retry and If-Match rules stay
// exactly those of a single append.
func execute[S state](ctx context.Context, r *Repository, stream string, fresh func() S, meta Meta, decide func(S) ([]events.Payload, error)) (Result, error) {
	if err := meta.validate(); err != nil {
		return Result{}, err
	}
	c := r.entry(stream)
	run := func(st state) ([]events.Payload, error) { return decide(st.(S)) }
	freshState := func() state { return fresh() }
	if meta.CommandID != uuid.Nil || meta.ExpectedVersion != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		return r.once(ctx, stream, c, freshState, meta, run)
	}
	p := &pending{ctx: ctx, meta: meta, decide: run, done: make(chan struct{})}
	c.qmu.Lock()
	c.queue = append(c.queue, p)
	if c.leading {
		c.qmu.Unlock()
		<-p.done
		return p.res, p.err
	}
	c.leading = true
	c.qmu.Unlock()
	for {
		c.qmu.Lock()
		batch := c.queue
		c.queue = nil
		if len(batch) == 0 {
			c.leading = false
			c.qmu.Unlock()
			break
		}
		c.qmu.Unlock()
		r.runBatch(stream, c, freshState, batch)
	}
	<-p.done
	return p.res, p.err
}

// pending is a command waiting in a stream's batch.
type pending struct {
	ctx    context.Context
	meta   Meta
	decide func(state) ([]events.Payload, error)
	res    Result
	err    error
	done   chan struct{}
}

// runBatch decides a batch of commands in order and appends their events
// in one append. If the append fails, the state is dropped and each command
// runs alone (catching up, re-deciding, retrying on conflicts).
func (r *Repository) runBatch(stream string, c *cached, fresh func() state, batch []*pending) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer func() {
		for _, p := range batch {
			close(p.done)
		}
	}()
	// The leader works for every command in the batch: its own cancellation
	// must not fail the others.
	ctx := context.WithoutCancel(batch[0].ctx)
	if len(batch) == 1 {
		p := batch[0]
		p.res, p.err = r.once(p.ctx, stream, c, fresh, p.meta, p.decide)
		return
	}
	st, err := r.current(ctx, stream, c, fresh)
	if err != nil {
		for _, p := range batch {
			p.err = err
		}
		return
	}
	start := st.version()
	var all []events.Proposed
	var owners []*pending // owners[i] decided all[i]
	for _, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.err = err
			continue
		}
		out, err := p.decide(st)
		if err == nil {
			var props []events.Proposed
			if props, err = r.propose(out, p.meta, st); err == nil {
				for i, prop := range props {
					st.apply(events.Event{ID: prop.ID, Version: st.version() + 1, Type: prop.Type}, out[i])
					owners = append(owners, p)
				}
				all = append(all, props...)
			}
		}
		p.err = err
	}
	if len(all) == 0 {
		return
	}
	res, err := r.store.Append(ctx, stream, events.Exact(start), all...)
	if err != nil {
		// The state holds events that were not appended: forget it, and let
		// each command that was decided run on its own.
		c.state = nil
		for _, p := range batch {
			if p.err == nil {
				p.res, p.err = r.once(ctx, stream, c, fresh, p.meta, p.decide)
			}
		}
		return
	}
	for i, ev := range res.Events {
		owners[i].res.Events = append(owners[i].res.Events, ev)
	}
	r.synced(c, res)
}

// once runs one command alone: the caller holds c.mu.
func (r *Repository) once(ctx context.Context, stream string, c *cached, fresh func() state, meta Meta, decide func(state) ([]events.Payload, error)) (Result, error) {
	for attempt := 0; ; attempt++ {
		s, err := r.current(ctx, stream, c, fresh)
		if err != nil {
			return Result{}, err
		}
		if meta.ExpectedVersion != nil && *meta.ExpectedVersion != s.version() {
			if res, ok, err := r.replayed(ctx, stream, meta); ok || err != nil {
				return res, err
			}
			return Result{}, &Error{Kind: ErrConflict, Rule: "version.stale", Field: "If-Match",
				Message: fmt.Sprintf("the stream is at version %d, not %d: reload and try again", s.version(), *meta.ExpectedVersion)}
		}
		payloads, err := decide(s)
		if err != nil {
			if res, ok, rerr := r.replayed(ctx, stream, meta); ok || rerr != nil {
				return res, rerr // a retried command whose first run already changed the state
			}
			return Result{}, err
		}
		proposed, err := r.propose(payloads, meta, s)
		if err != nil {
			return Result{}, err
		}
		res, err := r.store.Append(ctx, stream, events.Exact(s.version()), proposed...)
		if errors.Is(err, events.ErrWrongExpectedVersion) {
			if attempt < r.retries {
				// Another process appended: back off a little (jittered, so
				// two contending writers fall out of step), catch up, decide again.
				if err := events.Sleep(ctx, backoff(attempt)); err != nil {
					return Result{}, err
				}
				continue
			}
			return Result{}, &Error{Kind: ErrConflict, Rule: "version.retries_exhausted", Message: fmt.Sprintf("the stream kept changing: gave up after %d attempts", attempt+1)}
		}
		if err != nil {
			return Result{}, err
		}
		if len(res.Events) > 0 && res.Events[0].Version <= s.version() {
			return Result{Events: res.Events}, nil // an idempotent retry: the state already holds these
		}
		for i, ev := range res.Events {
			s.apply(ev, payloads[i])
		}
		r.synced(c, res)
		return Result{Events: res.Events}, nil
	}
}

// synced records that the cached state is current as of an append, when
// nothing else was committed since it (so the next command need not read).
func (r *Repository) synced(c *cached, res events.AppendResult) {
	if cp, ok := r.store.(interface{ CommittedPosition() (uint64, bool) }); ok {
		if pos, known := cp.CommittedPosition(); known && pos == res.LastPosition() {
			c.syncedAt = pos
		}
	}
}

// backoff is the pause before retry attempt+1: random, growing, capped.
func backoff(attempt int) time.Duration {
	ceiling := min(time.Millisecond<<attempt, 100*time.Millisecond)
	return time.Duration(rand.Int64N(int64(ceiling))) + time.Millisecond
}

// replayed reports whether a command with a CommandID was already applied,
// and returns its original events.
func (r *Repository) replayed(ctx context.Context, stream string, meta Meta) (Result, bool, error) {
	if meta.CommandID == uuid.Nil {
		return Result{}, false, nil
	}
	first := eventID(meta.CommandID, 0)
	var out []events.Event
	for ev, err := range r.store.ReadStream(ctx, stream, events.ReadOptions{}) {
		if err != nil {
			return Result{}, false, err
		}
		if ev.ID == first || len(out) > 0 && ev.ID == eventID(meta.CommandID, len(out)) {
			out = append(out, ev)
		}
	}
	return Result{Events: out}, len(out) > 0, nil
}

// eventID derives the i-th event id of a command, so retries are idempotent.
func eventID(command uuid.UUID, i int) uuid.UUID {
	return uuid.NewSHA1(command, fmt.Appendf(nil, "event-%d", i))
}

func (r *Repository) propose(payloads []events.Payload, meta Meta, s state) ([]events.Proposed, error) {
	out := make([]events.Proposed, len(payloads))
	for i, p := range payloads {
		prop, err := r.registry.Propose(p)
		if err != nil {
			return nil, err
		}
		prop.ID = uuid.New()
		if meta.CommandID != uuid.Nil {
			prop.ID = eventID(meta.CommandID, i)
		}
		prop.Actor, prop.Reason = meta.Actor, meta.Reason
		prop.CorrelationID, prop.CausationID = meta.CorrelationID, meta.CausationID
		prop.EffectiveAt = meta.EffectiveAt
		if cause, ok := causedBy(s, p); ok {
			prop.CausationID = cause // a baseline move is caused by its CR's approval
		}
		out[i] = prop
	}
	return out, nil
}

// causedBy finds the approval event of the change request a baseline move names.
func causedBy(s state, p events.Payload) (uuid.UUID, bool) {
	moved, ok := p.(interface{ ChangeRequest() string })
	proj, isProject := s.(*Project)
	if !ok || !isProject || moved.ChangeRequest() == "" {
		return uuid.Nil, false
	}
	cr, found := proj.scope.crs[moved.ChangeRequest()]
	if !found || cr.approvedBy == uuid.Nil {
		return uuid.Nil, false
	}
	return cr.approvedBy, true
}

func (m Meta) validate() error {
	var c check
	c.text("actor", m.Actor)
	if len(m.Reason) > maxText {
		c.fail(invalid("reason", "text", "must be at most %d bytes", maxText))
	}
	return c.err
}
