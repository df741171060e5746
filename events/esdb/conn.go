package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/pledger/pledger/events"
)

// client is a connection to the cluster and how many operations are using
// it. A client is replaced when it is stuck on a node that is gone, and
// closed once the last operation using it ends: the v4.2.0 client panics if
// it is closed under a call still starting.
type client struct {
	*esdb.Client
	users   int
	retired bool
}

// acquire returns the client to use now; release it when done.
func (s *Store) acquire() (*client, error) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.closed {
		return nil, events.ErrClosed
	}
	s.current.users++
	return s.current, nil
}

func (s *Store) release(c *client) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	c.users--
	if c.retired && c.users == 0 {
		c.Close()
	}
}

// reconnect replaces a client that could not reach its node. In v4.2.0 a
// read that fails before its first message never reaches the client's own
// reconnection (fixed upstream after the last tag), and a client whose
// discovery failed stays closed; after a leader change every operation would
// go to the dead node for ever. A fresh client discovers the cluster again.
func (s *Store) reconnect(stuck *client) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.closed || s.current != stuck {
		return // closed, or another caller already did
	}
	conf := s.conf
	fresh, err := esdb.NewClient(&conf)
	if err != nil {
		return // the configuration was valid at Open; keep the old client
	}
	s.log.Warn("esdb: the cluster could not be reached; connecting afresh")
	s.current = &client{Client: fresh}
	stuck.retired = true
	if stuck.users == 0 {
		stuck.Close()
	} // else closed by its last user's release
}

// Close closes the connection once the operations in flight end, and ends
// every subscription with events.ErrClosed.
func (s *Store) Close() error {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.stop)
	s.current.retired = true
	if s.current.users == 0 {
		return s.current.Close()
	}
	return nil
}

// callLimit bounds how long a call into the client may go unanswered when
// the caller's context sets no sooner end.
const callLimit = 30 * time.Second

// errStuck says a call into the client went unanswered for callLimit.
var errStuck = fmt.Errorf("%w: the client did not answer within %s", ErrUnavailable, callLimit)

// detached runs call, a call into client c, on its own goroutine and waits
// for it while ctx lasts and at most callLimit; answered says whether it
// ended. The v4.2.0 client can block inside a call for ever, whatever the
// context, once its connection loop has ended (after a failed
// rediscovery). A call given up on is left running: it keeps c from being
// closed (closing it would panic the call), c is replaced, and abandoned
// gets the call's result if it ever comes.
func detached[T any](ctx context.Context, s *Store, c *client, call func() (T, error), abandoned func(T, error)) (v T, err error, answered bool) {
	type result struct {
		v   T
		err error
	}
	var mu sync.Mutex
	gaveUp := false
	done := make(chan result, 1)
	go func() {
		v, err := call()
		mu.Lock()
		defer mu.Unlock()
		if gaveUp {
			abandoned(v, err)
			return
		}
		done <- result{v, err}
	}()
	limit := time.NewTimer(callLimit)
	defer limit.Stop()
	select {
	case r := <-done:
		return r.v, r.err, true
	case <-ctx.Done():
		select { // a healthy call ends at once when its context does
		case r := <-done:
			return r.v, r.err, true
		case <-time.After(time.Second):
		}
	case <-limit.C:
	}
	mu.Lock()
	select {
	case r := <-done: // it answered just now
		mu.Unlock()
		return r.v, r.err, true
	default:
		gaveUp = true
		mu.Unlock()
	}
	s.reconnect(c)
	if ctx.Err() != nil {
		return v, ctx.Err(), false
	}
	return v, errStuck, false
}

// unreachable translates an operation's failure and reconnects when the
// cluster could not be reached.
func (s *Store) unreachable(ctx context.Context, c *client, op string, err error) error {
	err = translate(ctx, op, err)
	if errors.Is(err, ErrUnavailable) {
		s.reconnect(c)
	}
	return err
}

// append appends with one client.
func (s *Store) append(ctx context.Context, name string, expected esdb.ExpectedRevision, data []esdb.EventData) error {
	c, err := s.acquire()
	if err != nil {
		return err
	}
	_, err, answered := detached(ctx, s, c, func() (*esdb.WriteResult, error) {
		return c.AppendToStream(ctx, name, esdb.AppendToStreamOptions{ExpectedRevision: expected}, data...)
	}, func(*esdb.WriteResult, error) { s.release(c) })
	if answered {
		s.release(c)
	}
	if isCode(err, esdb.ErrorCodeWrongExpectedVersion) {
		return err
	}
	return s.unreachable(ctx, c, "append to "+name, err)
}

// heldSubscription releases its client when closed.
type heldSubscription struct {
	*esdb.Subscription
	release func()
}

func (h heldSubscription) Close() error {
	err := h.Subscription.Close()
	h.release()
	return err
}

// subscribeAll opens a $all subscription filtered to the ledger. The
// subscription holds its client until it is closed.
func (s *Store) subscribeAll(ctx context.Context, from esdb.AllPosition) (subscription, error) {
	c, err := s.acquire()
	if err != nil {
		return nil, err
	}
	sub, err, answered := detached(ctx, s, c, func() (*esdb.Subscription, error) {
		return c.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{
			From:   from,
			Filter: &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{s.names.prefix}},
		})
	}, func(sub *esdb.Subscription, _ error) {
		if sub != nil {
			sub.Close()
		}
		s.release(c)
	})
	if !answered {
		return nil, err
	}
	if err != nil {
		s.release(c)
		return nil, s.unreachable(ctx, c, "subscribe to $all", err)
	}
	return heldSubscription{Subscription: sub, release: func() { s.release(c) }}, nil
}

// startRead starts a read with a client.
type startRead func(ctx context.Context, c *esdb.Client) (*esdb.ReadStream, error)

// answer is one message of a read: a record, the end (io.EOF), or an error.
type answer struct {
	r       *esdb.ResolvedEvent
	err     error
	atStart bool // the read failed to start: nothing was read
}

// readOnce runs one read on its own goroutine, which owns the client until
// the read ends (for the reason given at detached), and yields its records.
// It reports whether to start the read again: the cluster was unreachable
// before anything was read, and retry allows one more.
func (s *Store) readOnce(ctx context.Context, op string, start startRead, retry bool, yield func(*esdb.RecordedEvent, error) bool) (again bool) {
	c, err := s.acquire()
	if err != nil {
		yield(nil, err)
		return false
	}
	reading, stop := context.WithCancel(ctx)
	defer stop()
	answers := make(chan answer, 64)
	go func() {
		defer s.release(c)
		send := func(a answer) bool {
			select {
			case answers <- a:
				return a.err == nil
			case <-reading.Done():
				return false
			}
		}
		rs, err := start(reading, c.Client)
		if err != nil {
			send(answer{err: err, atStart: true})
			return
		}
		defer rs.Close()
		for {
			r, err := rs.Recv()
			if !send(answer{r: r, err: err}) {
				return
			}
		}
	}()
	limit := time.NewTimer(callLimit)
	defer limit.Stop()
	for {
		select {
		case a := <-answers:
			limit.Reset(callLimit)
			switch {
			case errors.Is(a.err, io.EOF), isCode(a.err, esdb.ErrorCodeResourceNotFound):
				return false // a stream that does not exist reads as empty: that comes on the first receive
			case a.err != nil:
				err := s.unreachable(ctx, c, op, a.err)
				if a.atStart && retry && errors.Is(err, ErrUnavailable) {
					return true
				}
				yield(nil, err)
				return false
			}
			if r := a.r.OriginalEvent(); r != nil && !yield(r, nil) {
				return false
			}
		case <-ctx.Done():
			yield(nil, ctx.Err())
			return false
		case <-limit.C:
			s.reconnect(c)
			yield(nil, errStuck)
			return false
		}
	}
}
