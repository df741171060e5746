package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/pledger/pledger/events"
)

const selectColumns = `SELECT position, id, stream, version, type, schema_version, data,
	recorded_at, effective_at, actor, reason, correlation_id, causation_id, prev_hash, hash FROM events`

// Pages start small, so a caller that wants only the first few events reads
// only those, and double up to maxPageSize, which bounds how many rows one
// query of a long read returns, so a slow
// consumer never holds a read transaction (and the WAL) open for long.
const (
	firstPageSize = 32
	maxPageSize   = 2048
)

// scanner decodes rows into events, interning the strings that repeat
// (stream, type, actor) so a long read allocates them once.
type scanner struct {
	strs  map[string]string
	arena []byte // events' data is copied here: one allocation for many events
	// column buffers, reused between rows
	id, stream, typ, actor, reason, corr, caus, prev, hash, data sql.RawBytes
	position, version, recorded, effective                       int64
	schema                                                       int
}

// Arenas start small, for the short reads of a catch-up, and double up to
// maxArena for long ones.
const (
	firstArena = 4 << 10
	maxArena   = 1 << 20
)

func newScanner() *scanner { return &scanner{strs: map[string]string{}} }

func (sc *scanner) scan(rows *sql.Rows) (events.Event, error) {
	if err := rows.Scan(&sc.position, &sc.id, &sc.stream, &sc.version, &sc.typ, &sc.schema, &sc.data,
		&sc.recorded, &sc.effective, &sc.actor, &sc.reason, &sc.corr, &sc.caus, &sc.prev, &sc.hash); err != nil {
		return events.Event{}, fmt.Errorf("sqlite: scan event: %w", err)
	}
	ev, err := sc.decode()
	ev.Data = sc.keep(sc.data) // RawBytes are only valid until the next row
	return ev, err
}

// decode builds an event from the scanned columns, refusing a row that no
// append could have written (the file was damaged or edited).
func (sc *scanner) decode() (events.Event, error) {
	switch {
	case sc.position < 1 || sc.version < 1 || sc.schema < 1:
		return events.Event{}, fmt.Errorf("sqlite: event at position %d has a position, version or schema version below 1", sc.position)
	case len(sc.id) != 16 || len(sc.prev) != 32 || len(sc.hash) != 32:
		return events.Event{}, fmt.Errorf("sqlite: event at position %d has a malformed id or hash column", sc.position)
	case len(sc.corr) != 0 && len(sc.corr) != 16 || len(sc.caus) != 0 && len(sc.caus) != 16:
		return events.Event{}, fmt.Errorf("sqlite: event at position %d has a malformed correlation or causation id", sc.position)
	}
	ev := events.Event{
		Stream:        sc.intern(sc.stream),
		Version:       uint64(sc.version),
		Position:      uint64(sc.position),
		Type:          sc.intern(sc.typ),
		SchemaVersion: sc.schema,
		Data:          json.RawMessage(sc.data),
		RecordedAt:    time.Unix(0, sc.recorded).UTC(),
		EffectiveAt:   time.Unix(0, sc.effective).UTC(),
		Actor:         sc.intern(sc.actor),
		Reason:        string(sc.reason),
	}
	copy(ev.ID[:], sc.id)
	copy(ev.CorrelationID[:], sc.corr)
	copy(ev.CausationID[:], sc.caus)
	copy(ev.PrevHash[:], sc.prev)
	copy(ev.Hash[:], sc.hash)
	return ev, nil
}

// keep copies b into the arena, starting a new arena when it is full (the
// old one lives on in the events that point into it).
func (sc *scanner) keep(b []byte) []byte {
	if len(sc.arena)+len(b) > cap(sc.arena) {
		size := min(max(2*cap(sc.arena), firstArena), maxArena)
		sc.arena = make([]byte, 0, max(size, len(b)))
	}
	start := len(sc.arena)
	sc.arena = append(sc.arena, b...)
	return sc.arena[start:len(sc.arena):len(sc.arena)]
}

func (sc *scanner) intern(b []byte) string {
	if s, ok := sc.strs[string(b)]; ok {
		return s
	}
	if len(sc.strs) > 1<<16 { // a log of unique actors must not grow this without bound
		clear(sc.strs)
	}
	s := string(b)
	sc.strs[s] = s
	return s
}

// collect reads every row into events and closes rows; expect is how many
// rows there may be.
func (sc *scanner) collect(rows *sql.Rows, expect int) ([]events.Event, error) {
	defer rows.Close()
	out := make([]events.Event, 0, expect)
	for rows.Next() {
		ev, err := sc.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// pages yields the events of successive queries, each continuing after the
// key (version or position) of the last event, until a query returns fewer
// than pageSize rows. Each page is read whole and its query closed before
// any event is yielded, so a slow consumer holds no read transaction.
func (s *Store) pages(query func(after uint64, limit int) (*sql.Rows, error), key func(events.Event) uint64, after uint64) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		sc := newScanner()
		for limit := firstPageSize; ; limit = min(2*limit, maxPageSize) {
			if s.isClosed() {
				yield(events.Event{}, events.ErrClosed)
				return
			}
			rows, err := query(after, limit)
			if err != nil {
				yield(events.Event{}, s.readError(err))
				return
			}
			page, err := sc.collect(rows, limit)
			if err != nil {
				yield(events.Event{}, s.readError(err))
				return
			}
			for _, ev := range page {
				if !yield(ev, nil) {
					return
				}
			}
			if len(page) < limit {
				return
			}
			after = key(page[len(page)-1])
		}
	}
}

// readError reports a failed read as events.ErrClosed once the store is closed.
func (s *Store) readError(err error) error {
	if s.isClosed() {
		return events.ErrClosed
	}
	return fmt.Errorf("sqlite: read: %w", err)
}

func byVersion(ev events.Event) uint64  { return ev.Version }
func byPosition(ev events.Event) uint64 { return ev.Position }

// ReadStream implements events.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts events.ReadOptions) iter.Seq2[events.Event, error] {
	to := min(opts.ToVersion, math.MaxInt64)
	if to == 0 {
		to = math.MaxInt64
	}
	recordedBy := int64(math.MaxInt64)
	if !opts.RecordedBy.IsZero() {
		recordedBy = opts.RecordedBy.UnixNano()
	}
	from := min(max(opts.From, 1), math.MaxInt64)
	return s.pages(func(after uint64, limit int) (*sql.Rows, error) {
		return s.reads.stream.QueryContext(ctx, stream, int64(after), int64(to), recordedBy, limit)
	}, byVersion, from-1)
}

// ReadAll implements events.Store.
func (s *Store) ReadAll(ctx context.Context, after uint64) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		end, err := s.LastPosition(ctx)
		if err != nil {
			yield(events.Event{}, err)
			return
		}
		for ev, err := range s.readRange(ctx, after, end) {
			if !yield(ev, err) {
				return
			}
		}
	}
}

func (s *Store) readRange(ctx context.Context, after, end uint64) iter.Seq2[events.Event, error] {
	after = min(after, math.MaxInt64)
	return s.pages(func(after uint64, limit int) (*sql.Rows, error) {
		return s.reads.log.QueryContext(ctx, int64(after), int64(end), limit)
	}, byPosition, after)
}

// LastPosition returns the position of the last committed event, 0 for an empty ledger.
func (s *Store) LastPosition(ctx context.Context) (uint64, error) {
	var pos sql.NullInt64
	if err := s.reads.end.QueryRowContext(ctx).Scan(&pos); err != nil {
		return 0, s.readError(err)
	}
	return uint64(pos.Int64), nil
}

// Subscribe implements events.Store. Commits of this process wake it at
// once; commits of another process are seen within Options.PollInterval.
func (s *Store) Subscribe(ctx context.Context, after uint64) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		poll := time.NewTicker(s.opts.PollInterval)
		defer poll.Stop()
		for {
			// Take the wake channel before reading, so a commit that lands
			// after the read still wakes us.
			wake := s.changed()
			for ev, err := range s.ReadAll(ctx, after) {
				if err != nil {
					if ctx.Err() == nil {
						yield(events.Event{}, err) // events.ErrClosed once the store is closed
					}
					return
				}
				if !yield(ev, nil) {
					return
				}
				after = ev.Position
			}
			select {
			case <-ctx.Done():
				return
			case <-s.stop:
				yield(events.Event{}, events.ErrClosed)
				return
			case <-wake:
			case <-poll.C:
			}
		}
	}
}

// Heads implements events.Store.
func (s *Store) Heads(ctx context.Context) (uint64, []events.StreamHead, error) {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, nil, s.readError(err)
	}
	defer tx.Rollback()
	var pos sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(position) FROM events`).Scan(&pos); err != nil {
		return 0, nil, fmt.Errorf("sqlite: read end of log: %w", err)
	}
	// SQLite takes the bare column hash from the row holding MAX(version).
	rows, err := tx.QueryContext(ctx, `SELECT stream, MAX(version), hash FROM events GROUP BY stream ORDER BY stream`)
	if err != nil {
		return 0, nil, fmt.Errorf("sqlite: read stream heads: %w", err)
	}
	defer rows.Close()
	var heads []events.StreamHead
	for rows.Next() {
		var h events.StreamHead
		var hash []byte
		if err := rows.Scan(&h.Stream, &h.Version, &hash); err != nil {
			return 0, nil, fmt.Errorf("sqlite: read stream heads: %w", err)
		}
		copy(h.Hash[:], hash)
		heads = append(heads, h)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("sqlite: read stream heads: %w", err)
	}
	return uint64(pos.Int64), heads, nil
}

// readStatements are the reads prepared once: parsing SQL on every read of
// a busy server cost more than running it.
type readStatements struct {
	stream, log, end *sql.Stmt
}

func prepareReads(ctx context.Context, db *sql.DB) (readStatements, error) {
	var r readStatements
	var err error
	prepare := func(query string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = db.PrepareContext(ctx, query)
		return st
	}
	r.stream = prepare(selectColumns + ` WHERE stream = ? AND version > ? AND version <= ? AND recorded_at <= ? ORDER BY version LIMIT ?`)
	r.log = prepare(selectColumns + ` WHERE position > ? AND position <= ? ORDER BY position LIMIT ?`)
	r.end = prepare(`SELECT MAX(position) FROM events`)
	if err != nil {
		r.close()
		return r, fmt.Errorf("sqlite: prepare reads: %w", err)
	}
	return r, nil
}

func (r readStatements) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{r.stream, r.log, r.end} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}
