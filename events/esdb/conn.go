package esdb

import (
	"context"
	"errors"

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
	stuck.retired = true // closed by its last user's release
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
	defer s.release(c)
	_, err = c.AppendToStream(ctx, name, esdb.AppendToStreamOptions{ExpectedRevision: expected}, data...)
	if isCode(err, esdb.ErrorCodeWrongExpectedVersion) {
		return err
	}
	return s.unreachable(ctx, c, "append to "+name, err)
}

// openRead starts a read; if the cluster was unreachable it reconnects and
// starts it once more (nothing was read, so nothing repeats). The returned
// function ends the read and releases its client.
func (s *Store) openRead(ctx context.Context, op string, start func(*esdb.Client) (*esdb.ReadStream, error)) (*esdb.ReadStream, func(), error) {
	for attempt := 1; ; attempt++ {
		c, err := s.acquire()
		if err != nil {
			return nil, nil, err
		}
		rs, err := start(c.Client)
		if err == nil {
			return rs, func() { rs.Close(); s.release(c) }, nil
		}
		s.release(c)
		if err = s.unreachable(ctx, c, op, err); attempt > 1 || !errors.Is(err, ErrUnavailable) {
			return nil, nil, err
		}
	}
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

// subscribeAll opens a $all subscription filtered to the ledger.
func (s *Store) subscribeAll(ctx context.Context, from esdb.AllPosition) (subscription, error) {
	c, err := s.acquire()
	if err != nil {
		return nil, err
	}
	sub, err := c.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{
		From:   from,
		Filter: &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{s.names.prefix}},
	})
	if err != nil {
		s.release(c)
		return nil, s.unreachable(ctx, c, "subscribe to $all", err)
	}
	return heldSubscription{Subscription: sub, release: func() { s.release(c) }}, nil
}
