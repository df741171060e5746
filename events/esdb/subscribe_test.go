package esdb

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pledger/pledger/events"
)

// scripted is one subscription: it hands out its messages, then waits for
// the subscription's context like a live one with nothing new to say.
type scripted struct {
	ctx    context.Context
	idle   func() // called when the messages run out
	msgs   []*esdb.SubscriptionEvent
	mu     sync.Mutex
	closed bool
}

func (s *scripted) Recv() *esdb.SubscriptionEvent {
	if len(s.msgs) > 0 {
		msg := s.msgs[0]
		s.msgs = s.msgs[1:]
		return msg
	}
	s.idle()
	<-s.ctx.Done()
	return dropped(s.ctx.Err())
}

func (s *scripted) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// server scripts a sequence of subscriptions (or failures to open one) and
// records where each was asked to start.
type server struct {
	t       *testing.T
	opens   []func(ctx context.Context) (subscription, error)
	from    []esdb.AllPosition
	subs    []*scripted
	waits   []int  // the backoff's n, per wait
	stopped func() // called when the script runs out
}

func (s *server) open(ctx context.Context, from esdb.AllPosition) (subscription, error) {
	s.from = append(s.from, from)
	if len(s.opens) == 0 {
		s.stopped()
		<-ctx.Done()
		return nil, ctx.Err()
	}
	next := s.opens[0]
	s.opens = s.opens[1:]
	return next(ctx)
}

func (s *server) then(msgs ...*esdb.SubscriptionEvent) *server {
	s.opens = append(s.opens, func(ctx context.Context) (subscription, error) {
		sub := &scripted{ctx: ctx, msgs: msgs, idle: func() {
			if len(s.opens) == 0 {
				s.stopped()
			}
		}}
		s.subs = append(s.subs, sub)
		return sub, nil
	})
	return s
}

func (s *server) refuse(err error) *server {
	s.opens = append(s.opens, func(context.Context) (subscription, error) { return nil, err })
	return s
}

func (s *server) follower() follower {
	names, err := newNaming("pledger")
	require.NoError(s.t, err)
	return follower{names: names, open: s.open, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		backoff: func(n int) time.Duration { s.waits = append(s.waits, n); return time.Millisecond }}
}

// run follows from start until the script runs out, and returns what was
// yielded and the error it ended with, if any.
func (s *server) run(start esdb.AllPosition) ([]events.Event, error) {
	ctx, cancel := context.WithCancelCause(s.t.Context())
	defer cancel(nil)
	timeout := time.AfterFunc(10*time.Second, func() { cancel(errors.New("timed out")) })
	defer timeout.Stop()
	s.stopped = func() { cancel(errScriptDone) }
	var got []events.Event
	for ev, err := range s.follower().follow(ctx, start) {
		if err != nil {
			return got, err
		}
		got = append(got, ev)
	}
	require.ErrorIs(s.t, context.Cause(ctx), errScriptDone, "the follower ended only when the script ran out")
	return got, nil
}

var errScriptDone = errors.New("the script ran out")

func dropped(err error) *esdb.SubscriptionEvent {
	return &esdb.SubscriptionEvent{SubscriptionDropped: &esdb.SubscriptionDropped{Error: err}}
}

// appeared is an event of the ledger at $all position (commit, prepare).
func appeared(t *testing.T, stream string, version uint64, commit, prepare uint64) *esdb.SubscriptionEvent {
	d, err := eventData(stamped(t, stream, version, events.Hash{}, nil))
	require.NoError(t, err)
	r := asRecorded("pledger:"+stream, revisionOf(version), esdb.Position{Commit: commit, Prepare: prepare}, d)
	return &esdb.SubscriptionEvent{EventAppeared: &esdb.ResolvedEvent{Event: r}}
}

func record(msg *esdb.SubscriptionEvent, stream, typ string) *esdb.SubscriptionEvent {
	r := *msg.EventAppeared.Event
	r.StreamID, r.EventType = stream, typ
	return &esdb.SubscriptionEvent{EventAppeared: &esdb.ResolvedEvent{Event: &r}}
}

func positions(evs []events.Event) []uint64 {
	out := make([]uint64, len(evs))
	for i, ev := range evs {
		out[i] = ev.Position
	}
	return out
}

func TestFollowResubscribesFromTheLastEventAfterADrop(t *testing.T) {
	s := &server{t: t}
	s.then(
		appeared(t, "a", 1, 100, 100),
		appeared(t, "b", 1, 200, 200),
		appeared(t, "b", 2, 200, 260), // the second event of one append
		dropped(status.Error(codes.Unavailable, "leader changed")),
	).then(
		appeared(t, "b", 3, 200, 330),
		&esdb.SubscriptionEvent{CheckPointReached: &esdb.Position{Commit: 900, Prepare: 900}},
		appeared(t, "a", 2, 400, 400),
		dropped(errors.New("connection reset")),
	).then(
		appeared(t, "a", 3, 500, 500),
	)
	got, err := s.run(esdb.Start{})
	require.NoError(t, err)
	require.Equal(t, []uint64{100, 200, 260, 330, 400, 500}, positions(got), "every event once, in order")
	require.Equal(t, []esdb.AllPosition{
		esdb.Start{},
		esdb.Position{Commit: 200, Prepare: 260}, // mid-append: the exact position, commit and prepare
		esdb.Position{Commit: 400, Prepare: 400}, // a checkpoint is not a resume point
	}, s.from)
	require.Equal(t, []int{1, 1}, s.waits, "each drop after progress waits the shortest backoff")
	for _, sub := range s.subs {
		require.True(t, sub.closed, "every subscription is closed")
	}
}

func TestFollowSkipsSystemRecordsAndOtherLedgers(t *testing.T) {
	s := &server{t: t}
	first := appeared(t, "a", 1, 100, 100)
	s.then(
		first,
		record(appeared(t, "a", 2, 150, 150), "$$pledger:a", "$metadata"),
		record(appeared(t, "a", 2, 160, 160), "pledger:a", "$>"),
		record(appeared(t, "x", 1, 170, 170), "other:x", "raid.risk_raised"),
		dropped(status.Error(codes.Unavailable, "restarting")),
	).then(appeared(t, "a", 2, 300, 300))
	got, err := s.run(esdb.Position{Commit: 50, Prepare: 50})
	require.NoError(t, err)
	require.Equal(t, []uint64{100, 300}, positions(got))
	require.Equal(t, esdb.Position{Commit: 50, Prepare: 50}, s.from[0], "the given start, never the client's default (the end)")
	require.Equal(t, esdb.Position{Commit: 170, Prepare: 170}, s.from[1], "skipped records are not read again")
}

func TestFollowBacksOffWhileTheServerIsDown(t *testing.T) {
	s := &server{t: t}
	down := status.Error(codes.Unavailable, "connection refused")
	s.refuse(down).refuse(down).refuse(down).
		then(appeared(t, "a", 1, 100, 100), dropped(down)).
		refuse(down).
		then(appeared(t, "a", 2, 200, 200))
	got, err := s.run(esdb.Start{})
	require.NoError(t, err)
	require.Equal(t, []uint64{100, 200}, positions(got))
	require.Equal(t, []int{1, 2, 3, 1, 2}, s.waits, "the wait grows while nothing arrives and starts over after an event")
	require.Equal(t, esdb.Start{}, s.from[3], "still from the start: nothing had arrived")
	require.Equal(t, esdb.Position{Commit: 100, Prepare: 100}, s.from[5])
}

func TestFollowStopsOnWhatNoRetryChanges(t *testing.T) {
	bad := appeared(t, "a", 2, 200, 200)
	bad.EventAppeared.Event.UserMetadata = []byte(`{"actor":"x"}`)
	cases := []struct {
		name   string
		script func(s *server)
		is     error
		as     any
	}{
		{"access denied", func(s *server) {
			s.then(appeared(t, "a", 1, 100, 100), dropped(status.Error(codes.PermissionDenied, "no $all access")))
		}, ErrDenied, nil},
		{"bad credentials on opening", func(s *server) { s.refuse(status.Error(codes.Unauthenticated, "bad password")) }, ErrDenied, nil},
		{"a record in a ledger stream that is not a pledger event", func(s *server) {
			s.then(appeared(t, "a", 1, 100, 100), bad)
		}, nil, new(*MetadataError)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &server{t: t}
			c.script(s)
			_, err := s.run(esdb.Start{})
			require.Error(t, err)
			if c.is != nil {
				require.ErrorIs(t, err, c.is)
			} else {
				require.ErrorAs(t, err, c.as)
			}
			require.Empty(t, s.waits, "no retry")
			require.Len(t, s.from, 1, "no second subscription")
		})
	}
}

func TestFollowEndsQuietlyWhenTheConsumerStopsOrTheContextEnds(t *testing.T) {
	s := &server{t: t}
	s.then(appeared(t, "a", 1, 100, 100), appeared(t, "a", 2, 200, 200))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s.stopped = func() {}
	n := 0
	for _, err := range s.follower().follow(ctx, esdb.Start{}) {
		require.NoError(t, err)
		n++
		break
	}
	require.Equal(t, 1, n)
	require.True(t, s.subs[0].closed, "the subscription is closed when the consumer stops")
	require.Len(t, s.from, 1)

	// Cancelled while waiting to resubscribe.
	s = &server{t: t}
	s.refuse(status.Error(codes.Unavailable, "down"))
	ctx, cancel = context.WithCancel(t.Context())
	f := s.follower()
	f.backoff = func(int) time.Duration { cancel(); return time.Hour }
	for _, err := range f.follow(ctx, esdb.Start{}) {
		t.Fatalf("nothing should be yielded, got %v", err)
	}
	require.Len(t, s.from, 1)
}
