package events

import (
	"context"
	"iter"
	"time"
)

// Store is the event log. Implementations are safe for concurrent use.
//
// Positions and versions start at 1; "after 0" means from the beginning.
// Reads return events exactly as stored (no upcasting); use Registry.Decode
// to turn Data into a current payload.
type Store interface {
	// Append writes events to the end of stream if the stream is at the
	// expected version, atomically and durably: when it returns nil the
	// events survive a crash. A conflict returns *VersionConflictError.
	// If every event's id is already in the stream, nothing is written and
	// the result of the first append is returned; if only some are, or an
	// id is in another stream, the error wraps ErrDuplicateID. Invalid
	// events return *FieldError and nothing is written.
	Append(ctx context.Context, stream string, expected ExpectedVersion, events ...Proposed) (AppendResult, error)

	// ReadStream yields the events of one stream in version order, bounded
	// by opts. A stream with no events yields nothing. A read that fails
	// yields the error once and stops.
	ReadStream(ctx context.Context, stream string, opts ReadOptions) iter.Seq2[Event, error]

	// ReadAll yields every event with a position greater than after, in
	// position order, up to the end of the log when the read began.
	ReadAll(ctx context.Context, after uint64) iter.Seq2[Event, error]

	// Subscribe yields every event with a position greater than after: first
	// those already stored, then each new one as it is committed, in order,
	// with no gap and no duplicate. It ends without an error when ctx is done;
	// a failed read yields the error and ends.
	Subscribe(ctx context.Context, after uint64) iter.Seq2[Event, error]

	// Heads returns the last event of every stream as of the current end of
	// the log, and that end's position, as one consistent snapshot.
	Heads(ctx context.Context) (position uint64, heads []StreamHead, err error)
}

// LastPosition returns the position of the last event in the store's log,
// 0 when it is empty: cheaply where the store has a LastPosition method,
// else from Heads.
func LastPosition(ctx context.Context, s Store) (uint64, error) {
	if lp, ok := s.(interface {
		LastPosition(context.Context) (uint64, error)
	}); ok {
		return lp.LastPosition(ctx)
	}
	pos, _, err := s.Heads(ctx)
	return pos, err
}

// Ready reports whether the store's log can be read, as cheaply as the
// store can tell: its Ready method, else LastPosition.
func Ready(ctx context.Context, s Store) error {
	if r, ok := s.(interface{ Ready(context.Context) error }); ok {
		return r.Ready(ctx)
	}
	_, err := LastPosition(ctx, s)
	return err
}

// Sleep waits d, or less if ctx ends first, and then returns ctx's error:
// the one back-off wait for stores and their callers.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ReadOptions bounds a stream read. The zero value reads the whole stream.
type ReadOptions struct {
	From       uint64    // first version to yield; 0 or 1 is the start
	ToVersion  uint64    // last version to yield; 0 means no bound
	RecordedBy time.Time // yield only events recorded at or before this; zero means no bound
}

// StreamHead is the last event of a stream.
type StreamHead struct {
	Stream  string
	Version uint64
	Hash    Hash
}
