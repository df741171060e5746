package esdb

import (
	"context"
	"iter"
	"log/slog"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/pledger/pledger/events"
)

// subscription is what follow needs of a *esdb.Subscription, so the
// resubscribe logic can be driven by a scripted stream of events in tests.
type subscription interface {
	Recv() *esdb.SubscriptionEvent
	Close() error
}

// opener starts a subscription to $all after a position. The client's own
// default start is the end of the log; follow always passes one.
type opener func(ctx context.Context, from esdb.AllPosition) (subscription, error)

// backoff is the wait before the n-th consecutive reopening (n from 1).
type backoff func(n int) time.Duration

// defaultBackoff doubles from 100 ms to 5 s: quick after a leader change,
// gentle on a cluster that is down.
func defaultBackoff(n int) time.Duration {
	d := 100 * time.Millisecond << min(n-1, 6)
	return min(d, 5*time.Second)
}

// follower turns a $all subscription into our ordered event feed. The
// client does not resubscribe after a drop; the follower does, from the
// exact position of the last event it yielded, so nothing is missed and
// nothing repeats.
type follower struct {
	names   naming
	open    opener
	backoff backoff
	log     *slog.Logger
}

// follow yields every event of the ledger after from (exclusive), until ctx
// is done. A refusal or a record that is not ours ends it with the error;
// anything else (a dropped connection, a leader change) reopens the
// subscription after a backoff.
func (f follower) follow(ctx context.Context, from esdb.AllPosition) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		failures := 0
		for {
			sub, err := f.open(ctx, from)
			if err == nil {
				var progressed bool
				from, progressed, err = f.drain(ctx, sub, from, yield)
				sub.Close()
				if progressed {
					failures = 0
				}
			}
			if ctx.Err() != nil {
				return
			}
			if err == errStopped {
				return
			}
			err = translate(ctx, "subscribe to $all", err)
			if !retryable(err) {
				yield(events.Event{}, err)
				return
			}
			failures++
			wait := f.backoff(failures)
			f.log.Warn("esdb subscription dropped; resubscribing", "after", from, "in", wait, "err", err)
			if events.Sleep(ctx, wait) != nil {
				return
			}
		}
	}
}

// errStopped says the consumer stopped the iteration.
var errStopped = stopped{}

type stopped struct{}

func (stopped) Error() string { return "stopped by the consumer" }

// drain yields the events of one subscription until it drops. It returns
// the position to resume after and whether any event arrived.
func (f follower) drain(ctx context.Context, sub subscription, from esdb.AllPosition, yield func(events.Event, error) bool) (esdb.AllPosition, bool, error) {
	progressed := false
	for {
		msg := sub.Recv()
		switch {
		case msg == nil:
			return from, progressed, errDroppedSilently
		case msg.SubscriptionDropped != nil:
			return from, progressed, msg.SubscriptionDropped.Error
		case msg.EventAppeared != nil:
			r := msg.EventAppeared.OriginalEvent()
			if r == nil {
				continue
			}
			progressed = true
			if _, ours := f.names.local(r.StreamID); !ours || isSystem(r) {
				from = r.Position // skipped, but never read again
				continue
			}
			ev, err := f.names.recordedEvent(r)
			if err != nil {
				return from, progressed, err
			}
			if !yield(ev, nil) {
				return from, progressed, errStopped
			}
			from = r.Position
		}
		// Checkpoints, caught-up and fell-behind notices move nothing: the
		// resume point is always the last event seen.
		if ctx.Err() != nil {
			return from, progressed, ctx.Err()
		}
	}
}

var errDroppedSilently = unavailable{}

type unavailable struct{}

func (unavailable) Error() string { return "the subscription ended without a reason" }
func (unavailable) Unwrap() error { return ErrUnavailable }
