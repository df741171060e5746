package relay_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/relay"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/storetest"
	"github.com/stretchr/testify/require"
)

// Volumes stay small: SQLite under -race is slow.

func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func readAll(t *testing.T, s events.Store) []events.Event {
	t.Helper()
	var all []events.Event
	for ev, err := range s.ReadAll(context.Background(), 0) {
		require.NoError(t, err)
		all = append(all, ev)
	}
	return all
}

// consumer collects every message of a topic, acknowledging each.
type consumer struct {
	mu   sync.Mutex
	msgs []*message.Message
}

func consume(t *testing.T, sub message.Subscriber, topic string) *consumer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := sub.Subscribe(ctx, topic)
	require.NoError(t, err)
	c := &consumer{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for msg := range ch {
			c.mu.Lock()
			c.msgs = append(c.msgs, msg)
			c.mu.Unlock()
			msg.Ack()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return c
}

func (c *consumer) all() []*message.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*message.Message(nil), c.msgs...)
}

// unique returns the messages in arrival order without repeats of a UUID.
func (c *consumer) unique() []*message.Message {
	seen := map[string]bool{}
	var out []*message.Message
	for _, m := range c.all() {
		if !seen[m.UUID] {
			seen[m.UUID] = true
			out = append(out, m)
		}
	}
	return out
}

func (c *consumer) waitUnique(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return len(c.unique()) >= n }, 30*time.Second, 5*time.Millisecond,
		"want %d distinct messages", n)
}

// start runs r until the returned stop is called; stop waits for Run to return.
func start(t *testing.T, r *relay.Relay) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return after its context ended")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// requireLogOrder checks that msgs carry exactly the events of log, in order.
func requireLogOrder(t *testing.T, log []events.Event, msgs []*message.Message) {
	t.Helper()
	require.Len(t, msgs, len(log))
	for i, ev := range log {
		m := msgs[i]
		require.Equal(t, ev.ID.String(), m.UUID, "message %d", i)
		require.Equal(t, string(bytes.TrimSuffix(events.AppendLine(nil, ev), []byte("\n"))), string(m.Payload))
		require.Equal(t, ev.Stream, m.Metadata.Get(relay.MetaStream))
		require.Equal(t, strconv.FormatUint(ev.Version, 10), m.Metadata.Get(relay.MetaVersion))
		require.Equal(t, strconv.FormatUint(ev.Position, 10), m.Metadata.Get(relay.MetaPosition))
		require.Equal(t, ev.Type, m.Metadata.Get(relay.MetaType))
		at, err := time.Parse(time.RFC3339Nano, m.Metadata.Get(relay.MetaRecordedAt))
		require.NoError(t, err)
		require.True(t, at.Equal(ev.RecordedAt))
		back, err := relay.DecodeMessage(m)
		require.NoError(t, err)
		require.Equal(t, ev, back)
	}
}

// lagRecorder keeps the last lag reported and the highest.
type lagRecorder struct{ last, highest atomic.Uint64 }

func (l *lagRecorder) report(lag uint64) {
	l.last.Store(lag)
	if lag > l.highest.Load() {
		l.highest.Store(lag)
	}
}

func fastOptions(lag *lagRecorder) relay.Options {
	o := relay.Options{MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, LagInterval: 10 * time.Millisecond, BatchSize: 8}
	if lag != nil {
		o.Lag = lag.report
	}
	return o
}

func TestEveryEventArrivesOnceInOrder(t *testing.T) {
	store := openStore(t, filepath.Join(t.TempDir(), "ledger.db"))
	storetest.AppendSpread(t, store, 0, 20) // before the relay starts: the catch-up
	gc := relay.NewGoChannel(nil)
	defer gc.Close()
	c := consume(t, gc, relay.DefaultTopic)
	var lag lagRecorder
	cp := &relay.MemoryCheckpoint{}
	r := relay.New(store, gc, cp, fastOptions(&lag))
	stop := start(t, r)
	storetest.AppendSpread(t, store, 0, 20) // while it runs: live
	c.waitUnique(t, 40)
	require.Eventually(t, func() bool { return lag.last.Load() == 0 }, 10*time.Second, 5*time.Millisecond)
	stop()

	log := readAll(t, store)
	require.Len(t, log, 40)
	requireLogOrder(t, log, c.all()) // all(), not unique(): no duplicate either
	pos, err := cp.Load(context.Background())
	require.NoError(t, err)
	require.Equal(t, log[len(log)-1].Position, pos)
	require.Equal(t, pos, r.Published())
}

// stoppingPublisher passes messages on until it has passed at least n,
// then refuses everything: the relay stalls there until it is stopped.
type stoppingPublisher struct {
	next   relay.Publisher
	n      int64
	passed atomic.Int64
}

func (p *stoppingPublisher) Publish(topic string, msgs ...*message.Message) error {
	if p.passed.Load() >= p.n {
		return errors.New("stalled")
	}
	if err := p.next.Publish(topic, msgs...); err != nil {
		return err
	}
	p.passed.Add(int64(len(msgs)))
	return nil
}

func TestRestartResumesFromTheSavedCheckpoint(t *testing.T) {
	dir := t.TempDir()
	ledger := filepath.Join(dir, "ledger.db")
	store := openStore(t, ledger)
	storetest.AppendSpread(t, store, 0, 40)
	gc := relay.NewGoChannel(nil)
	defer gc.Close()
	c := consume(t, gc, relay.DefaultTopic)

	// The first relay is stopped mid-flow, after about 15 of 40 events.
	pub := &stoppingPublisher{next: gc, n: 15}
	first := relay.New(store, pub, relay.NewFileCheckpoint(relay.CheckpointPath(ledger)), fastOptions(nil))
	stop := start(t, first)
	require.Eventually(t, func() bool { return pub.passed.Load() >= 15 }, 30*time.Second, 5*time.Millisecond)
	stop()
	saved, err := relay.NewFileCheckpoint(relay.CheckpointPath(ledger)).Load(context.Background())
	require.NoError(t, err)
	require.GreaterOrEqual(t, saved, uint64(15))
	require.Less(t, saved, uint64(40), "stopped mid-flow")
	require.Equal(t, first.Published(), saved)
	before := len(c.all())

	// Events keep coming while no relay runs; a new one takes over.
	storetest.AppendSpread(t, store, 0, 10)
	second := relay.New(store, gc, relay.NewFileCheckpoint(relay.CheckpointPath(ledger)), fastOptions(nil))
	stop = start(t, second)
	c.waitUnique(t, 50)
	stop()

	log := readAll(t, store)
	requireLogOrder(t, log, c.unique())
	after := c.all()[before:]
	require.Equal(t, strconv.FormatUint(saved+1, 10), after[0].Metadata.Get(relay.MetaPosition), "resumes right after the checkpoint")
	for _, m := range c.all()[:before] {
		p, _ := strconv.ParseUint(m.Metadata.Get(relay.MetaPosition), 10, 64)
		require.LessOrEqual(t, p, saved, "everything published before the stop is checkpointed")
	}
	got, err := relay.NewFileCheckpoint(relay.CheckpointPath(ledger)).Load(context.Background())
	require.NoError(t, err)
	require.Equal(t, log[len(log)-1].Position, got)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, e.Name(), ".tmp-", "no temporary checkpoint left behind")
	}
}

// flakyPublisher fails while failing is set, after passing on the first
// message of the batch (a partial publish, as a broker may do).
type flakyPublisher struct {
	next     relay.Publisher
	failing  atomic.Bool
	attempts atomic.Int64
}

func (p *flakyPublisher) Publish(topic string, msgs ...*message.Message) error {
	p.attempts.Add(1)
	if p.failing.Load() {
		if p.attempts.Load()%2 == 0 {
			if err := p.next.Publish(topic, msgs[0]); err != nil {
				return err
			}
		}
		return errors.New("broker unavailable")
	}
	return p.next.Publish(topic, msgs...)
}

func TestAFailingPublisherDelaysButLosesNothing(t *testing.T) {
	store := openStore(t, filepath.Join(t.TempDir(), "ledger.db"))
	gc := relay.NewGoChannel(nil)
	defer gc.Close()
	c := consume(t, gc, "custom.topic")
	pub := &flakyPublisher{next: gc}
	pub.failing.Store(true)
	var lag lagRecorder
	opts := fastOptions(&lag)
	opts.Topic = "custom.topic"
	r := relay.New(store, pub, &relay.MemoryCheckpoint{}, opts)
	require.Equal(t, "custom.topic", r.Topic())
	start(t, r)

	// Appends succeed, and promptly, while the broker is down.
	for range 5 {
		began := time.Now()
		storetest.AppendSpread(t, store, 0, 6)
		require.Less(t, time.Since(began), 5*time.Second)
	}
	require.Eventually(t, func() bool { return pub.attempts.Load() >= 4 }, 10*time.Second, 5*time.Millisecond, "retries")
	require.Eventually(t, func() bool { return lag.last.Load() == 30 }, 10*time.Second, 5*time.Millisecond, "the lag counts every unpublished event")
	require.Zero(t, r.Published())

	pub.failing.Store(false)
	c.waitUnique(t, 30)
	require.Eventually(t, func() bool { return lag.last.Load() == 0 }, 10*time.Second, 5*time.Millisecond)
	requireLogOrder(t, readAll(t, store), c.unique())
	require.Equal(t, uint64(30), lag.highest.Load())
}

func TestFileCheckpoint(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cp := relay.NewFileCheckpoint(filepath.Join(dir, "ledger.db.relay"))
	pos, err := cp.Load(ctx)
	require.NoError(t, err)
	require.Zero(t, pos, "no file yet: from the beginning")
	for _, p := range []uint64{7, 42, 1 << 40} {
		require.NoError(t, cp.Save(ctx, p))
		got, err := relay.NewFileCheckpoint(cp.Path()).Load(ctx)
		require.NoError(t, err)
		require.Equal(t, p, got)
	}
	data, err := os.ReadFile(cp.Path())
	require.NoError(t, err)
	require.Equal(t, "1099511627776\n", string(data))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "the temporary file was renamed")

	require.NoError(t, os.WriteFile(cp.Path(), []byte("garbage"), 0o644))
	_, err = cp.Load(ctx)
	require.ErrorContains(t, err, "not a position")
	store := openStore(t, filepath.Join(dir, "ledger.db"))
	err = relay.New(store, gochannel.NewGoChannel(gochannel.Config{}, nil), cp, relay.Options{}).Run(ctx)
	require.ErrorContains(t, err, "load checkpoint", "a broken checkpoint stops the relay rather than republishing everything")
}

func TestDecodeMessageRefusesAMismatch(t *testing.T) {
	store := openStore(t, filepath.Join(t.TempDir(), "ledger.db"))
	storetest.AppendSpread(t, store, 0, 1)
	ev := readAll(t, store)[0]
	m := relay.NewMessage(ev)
	m.Metadata.Set(relay.MetaPosition, "99")
	_, err := relay.DecodeMessage(m)
	require.ErrorContains(t, err, "metadata position")
	m = relay.NewMessage(ev)
	m.UUID = "4b3f6a4e-6f0e-4a43-9f7e-0d6f5d0c1a2b"
	_, err = relay.DecodeMessage(m)
	require.Error(t, err)
	m = relay.NewMessage(ev)
	m.Payload = []byte(`{"id":"x"}`)
	_, err = relay.DecodeMessage(m)
	require.Error(t, err)
}
