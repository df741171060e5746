package natsrelay_test

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/relay"
	"github.com/pledger/pledger/events/relay/natsrelay"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/storetest"
	"github.com/stretchr/testify/require"
)

// Volumes stay small: SQLite under -race is slow, and what is tested is
// delivery under faults, not throughput.

// broker is a real nats-server with JetStream, in this process, on a fixed
// loopback port and store directory so that it can be stopped and started
// again as the same server.
type broker struct {
	t    *testing.T
	port int
	dir  string
	srv  *server.Server
}

func startBroker(t *testing.T) *broker {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	b := &broker{t: t, port: port, dir: t.TempDir()}
	b.start()
	t.Cleanup(b.stop)
	return b
}

func (b *broker) start() {
	b.t.Helper()
	srv, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: b.port, JetStream: true, StoreDir: b.dir,
		NoLog: true, NoSigs: true,
	})
	require.NoError(b.t, err)
	go srv.Start()
	require.True(b.t, srv.ReadyForConnections(20*time.Second), "nats-server did not start")
	b.srv = srv
}

func (b *broker) stop() {
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
		b.srv = nil
	}
}

func (b *broker) url() string { return "nats://127.0.0.1:" + strconv.Itoa(b.port) }

// ledger is a real SQLite ledger.
func ledger(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// running is a relay to the broker, stopped with stop (and at cleanup).
type running struct {
	relay *relay.Relay
	pub   *natsrelay.Publisher
	stop  func()
}

func startRelay(t *testing.T, s events.Store, b *broker, cp relay.Checkpoint) *running {
	t.Helper()
	pub, err := natsrelay.New(natsrelay.Config{URL: b.url()}, watermill.NopLogger{})
	require.NoError(t, err)
	r := relay.New(s, pub, cp, relay.Options{BatchSize: 7, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.Run(ctx)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			<-done
			require.NoError(t, pub.Close())
		})
	}
	t.Cleanup(stop)
	return &running{relay: r, pub: pub, stop: stop}
}

// waitPublished waits until r has published the whole log of s.
func waitPublished(t *testing.T, s *sqlite.Store, r *relay.Relay) {
	t.Helper()
	last, err := s.LastPosition(context.Background())
	require.NoError(t, err)
	require.Eventually(t, func() bool { return r.Published() >= last }, 60*time.Second, 10*time.Millisecond,
		"relay published %d of %d", r.Published(), last)
}

// consumed reads the JetStream stream from its start as a consumer would,
// until n events arrived, then requires that nothing else follows.
func consumed(t *testing.T, b *broker, n int) []events.Event {
	t.Helper()
	conn, err := nats.Connect(b.url())
	require.NoError(t, err)
	defer conn.Close()
	js, err := conn.JetStream()
	require.NoError(t, err)
	sub, err := js.SubscribeSync(relay.DefaultTopic+".>", nats.OrderedConsumer())
	require.NoError(t, err)
	defer func() { _ = sub.Unsubscribe() }()
	var got []events.Event
	for len(got) < n {
		m, err := sub.NextMsg(20 * time.Second)
		require.NoError(t, err, "after %d of %d events", len(got), n)
		msg, err := (&wnats.NATSMarshaler{}).Unmarshal(m)
		require.NoError(t, err)
		ev, err := relay.DecodeMessage(msg)
		require.NoError(t, err)
		require.Equal(t, natsrelay.Subject(relay.DefaultTopic, ev.Type), m.Subject)
		require.Equal(t, ev.ID.String(), m.Header.Get(nats.MsgIdHdr), "the message id is the event id")
		got = append(got, ev)
	}
	_, err = sub.NextMsg(300 * time.Millisecond)
	require.ErrorIs(t, err, nats.ErrTimeout, "no event is delivered twice")
	return got
}

// requireWholeLog requires that got is the ledger's log: every event once,
// in log order (so in order within each stream), byte for byte.
func requireWholeLog(t *testing.T, s events.Store, got []events.Event) {
	t.Helper()
	var want []events.Event
	for ev, err := range s.ReadAll(context.Background(), 0) {
		require.NoError(t, err)
		want = append(want, ev)
	}
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i].Position, got[i].Position, "event %d", i)
		require.Equal(t, want[i].ID, got[i].ID)
		require.Equal(t, want[i].Hash, got[i].Hash)
		require.JSONEq(t, string(want[i].Data), string(got[i].Data))
	}
}

func TestABusyLedgerArrivesOnceInLogOrder(t *testing.T) {
	b := startBroker(t)
	s := ledger(t)
	storetest.AppendSpread(t, s, 0, 20)
	r := startRelay(t, s, b, &relay.MemoryCheckpoint{})
	storetest.AppendSpread(t, s, 20, 60) // while the relay follows
	waitPublished(t, s, r.relay)
	requireWholeLog(t, s, consumed(t, b, 60))
}

func TestARelayKilledMidFlowResumesFromItsCheckpoint(t *testing.T) {
	b := startBroker(t)
	s := ledger(t)
	cp := relay.NewFileCheckpoint(filepath.Join(t.TempDir(), "ledger.db.relay"))
	r := startRelay(t, s, b, cp)
	storetest.AppendSpread(t, s, 0, 30)
	require.Eventually(t, func() bool { return r.relay.Published() > 0 }, 30*time.Second, time.Millisecond)
	r.stop() // mid-flow, or just after: either way the checkpoint says where
	storetest.AppendSpread(t, s, 30, 50)

	r = startRelay(t, s, b, relay.NewFileCheckpoint(cp.Path()))
	storetest.AppendSpread(t, s, 50, 60)
	waitPublished(t, s, r.relay)
	requireWholeLog(t, s, consumed(t, b, 60))
}

func TestAppendsGoOnWhileTheBrokerIsDownAndEverythingArrivesAfter(t *testing.T) {
	b := startBroker(t)
	s := ledger(t)
	r := startRelay(t, s, b, &relay.MemoryCheckpoint{})
	storetest.AppendSpread(t, s, 0, 20)
	waitPublished(t, s, r.relay)

	b.stop()
	storetest.AppendSpread(t, s, 20, 50) // each append is acknowledged with no broker
	time.Sleep(300 * time.Millisecond)
	last, err := s.LastPosition(context.Background())
	require.NoError(t, err)
	require.Less(t, r.relay.Published(), last, "nothing is published while the broker is down")
	require.Greater(t, r.relay.Lag(), uint64(0), "the lag shows it")

	b.start()
	storetest.AppendSpread(t, s, 50, 60)
	waitPublished(t, s, r.relay)
	requireWholeLog(t, s, consumed(t, b, 60))
}

func TestARelayStartedBeforeTheBrokerPublishesOnceItIsUp(t *testing.T) {
	b := startBroker(t)
	b.stop()
	s := ledger(t)
	storetest.AppendSpread(t, s, 0, 10)
	r := startRelay(t, s, b, &relay.MemoryCheckpoint{}) // connects in the background
	storetest.AppendSpread(t, s, 10, 20)
	b.start()
	waitPublished(t, s, r.relay)
	requireWholeLog(t, s, consumed(t, b, 20))
}

func TestABrokerThatLostItsStorageGetsTheStreamBack(t *testing.T) {
	b := startBroker(t)
	s := ledger(t)
	r := startRelay(t, s, b, &relay.MemoryCheckpoint{})
	storetest.AppendSpread(t, s, 0, 10)
	waitPublished(t, s, r.relay)

	b.stop()
	b.dir = t.TempDir() // the stream and its messages are gone
	b.start()
	storetest.AppendSpread(t, s, 10, 20)
	waitPublished(t, s, r.relay)
	got := consumed(t, b, 10)
	require.Equal(t, uint64(11), got[0].Position, "what was published before is the old broker's; the rest arrives")
	require.Equal(t, uint64(20), got[9].Position)
}

func TestTwoRelaysOnOneLedgerDeliverEachEventOnce(t *testing.T) {
	b := startBroker(t)
	s := ledger(t)
	storetest.AppendSpread(t, s, 0, 20)
	first := startRelay(t, s, b, &relay.MemoryCheckpoint{})
	second := startRelay(t, s, b, &relay.MemoryCheckpoint{})
	storetest.AppendSpread(t, s, 20, 60)
	waitPublished(t, s, first.relay)
	waitPublished(t, s, second.relay)
	requireWholeLog(t, s, consumed(t, b, 60))
}

func TestAnExistingStreamTakesTheDuplicateWindow(t *testing.T) {
	b := startBroker(t)
	conn, err := nats.Connect(b.url())
	require.NoError(t, err)
	defer conn.Close()
	js, err := conn.JetStream()
	require.NoError(t, err)
	_, err = js.AddStream(&nats.StreamConfig{Name: natsrelay.DefaultStream, Subjects: []string{relay.DefaultTopic + ".>"}, Duplicates: time.Minute})
	require.NoError(t, err)

	s := ledger(t)
	storetest.AppendSpread(t, s, 0, 3)
	r := startRelay(t, s, b, &relay.MemoryCheckpoint{})
	waitPublished(t, s, r.relay)
	info, err := js.StreamInfo(natsrelay.DefaultStream)
	require.NoError(t, err)
	require.Equal(t, natsrelay.DefaultDuplicateWindow, info.Config.Duplicates)
	require.Equal(t, uint64(3), info.State.Msgs)
}

func TestNewRefusesAnEmptyURL(t *testing.T) {
	_, err := natsrelay.New(natsrelay.Config{}, nil)
	require.ErrorContains(t, err, "URL is empty")
}
