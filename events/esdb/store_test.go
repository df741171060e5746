package esdb_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/esdb"
	"github.com/pledger/pledger/events/esdb/esdbtest"
	"github.com/pledger/pledger/events/storetest"
)

// The contract run needs a KurrentDB server, for example a single node with
// security off:
//
//	docker run -d -p 2113:2113 -e KURRENTDB_INSECURE=true -e KURRENTDB_RUN_PROJECTIONS=None \
//	  docker.kurrent.io/kurrent-latest/kurrentdb:latest
//	PLEDGER_ESDB_URL='esdb://127.0.0.1:2113?tls=false' go test -race ./events/esdb
//
// Each test gets a ledger of its own (a random stream prefix), so runs never
// see each other's events and nothing needs cleaning up.
func TestContract(t *testing.T) {
	url := envURL()
	if url == "" {
		t.Skip("set PLEDGER_ESDB_URL (e.g. esdb://127.0.0.1:2113?tls=false) to run the store contract against a KurrentDB server; see docs/operations.md")
	}
	storetest.RunWithCaveats(t, func(t *testing.T) events.Store {
		s, err := esdb.Open(esdb.Config{URL: url, Ledger: randomLedger(t)})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}, caveats)
}

// TestContractOnTheModel runs the same suite through the real client against
// esdbtest's in-process model of a node, so every code path of the store is
// exercised in every CI run, without a server.
func TestContractOnTheModel(t *testing.T) {
	node := esdbtest.Start(t)
	storetest.RunWithCaveats(t, func(t *testing.T) events.Store {
		s, err := esdb.Open(esdb.Config{URL: node.URL(), Ledger: randomLedger(t)})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}, caveats)
}

// caveats are what KurrentDB cannot promise (see the package comment).
var caveats = storetest.Caveats{IDsPerStream: true}

// envURL is the real server to test against, if any.
func envURL() string { return os.Getenv("PLEDGER_ESDB_URL") }

func randomLedger(t testing.TB) string {
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "t" + hex.EncodeToString(b)
}

func TestOpenRefusesBadConfiguration(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  esdb.Config
		want string
	}{
		{"not a connection string", esdb.Config{URL: "http://127.0.0.1:2113"}, "esdb: connection string"},
		{"empty URL", esdb.Config{}, "esdb: connection string"},
		{"a ledger name with the separator", esdb.Config{URL: "esdb://127.0.0.1:2113?tls=false", Ledger: "a:b"}, `esdb: ledger "a:b"`},
	} {
		_, err := esdb.Open(c.cfg)
		require.ErrorContains(t, err, c.want, c.name)
	}
}

// A server that is not there is reported by the first operation, as
// unavailable, within the client's discovery attempts; nothing hangs and no
// append is half done.
func TestAServerThatIsDownIsUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens here now

	s, err := esdb.Open(esdb.Config{URL: "esdb://" + addr + "?tls=false&maxDiscoverAttempts=2&discoveryInterval=10&gossipTimeout=1"})
	require.NoError(t, err, "the client connects lazily")
	defer s.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	_, err = s.Append(ctx, "project-1", events.NoStream{}, storetest.Event(1))
	require.ErrorIs(t, err, esdb.ErrUnavailable)
	for _, err := range s.ReadAll(ctx, 0) {
		require.ErrorIs(t, err, esdb.ErrUnavailable)
	}
	require.NoError(t, ctx.Err(), "answered before the deadline")
}

// A subscription that the node drops (a leader change, a restart) is
// reopened from the last event delivered: the consumer sees every event
// once, in order, and no error.
func TestSubscribeSurvivesDrops(t *testing.T) {
	node := esdbtest.Start(t)
	var logged strings.Builder
	s, err := esdb.Open(esdb.Config{URL: node.URL(), Ledger: randomLedger(t), Log: slog.New(slog.NewTextHandler(&logged, nil))})
	require.NoError(t, err)
	defer s.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	// A node sends what it has as fast as the client takes it, so a drop
	// lands after the events already sent: each drop below hits a live
	// subscription with events still to deliver behind it.
	const total = 60
	storetest.AppendSpread(t, s, 0, 30)
	var got []events.Event
	for ev, err := range s.Subscribe(ctx, 0) {
		require.NoError(t, err)
		got = append(got, ev)
		switch len(got) {
		case 10, 38:
			node.DropSubscriptions()
		case 30:
			storetest.AppendSpread(t, s, 30, 45)
		case 45:
			storetest.AppendSpread(t, s, 45, total)
		}
		if len(got) == total {
			break
		}
	}
	require.Equal(t, storetest.ReadAll(t, s, 0), got)
	require.Equal(t, 2, strings.Count(logged.String(), "resubscribing"), "one reopening per drop")
}

// When the leader dies, the store's next operations find the new one
// through gossip, and nothing acknowledged is lost. v4.2.0 alone stays on
// the dead node for every read once its connection is in transient failure
// (seen here: 20 failures out of 20 tries); the store reconnects.
func TestLeaderFailover(t *testing.T) {
	nodes := esdbtest.StartCluster(t, 2)
	s, err := esdb.Open(esdb.Config{URL: nodes[0].ClusterURL(), Ledger: randomLedger(t)})
	require.NoError(t, err)
	defer s.Close()
	ctx := t.Context()
	first, err := s.Append(ctx, "project-1", events.NoStream{}, storetest.Event(1))
	require.NoError(t, err)
	followed := make(chan events.Event)
	subCtx, stopFollowing := context.WithCancel(ctx)
	defer stopFollowing()
	go func() {
		for ev, err := range s.Subscribe(subCtx, 0) {
			if err != nil {
				return
			}
			select {
			case followed <- ev:
			case <-subCtx.Done():
				return
			}
		}
	}()
	require.Equal(t, first.Events[0], <-followed)

	nodes[0].Stop()
	time.Sleep(300 * time.Millisecond) // the client's connection to the dead node goes into transient failure
	var got []events.Event
	var failures []error
	for attempt := 0; attempt < 20 && got == nil; attempt++ {
		var read []events.Event
		var readErr error
		for ev, err := range s.ReadStream(ctx, "project-1", events.ReadOptions{}) {
			if err != nil {
				readErr = err
				break
			}
			read = append(read, ev)
		}
		if readErr != nil {
			require.ErrorIs(t, readErr, esdb.ErrUnavailable, "a failover is reported as unavailable")
			failures = append(failures, readErr)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		got = read
	}
	require.Equal(t, first.Events, got, "read from the new leader after %d failures: %v", len(failures), failures)
	require.Empty(t, failures, "a read that cannot reach its node reconnects and starts again")

	second, err := s.Append(ctx, "project-1", events.Exact(1), storetest.Event(2))
	require.NoError(t, err)
	select {
	case ev := <-followed:
		require.Equal(t, second.Events[0], ev, "the subscription moved to the new leader")
	case <-time.After(20 * time.Second):
		t.Fatal("the subscription did not resume on the new leader")
	}
}

func TestLastPositionIsThisLedgersOwn(t *testing.T) {
	node := esdbtest.Start(t)
	open := func() *esdb.Store {
		s, err := esdb.Open(esdb.Config{URL: node.URL(), Ledger: randomLedger(t)})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}
	mine, theirs := open(), open()
	ctx := t.Context()
	last, err := mine.LastPosition(ctx)
	require.NoError(t, err)
	require.Zero(t, last, "an empty ledger")

	storetest.AppendSpread(t, mine, 0, 7)
	res, err := mine.Append(ctx, "project-9", events.NoStream{}, storetest.Event(7), storetest.Event(8))
	require.NoError(t, err)
	storetest.AppendSpread(t, theirs, 0, 600) // more than a page (512) of other records after ours
	last, err = mine.LastPosition(ctx)
	require.NoError(t, err)
	require.Equal(t, res.LastPosition(), last)
}

// A retried append with Any is recognised while its events are among the
// stream's last ones, even when the window cuts through the batch; further
// back KurrentDB has no index to find it (docs/operations.md).
func TestAnyRetryIsRecognisedWhenTheWindowCutsTheBatch(t *testing.T) {
	s, err := esdb.Open(esdb.Config{URL: esdbtest.Start(t).URL(), Ledger: randomLedger(t)})
	require.NoError(t, err)
	defer s.Close()
	ctx := t.Context()
	batch := []events.Proposed{storetest.Event(1), storetest.Event(2), storetest.Event(3)}
	first, err := s.Append(ctx, "s", events.Any{}, batch...)
	require.NoError(t, err)
	for i := range 33 { // the window (3 + 32) now holds versions 2 to 36: batch[0] is outside it
		_, err := s.Append(ctx, "s", events.Any{}, storetest.Event(10+i))
		require.NoError(t, err)
	}
	retry, err := s.Append(ctx, "s", events.Any{}, batch...)
	require.NoError(t, err)
	require.Equal(t, first, retry)
	require.Len(t, storetest.ReadStream(t, s, "s", events.ReadOptions{}), 36, "the retry wrote nothing")
}

// Positions a user types (pos:N, ?after=) need not be an event's, and
// KurrentDB refuses to read from inside a record (the model node does too):
// the store starts after the last record before such a position.
func TestReadingAfterAPositionInsideARecord(t *testing.T) {
	node := esdbtest.Start(t)
	s, err := esdb.Open(esdb.Config{URL: node.URL(), Ledger: randomLedger(t)})
	require.NoError(t, err)
	defer s.Close()
	storetest.AppendSpread(t, s, 0, 12)
	all := storetest.ReadAll(t, s, 0)
	require.Len(t, all, 12)

	conf, err := kurrent.ParseConnectionString(node.URL())
	require.NoError(t, err)
	conf.Logger = kurrent.NoopLogging()
	raw, err := kurrent.NewClient(conf)
	require.NoError(t, err)
	defer raw.Close()
	inside := all[5].Position - 1
	rs, err := raw.ReadAll(t.Context(), kurrent.ReadAllOptions{From: kurrent.Position{Commit: inside, Prepare: inside}}, 1)
	if err == nil {
		_, err = rs.Recv()
		rs.Close()
	}
	require.Error(t, err, "the node refuses a position inside a record")

	for _, after := range []uint64{inside, all[5].Position - 7, all[4].Position + 1} {
		require.Equal(t, all[5:], storetest.ReadAll(t, s, after), "after %d", after)
	}
	require.Empty(t, storetest.ReadAll(t, s, all[11].Position+1000))

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for ev, err := range s.Subscribe(ctx, inside) {
		require.NoError(t, err)
		require.Equal(t, all[5], ev)
		break
	}
}
