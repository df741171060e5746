package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"iter"

	"github.com/pledger/pledger/events"
)

// Append implements events.Store. The append joins the writer's next group
// commit. A nil error always means committed. A non-nil one means nothing
// was written, with one exception: a failed COMMIT (a disk error, say) may
// still have persisted, as SQLite cannot always tell; retrying with the same
// event ids is always safe, as an append already committed returns its
// original result. If ctx is cancelled before the writer takes the append,
// it is dropped and ctx's error returned; once in a transaction it completes.
func (s *Store) Append(ctx context.Context, stream string, expected events.ExpectedVersion, evs ...events.Proposed) (events.AppendResult, error) {
	if expected == nil {
		return events.AppendResult{}, &events.FieldError{Index: -1, Field: "expected_version", Rule: "is required (Any{}, NoStream{} or Exact(n))"}
	}
	prepared, err := events.PrepareAppend(stream, evs)
	if err != nil {
		return events.AppendResult{}, err
	}
	req := &request{ctx: ctx, stream: stream, expected: expected, events: prepared, done: make(chan struct{})}
	if err := s.submit(ctx, req); err != nil {
		return events.AppendResult{}, err
	}
	<-req.done
	return req.result, req.err
}

func (s *Store) submit(ctx context.Context, req *request) error {
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	switch {
	case s.closed:
		return events.ErrClosed
	case s.requests == nil:
		return events.ErrReadOnly
	}
	select {
	case s.requests <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Import restores a log into this empty ledger in one transaction: every
// event keeps its position, recorded time and hashes, and is checked by an
// events.Verifier configured with opts as it goes. On any error nothing is
// written. progress, if not nil, is called after each event.
func (s *Store) Import(ctx context.Context, log iter.Seq2[events.Event, error], opts events.VerifyOptions, progress func(events.Event)) (events.Summary, error) {
	var summary events.Summary
	req := &request{ctx: ctx, done: make(chan struct{}), run: func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM events LIMIT 1)`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return events.ErrNotEmpty
		}
		verifier, err := events.NewVerifier(opts)
		if err != nil {
			return err
		}
		insert := tx.StmtContext(ctx, s.w.insert)
		for ev, err := range log {
			if err != nil {
				return err
			}
			if err := verifier.Check(ev); err != nil {
				return err
			}
			if err := insertEvent(insert, &ev); err != nil {
				return fmt.Errorf("sqlite: insert event at position %d: %w", ev.Position, err)
			}
			if progress != nil {
				progress(ev)
			}
		}
		summary, err = verifier.Finish()
		return err
	}}
	if err := s.submit(ctx, req); err != nil {
		return events.Summary{}, err
	}
	<-req.done
	return summary, req.err
}

// compile-time check
var _ events.Store = (*Store)(nil)
