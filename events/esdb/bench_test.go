package esdb_test

import (
	"fmt"
	"testing"
	"time"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/esdb"
	"github.com/pledger/pledger/events/esdb/esdbtest"
	"github.com/pledger/pledger/events/storetest"
)

// The store's rates beside the raw client's on the same node, in the same
// run: ratio = store rate / raw rate. On esdbtest's in-process node the
// round trips dominate, so the append ratio shows the cost of the store's
// three of them (head, append, read back) against the raw client's one.
// Run against a real server with PLEDGER_ESDB_URL for its figures.

// benchClients connects the raw client and the store to the same node: the
// server of PLEDGER_ESDB_URL, or a model node.
func benchClients(b *testing.B) (*kurrent.Client, *esdb.Store) {
	url := envURL()
	if url == "" {
		url = esdbtest.Start(b).URL()
	}
	conf, err := kurrent.ParseConnectionString(url)
	require.NoError(b, err)
	conf.Logger = kurrent.NoopLogging()
	raw, err := kurrent.NewClient(conf)
	require.NoError(b, err)
	b.Cleanup(func() { raw.Close() })
	s, err := esdb.Open(esdb.Config{URL: url, Ledger: randomLedger(b)})
	require.NoError(b, err)
	b.Cleanup(func() { s.Close() })
	return raw, s
}

func BenchmarkAppend(b *testing.B) {
	raw, s := benchClients(b)
	ctx := b.Context()
	payload := storetest.Event(0).Data

	rawStream := fmt.Sprintf("raw-%d", time.Now().UnixNano())
	start := time.Now()
	for i := range b.N {
		expected := kurrent.ExpectedRevision(kurrent.NoStream{})
		if i > 0 {
			expected = kurrent.Revision(uint64(i - 1))
		}
		_, err := raw.AppendToStream(ctx, rawStream, kurrent.AppendToStreamOptions{ExpectedRevision: expected},
			kurrent.EventData{EventID: storetest.Event(i).ID, EventType: "test.something_happened", ContentType: kurrent.ContentTypeJson, Data: payload})
		require.NoError(b, err)
	}
	rawTime := time.Since(start)

	b.ResetTimer()
	start = time.Now()
	for i := range b.N {
		_, err := s.Append(ctx, "project-1", events.Exact(uint64(i)), storetest.Event(i))
		require.NoError(b, err)
	}
	storeTime := time.Since(start)
	b.ReportMetric(rawTime.Seconds()/storeTime.Seconds(), "ratio")
}

func BenchmarkReadAll(b *testing.B) {
	raw, s := benchClients(b)
	const n = 2000
	storetest.AppendSpread(b, s, 0, n)
	ctx := b.Context()

	var rawTime, storeTime time.Duration
	for b.Loop() {
		start := time.Now()
		rs, err := raw.ReadAll(ctx, kurrent.ReadAllOptions{From: kurrent.Start{}}, 1<<20)
		require.NoError(b, err)
		for {
			if _, err := rs.Recv(); err != nil {
				break
			}
		}
		rs.Close()
		rawTime += time.Since(start)

		start = time.Now()
		got := 0
		for _, err := range s.ReadAll(ctx, 0) {
			require.NoError(b, err)
			got++
		}
		storeTime += time.Since(start)
		require.Equal(b, n, got)
	}
	b.ReportMetric(rawTime.Seconds()/storeTime.Seconds(), "ratio")
}
