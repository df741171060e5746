package esdb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/esdb/esdbtest"
	"github.com/pledger/pledger/events/storetest"
)

func openOnModel(t *testing.T) *Store {
	s, err := Open(Config{URL: esdbtest.Start(t).URL(), Ledger: fmt.Sprintf("t%d", time.Now().UnixNano())})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// Replacing the client while reads are starting and running must not close
// it under them (the v4.2.0 client panics on a send to its closed channel);
// the old one closes when its last read ends.
func TestReconnectUnderLoad(t *testing.T) {
	s := openOnModel(t)
	storetest.AppendSpread(t, s, 0, 30)
	ctx := t.Context()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, err := range s.ReadStream(ctx, "project-1", events.ReadOptions{}) {
					if err != nil && !errors.Is(err, ErrUnavailable) {
						t.Errorf("read: %v", err)
						return
					}
				}
			}
		})
	}
	var replaced []*client
	for range 20 {
		c, err := s.acquire()
		require.NoError(t, err)
		s.release(c)
		s.reconnect(c)
		replaced = append(replaced, c)
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	s.connMu.Lock()
	defer s.connMu.Unlock()
	for _, c := range replaced {
		require.True(t, c.retired)
		require.Zero(t, c.users, "every read released its client")
		_, err := c.ReadStream(ctx, "x", kurrent.ReadStreamOptions{}, 1)
		require.True(t, isCode(err, kurrent.ErrorCodeConnectionClosed), "a replaced client is closed once unused: %v", err)
	}
}

// While the cluster cannot be reached, concurrent calls end with their
// deadlines: the v4.2.0 client blocks for ever in calls that were waiting
// when its connection loop gave up, and the store leaves those behind.
func TestCallsEndWhileTheClusterIsDown(t *testing.T) {
	node := esdbtest.Start(t)
	s, err := Open(Config{URL: node.URL(), Ledger: "down"})
	require.NoError(t, err)
	defer s.Close()
	storetest.AppendSpread(t, s, 0, 3)
	node.Stop()
	for range 3 {
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(t.Context(), time.Second)
				defer cancel()
				var err error
				if i%2 == 0 {
					_, err = s.LastPosition(ctx)
				} else {
					_, err = s.Append(ctx, "s", events.Any{}, storetest.Event(i))
				}
				if err == nil || !(errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded)) {
					t.Errorf("call %d: want unavailable or the deadline, got %v", i, err)
				}
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Fatal("calls hung past their deadlines")
		}
	}
}

// Two attempts at one batch racing from the same head: KurrentDB writes one
// and answers the other with success; both return the events written.
func TestRacingRetriesOfOneBatch(t *testing.T) {
	s := openOnModel(t)
	ctx := t.Context()
	for stream := range 10 {
		name := fmt.Sprintf("s-%d", stream)
		batch := []events.Proposed{storetest.Event(1), storetest.Event(2)}
		results := make([]events.AppendResult, 4)
		var wg sync.WaitGroup
		for i := range results {
			wg.Go(func() {
				var err error
				results[i], err = s.Append(ctx, name, events.NoStream{}, batch...)
				require.NoError(t, err)
			})
		}
		wg.Wait()
		stored := storetest.ReadStream(t, s, name, events.ReadOptions{})
		require.Len(t, stored, 2, "written once")
		for _, res := range results {
			require.Equal(t, stored, res.Events)
		}
	}
}

func TestCloseIsFinal(t *testing.T) {
	s := openOnModel(t)
	ctx := t.Context()
	storetest.AppendSpread(t, s, 0, 3)
	ended := make(chan error, 1)
	seen := make(chan struct{})
	go func() {
		var last error
		n := 0
		for _, err := range s.Subscribe(ctx, 0) {
			if err != nil {
				last = err
				continue
			}
			if n++; n == 3 {
				close(seen)
			}
		}
		ended <- last
	}()
	<-seen
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "twice is fine")
	select {
	case err := <-ended:
		require.ErrorIs(t, err, events.ErrClosed, "a subscription ends with ErrClosed")
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription did not end on Close")
	}
	_, err := s.Append(ctx, "s", events.Any{}, storetest.Event(9))
	require.ErrorIs(t, err, events.ErrClosed)
	for _, err := range s.ReadAll(ctx, 0) {
		require.ErrorIs(t, err, events.ErrClosed)
	}
	s.connMu.Lock()
	defer s.connMu.Unlock()
	require.True(t, s.current.retired)
}

func TestTranslateLooksInsideTheClientsWrapper(t *testing.T) {
	ctx := t.Context()
	wrapped, _ := kurrent.FromError(status.Error(codes.Canceled, "grpc: the client connection is closing"))
	err := translate(ctx, "read x", wrapped)
	require.ErrorIs(t, err, ErrUnavailable, "a connection closed under a call, the caller still waiting")
	require.ErrorIs(t, err, events.ErrUnavailable)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.Equal(t, context.Canceled, translate(cancelled, "read x", wrapped), "the caller's own cancellation")
}
