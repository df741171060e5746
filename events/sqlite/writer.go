package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// request is one unit of work for the writer goroutine: an append, or an
// exclusive function run in a transaction of its own (import).
type request struct {
	ctx      context.Context
	stream   string
	expected events.ExpectedVersion
	events   []events.Proposed
	run      func(tx *sql.Tx) error

	result events.AppendResult
	err    error
	done   chan struct{}
}

// writer is the state only the writer goroutine touches: the end of the log
// and a cache of stream heads, kept in step with what is committed.
type writer struct {
	s        *Store
	insert   *sql.Stmt
	headOf   *sql.Stmt
	byID     *sql.Stmt
	heads    map[string]events.StreamHead
	position uint64
	recorded time.Time
}

const insertSQL = `INSERT INTO events (position, id, stream, version, type, schema_version, data,
	recorded_at, effective_at, actor, reason, correlation_id, causation_id, prev_hash, hash)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func newWriter(ctx context.Context, s *Store) (*writer, error) {
	w := &writer{s: s, heads: map[string]events.StreamHead{}}
	var err error
	prepare := func(query string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = s.wdb.PrepareContext(ctx, query)
		return st
	}
	w.insert = prepare(insertSQL)
	w.headOf = prepare(`SELECT version, hash FROM events WHERE stream = ? ORDER BY version DESC LIMIT 1`)
	w.byID = prepare(`SELECT stream, version FROM events WHERE id = ?`)
	if err != nil {
		w.close()
		return nil, fmt.Errorf("sqlite: prepare statements: %w", err)
	}
	if err := w.loadEnd(ctx); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *writer) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{w.insert, w.headOf, w.byID} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// loadEnd reads the end of the log from the file and forgets cached heads.
func (w *writer) loadEnd(ctx context.Context) error {
	var pos, rec sql.NullInt64
	err := w.s.wdb.QueryRowContext(ctx, `SELECT position, recorded_at FROM events ORDER BY position DESC LIMIT 1`).Scan(&pos, &rec)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: read end of log: %w", err)
	}
	w.position = uint64(pos.Int64)
	w.s.committed.Store(w.position)
	w.recorded = time.Unix(0, rec.Int64).UTC()
	if !rec.Valid {
		w.recorded = time.Time{}
	}
	clear(w.heads)
	return nil
}

// runWriter serves requests until Close. Appends waiting in the queue are
// committed together: one transaction, one fsync.
func (s *Store) runWriter() {
	defer close(s.done)
	for req := range s.requests {
		if req.run != nil {
			s.w.exclusive(req)
			continue
		}
		batch := []*request{req}
		size := len(req.events)
	drain:
		for size < s.opts.MaxBatchEvents {
			select {
			case next, ok := <-s.requests:
				if !ok {
					break drain
				}
				if next.run != nil {
					s.w.commit(batch)
					s.w.exclusive(next)
					batch, size = nil, 0
					continue
				}
				batch = append(batch, next)
				size += len(next.events)
			default:
				break drain
			}
		}
		s.w.commit(batch)
	}
}

func (w *writer) exclusive(req *request) {
	defer close(req.done)
	tx, err := w.s.wdb.BeginTx(req.ctx, nil)
	if err != nil {
		req.err = err
		return
	}
	if err := req.run(tx); err != nil {
		tx.Rollback()
		req.err = errors.Join(err, w.loadEnd(context.Background()))
		return
	}
	if err := tx.Commit(); err != nil {
		req.err = errors.Join(err, w.loadEnd(context.Background()))
		return
	}
	req.err = w.loadEnd(context.Background())
	w.s.broadcast()
}

// commit writes a batch of appends in one transaction. A request that breaks
// a rule fails alone; a failure of the transaction fails every request in it.
func (w *writer) commit(batch []*request) {
	if len(batch) == 0 {
		return
	}
	defer func() {
		for _, req := range batch {
			close(req.done)
		}
	}()
	failAll := func(err error) {
		for _, req := range batch {
			if req.err == nil {
				req.err, req.result = err, events.AppendResult{}
			}
		}
	}
	tx, err := w.s.wdb.Begin()
	if err != nil {
		failAll(fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	// Recorded-at strictly increases along the log, even if the clock steps
	// back or one commit holds many events: each event gets its own
	// nanosecond, so recorded time alone orders the log.
	now := w.s.opts.Clock().UTC()
	if !now.After(w.recorded) {
		now = w.recorded.Add(time.Nanosecond)
	}
	stamp := now
	pending := map[string]events.StreamHead{}
	position := w.position
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.err = err
			continue
		}
		if err := w.append(tx, req, pending, &position, &stamp); err != nil {
			if isRuleError(err) {
				req.err = err
				continue
			}
			tx.Rollback()
			failAll(err)
			return
		}
	}
	if position == w.position { // nothing new: rule errors or idempotent retries only
		tx.Rollback()
		return
	}
	if err := tx.Commit(); err != nil {
		failAll(fmt.Errorf("sqlite: commit: %w", err))
		// A failed COMMIT may still have persisted: re-read the end of the
		// log rather than trust what this batch assumed.
		if lerr := w.loadEnd(context.Background()); lerr != nil {
			clear(w.heads)
		}
		return
	}
	for stream, head := range pending {
		w.heads[stream] = head
	}
	w.position, w.recorded = position, stamp.Add(-time.Nanosecond)
	w.s.committed.Store(position)
	w.s.broadcast()
}

func isRuleError(err error) bool {
	return errors.Is(err, events.ErrWrongExpectedVersion) || errors.Is(err, events.ErrDuplicateID)
}

// append decides one request against the heads as of this transaction and
// inserts its events.
func (w *writer) append(tx *sql.Tx, req *request, pending map[string]events.StreamHead, position *uint64, stamp *time.Time) error {
	head, ok := pending[req.stream]
	if !ok {
		var err error
		if head, err = w.head(tx, req.stream); err != nil {
			return err
		}
	}
	replay, err := w.replay(tx, req)
	if err != nil || replay {
		return err
	}
	if !req.expected.Allows(head.Version) {
		return &events.VersionConflictError{Stream: req.stream, Expected: req.expected, Actual: head.Version}
	}
	insert := tx.Stmt(w.insert)
	out := make([]events.Event, len(req.events))
	for i, p := range req.events {
		ev := events.Stamp(p, req.stream, head.Version+1, *position+1, *stamp, head.Hash)
		*stamp = stamp.Add(time.Nanosecond)
		if err := insertEvent(insert, &ev); err != nil {
			return fmt.Errorf("sqlite: insert event: %w", err)
		}
		out[i] = ev
		head = events.StreamHead{Stream: req.stream, Version: ev.Version, Hash: ev.Hash}
		*position = ev.Position
	}
	pending[req.stream] = head
	req.result = events.AppendResult{Events: out}
	return nil
}

// replay reports whether req is a retry of an append already committed, and
// if so fills in the original result. Ids must all be in req's stream, in
// consecutive versions, to count as a retry.
func (w *writer) replay(tx *sql.Tx, req *request) (bool, error) {
	byID := tx.Stmt(w.byID)
	found := 0
	var first uint64
	for i, p := range req.events {
		var stream string
		var version uint64
		err := byID.QueryRow(p.ID[:]).Scan(&stream, &version)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("sqlite: look up event id: %w", err)
		}
		if stream != req.stream || (found > 0 && version != first+uint64(i)) {
			return false, fmt.Errorf("%w: %s is already in stream %q at version %d", events.ErrDuplicateID, p.ID, stream, version)
		}
		if found == 0 {
			if i > 0 {
				return false, fmt.Errorf("%w: %s is already in stream %q but earlier events of the batch are not", events.ErrDuplicateID, p.ID, stream)
			}
			first = version
		}
		found++
	}
	if found == 0 {
		return false, nil
	}
	if found < len(req.events) {
		return false, fmt.Errorf("%w: only %d of the batch's %d ids were appended before", events.ErrDuplicateID, found, len(req.events))
	}
	rows, err := tx.Query(selectColumns+` WHERE stream = ? AND version BETWEEN ? AND ? ORDER BY version`,
		req.stream, first, first+uint64(len(req.events))-1)
	if err != nil {
		return false, err
	}
	evs, err := newScanner().collect(rows, len(req.events))
	if err != nil {
		return false, err
	}
	req.result = events.AppendResult{Events: evs}
	return true, nil
}

func (w *writer) head(tx *sql.Tx, stream string) (events.StreamHead, error) {
	if h, ok := w.heads[stream]; ok {
		return h, nil
	}
	h := events.StreamHead{Stream: stream}
	var hash []byte
	err := tx.Stmt(w.headOf).QueryRow(stream).Scan(&h.Version, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return h, nil
	case err != nil:
		return h, fmt.Errorf("sqlite: read head of %q: %w", stream, err)
	}
	copy(h.Hash[:], hash)
	w.heads[stream] = h
	return h, nil
}

func insertEvent(insert *sql.Stmt, ev *events.Event) error {
	_, err := insert.Exec(int64(ev.Position), ev.ID[:], ev.Stream, int64(ev.Version), ev.Type, ev.SchemaVersion,
		[]byte(ev.Data), ev.RecordedAt.UnixNano(), ev.EffectiveAt.UnixNano(), ev.Actor, ev.Reason,
		nullableID(ev.CorrelationID), nullableID(ev.CausationID), ev.PrevHash[:], ev.Hash[:])
	return err
}

func nullableID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id[:]
}
