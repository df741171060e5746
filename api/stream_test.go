package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/relay"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/stretchr/testify/require"
)

// feedFixture is a server whose live feed is the real thing: a relay
// following the fixture's SQLite ledger into a GoChannel, and a
// WatermillFeed on the relay's topic. wrap, if set, wraps the feed.
func feedFixture(t *testing.T, wrap func(api.Feed) api.Feed) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ledger.db")
	store, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	require.NoError(t, err)
	metrics := api.NewMetrics()
	gc := relay.NewGoChannel(nil)
	r := relay.New(store, gc, relay.NewFileCheckpoint(relay.CheckpointPath(path)), relay.Options{
		LagInterval: 20 * time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		Lag: metrics.RelayLag("embedded")})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var feed api.Feed = api.NewWatermillFeed(gc, r.Topic())
	if wrap != nil {
		feed = wrap(feed)
	}
	srv := api.New(api.Config{Store: store, Clock: func() time.Time { return time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC) },
		Metrics: metrics, Feed: feed})
	f := &fixture{t: t, store: store, server: srv, http: httptest.NewServer(srv.Handler()),
		repo: aggregates.NewRepository(store, events.NewCatalogue()), tokens: map[string]string{}}
	t.Cleanup(func() {
		srv.CloseStreams() // what a graceful shutdown does: streams end, then the server closes
		f.http.Close()
		cancel()
		require.NoError(t, <-done)
		require.NoError(t, gc.Close())
		require.NoError(t, store.Close())
	})
	f.issue(events.RoleAdmin, "", "")
	return f
}

// charter creates a project and returns its id.
func (f *fixture) charter(code string) string {
	f.t.Helper()
	var w api.Written
	f.json("admin", http.MethodPost, "/v1/projects", map[string]any{"code": code, "name": "Project " + code, "sponsor": "COO",
		"manager": "pm@example.com", "coordinator": "co@example.com", "start": "2026-09-01", "end": "2027-03-31", "currency": "EUR",
		"reason": "portfolio board"}, http.StatusCreated, &w)
	return w.ID
}

// raise raises a risk over HTTP and returns the events it wrote.
func (f *fixture) raise(project, title string) []json.RawMessage {
	f.t.Helper()
	var w api.Written
	f.json("admin", http.MethodPost, "/v1/projects/"+project+"/risks", map[string]any{"title": title, "probability": 2, "impact": 3,
		"owner": "Ops"}, http.StatusCreated, &w)
	return w.Events
}

// sse is one server-sent event block.
type sse struct {
	ID, Event, Data string
}

// sseClient reads an event stream line by line.
type sseClient struct {
	t      *testing.T
	blocks chan sse
	ended  chan struct{}
	cancel context.CancelFunc
	Header http.Header
}

// stream opens GET /v1/projects/:id/events/stream as role; headers are
// name, value pairs. The connection is closed when the test ends.
func (f *fixture) stream(role, project, query string, headers ...string) *sseClient {
	f.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.http.URL+"/v1/projects/"+project+"/events/stream"+query, nil)
	require.NoError(f.t, err)
	req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		f.t.Fatalf("stream: %d %s", resp.StatusCode, body)
	}
	c := &sseClient{t: f.t, blocks: make(chan sse, 1000), ended: make(chan struct{}), cancel: cancel, Header: resp.Header}
	go func() {
		defer close(c.ended)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		var cur sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if cur != (sse{}) {
					c.blocks <- cur
				}
				cur = sse{}
			case strings.HasPrefix(line, ":"), strings.HasPrefix(line, "retry: "):
			case strings.HasPrefix(line, "id: "):
				cur.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				cur.Event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				cur.Data += strings.TrimPrefix(line, "data: ")
			default:
				panic(fmt.Sprintf("unexpected line %q", line))
			}
		}
	}()
	f.t.Cleanup(c.close)
	return c
}

func (c *sseClient) close() {
	c.cancel()
	<-c.ended
}

// next returns the next block, failing after a while.
func (c *sseClient) next() sse {
	c.t.Helper()
	select {
	case b := <-c.blocks:
		return b
	case <-time.After(20 * time.Second):
		c.t.Fatal("no server-sent event within 20s")
		return sse{}
	}
}

// events returns the next n blocks that carry data.
func (c *sseClient) events(n int) []sse {
	c.t.Helper()
	var out []sse
	for len(out) < n {
		if b := c.next(); b.Data != "" {
			out = append(out, b)
		}
	}
	return out
}

// quiet requires that no event arrives for a moment.
func (c *sseClient) quiet(d time.Duration) {
	c.t.Helper()
	select {
	case b := <-c.blocks:
		c.t.Fatalf("unexpected event %+v", b)
	case <-time.After(d):
	}
}

// projectLog is every event of a project's stream, as export lines.
func (f *fixture) projectLog(project string) []events.Event {
	f.t.Helper()
	var out []events.Event
	for ev, err := range f.store.ReadStream(context.Background(), "project-"+project, events.ReadOptions{}) {
		require.NoError(f.t, err)
		out = append(out, ev)
	}
	return out
}

// requireEvent checks that b is ev as the stream sends it.
func requireEvent(t *testing.T, ev events.Event, b sse) {
	t.Helper()
	require.Equal(t, strconv.FormatUint(ev.Position, 10), b.ID)
	require.Equal(t, ev.Type, b.Event)
	require.Equal(t, strings.TrimSuffix(string(events.AppendLine(nil, ev)), "\n"), b.Data)
	parsed, err := events.ParseLine([]byte(b.Data))
	require.NoError(t, err)
	require.Equal(t, ev, parsed)
}

func TestStreamDeliversLiveEventsAndResumesWithoutGaps(t *testing.T) {
	f := feedFixture(t, nil)
	project, other := f.charter("SSE"), f.charter("OTH")
	f.issue(events.RoleCoordinator, project, "")
	f.issue(events.RoleAuditor, project, "")

	a := f.stream("admin", project, "")
	require.Equal(t, "text/event-stream", a.Header.Get("Content-Type"))
	start := a.next()
	require.Empty(t, start.Data, "the stream opens with its starting point only")
	head, err := f.store.LastPosition(context.Background())
	require.NoError(t, err)
	require.Equal(t, strconv.FormatUint(head, 10), start.ID, "no resume point: it starts at the end of the log")

	// Appended after the client connected: delivered live, this project's only.
	var written []json.RawMessage
	for i := range 3 {
		written = append(written, f.raise(project, fmt.Sprintf("Risk %d", i))...)
		f.raise(other, "Elsewhere")
	}
	got := a.events(3)
	log := f.projectLog(project)
	require.Len(t, log, 4) // the charter and three risks
	for i, b := range got {
		requireEvent(t, log[1+i], b)
		require.JSONEq(t, string(written[i]), b.Data, "the same record the write answered with")
	}

	// A second client resumes after the first risk: it gets the two after it
	// from the store, then the new ones live, each once.
	b := f.stream("coordinator", project, "?after=0", "Last-Event-ID", got[0].ID) // the header wins over ?after=
	require.Equal(t, got[0].ID, b.next().ID)
	for i, ev := range b.events(2) {
		requireEvent(t, log[2+i], ev)
	}
	f.raise(project, "Risk 3")
	f.raise(project, "Risk 4")
	log = f.projectLog(project)
	for i, ev := range a.events(2) {
		requireEvent(t, log[4+i], ev)
	}
	for i, ev := range b.events(2) {
		requireEvent(t, log[4+i], ev)
	}
	a.quiet(100 * time.Millisecond)
	b.quiet(0)

	// ?after=0 replays the whole history, then goes on live.
	c := f.stream("auditor", project, "?after=0")
	require.Equal(t, "0", c.next().ID)
	for i, ev := range c.events(len(log)) {
		requireEvent(t, log[i], ev)
	}
	f.raise(project, "Risk 5")
	requireEvent(t, f.projectLog(project)[len(log)], c.events(1)[0])

	// The relay reports its lag to the metrics: nothing left behind.
	require.Eventually(t, func() bool {
		resp, err := http.Get(f.http.URL + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return strings.Contains(string(body), "\npledger_relay_lag_events{publisher=\"embedded\"} 0\n")
	}, 10*time.Second, 20*time.Millisecond)
}

func TestStreamResumesWhileEventsAreBeingAppended(t *testing.T) {
	f := feedFixture(t, nil)
	project := f.charter("RUN")
	pid := uuid.MustParse(project)
	const n = 12
	appended := make(chan error, 1)
	go func() {
		for i := range n {
			_, err := f.repo.ExecProject(context.Background(), pid, aggregates.RaiseRisk{Title: fmt.Sprintf("Risk %d", i), Probability: 1, Impact: 1,
				Owner: "Ops"}, aggregates.Meta{Actor: "test", Reason: "concurrent appends"})
			if err != nil {
				appended <- err
				return
			}
		}
		appended <- nil
	}()
	// Clients connect while the appends run: each sees the whole stream
	// after its resume point, once, in order.
	first := f.stream("admin", project, "?after=0")
	require.Equal(t, "0", first.next().ID)
	got := first.events(4)
	second := f.stream("admin", project, "", "Last-Event-ID", got[1].ID)
	require.Equal(t, got[1].ID, second.next().ID)
	require.NoError(t, <-appended)
	log := f.projectLog(project)
	require.Len(t, log, n+1)
	for i, ev := range append(got, first.events(n+1-4)...) {
		requireEvent(t, log[i], ev)
	}
	for i, ev := range second.events(n + 1 - 2) {
		requireEvent(t, log[2+i], ev)
	}
	first.quiet(100 * time.Millisecond)
	second.quiet(0)
}

// cutFeed closes every subscription after max events, as the real feed
// does to a reader that falls behind.
type cutFeed struct {
	inner api.Feed
	max   int
}

func (c cutFeed) Subscribe(ctx context.Context) (<-chan events.Event, error) {
	ctx, cancel := context.WithCancel(ctx)
	in, err := c.inner.Subscribe(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	out := make(chan events.Event)
	go func() {
		defer cancel()
		defer close(out)
		for i := 0; i < c.max; i++ {
			ev, ok := <-in
			if !ok {
				return
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

func TestAClientThatReconnectsWithLastEventIDMissesNothing(t *testing.T) {
	f := feedFixture(t, func(inner api.Feed) api.Feed { return cutFeed{inner: inner, max: 2} })
	project := f.charter("CUT")
	before := f.projectLog(project)[0].Position

	pid := uuid.MustParse(project)
	// Appending starts once the first connection has subscribed, so the
	// events flow through the feed (which cuts) rather than all arriving
	// in the first connection's catch-up from the store.
	subscribed := make(chan struct{})
	appended := make(chan error, 1)
	go func() {
		<-subscribed
		for i := range 7 {
			_, err := f.repo.ExecProject(context.Background(), pid, aggregates.RaiseRisk{Title: fmt.Sprintf("Risk %d", i), Probability: 1, Impact: 1,
				Owner: "Ops"}, aggregates.Meta{Actor: "test", Reason: "while the client reconnects"})
			if err != nil {
				appended <- err
				return
			}
		}
		appended <- nil
	}()
	// An EventSource: when the stream ends, it reconnects with the last id.
	var received []sse
	last := strconv.FormatUint(before, 10)
	deadline := time.Now().Add(30 * time.Second)
	connections := 0
	for len(received) < 7 {
		require.True(t, time.Now().Before(deadline), "received only %d events", len(received))
		c := f.stream("admin", project, "", "Last-Event-ID", last)
		connections++
	read:
		for len(received) < 7 {
			select {
			case b := <-c.blocks:
				if connections == 1 && b.Data == "" && b.ID == last {
					close(subscribed)
				}
				last = b.ID
				if b.Data != "" {
					received = append(received, b)
				}
			case <-c.ended:
				break read
			case <-time.After(time.Until(deadline)):
				break read
			}
		}
		c.close()
	}
	require.NoError(t, <-appended)
	require.Greater(t, connections, 1, "the feed cut the stream at least once")
	log := f.projectLog(project)
	for i, b := range received {
		requireEvent(t, log[1+i], b)
	}
}

func TestStreamRefusals(t *testing.T) {
	f := feedFixture(t, nil)
	project := f.charter("REF")

	status, h, body := f.do("admin", http.MethodGet, "/v1/projects/"+project+"/events/stream", nil, "Last-Event-ID", "yesterday")
	require.Equal(t, http.StatusBadRequest, status, "%s", body)
	require.Equal(t, "application/problem+json", h.Get("Content-Type"))
	var p api.Problem
	require.NoError(t, json.Unmarshal(body, &p))
	require.Equal(t, "Last-Event-ID", p.Field)
	status, _, _ = f.do("admin", http.MethodGet, "/v1/projects/"+project+"/events/stream?after=-1", nil)
	require.Equal(t, http.StatusBadRequest, status)
	status, _, _ = f.do("admin", http.MethodGet, "/v1/projects/"+uuid.NewString()+"/events/stream", nil)
	require.Equal(t, http.StatusNotFound, status)
	status, _, _ = f.do("", http.MethodGet, "/v1/projects/"+project+"/events/stream", nil)
	require.Equal(t, http.StatusUnauthorized, status)
	f.issue(events.RoleVendor, project, uuid.NewString())
	status, _, _ = f.do("vendor", http.MethodGet, "/v1/projects/"+project+"/events/stream", nil)
	require.Equal(t, http.StatusNotFound, status, "a vendor sees no raw log")
	status, _, _ = f.do("vendor", http.MethodGet, "/v1/projects/"+project+"/events", nil)
	require.Equal(t, http.StatusNotFound, status)
	f.issue(events.RoleContributor, uuid.NewString(), "")
	status, _, _ = f.do("contributor", http.MethodGet, "/v1/projects/"+project+"/events/stream", nil)
	require.Equal(t, http.StatusNotFound, status, "a token for another project")

	// Without a feed there is no stream.
	plain := newFixture(t)
	id := plain.charter("NOF")
	status, h, body = plain.do("admin", http.MethodGet, "/v1/projects/"+id+"/events/stream", nil)
	require.Equal(t, http.StatusServiceUnavailable, status, "%s", body)
	require.Equal(t, "application/problem+json", h.Get("Content-Type"))
}

func TestCloseStreamsEndsOpenStreams(t *testing.T) {
	f := feedFixture(t, nil)
	project := f.charter("END")
	c := f.stream("admin", project, "")
	c.next()
	f.server.CloseStreams()
	select {
	case <-c.ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not end")
	}
	// A stream asked for after (a request that raced the shutdown) is refused.
	status, _, body := f.do("admin", http.MethodGet, "/v1/projects/"+project+"/events/stream", nil)
	require.Equal(t, http.StatusServiceUnavailable, status, "%s", body)
}

func TestEventPages(t *testing.T) {
	f := newFixture(t) // paging needs no feed
	project := f.charter("PAG")
	f.issue(events.RoleAuditor, project, "")
	for i := range 4 {
		f.raise(project, fmt.Sprintf("Risk %d", i))
	}
	log := f.projectLog(project)
	require.Len(t, log, 5)
	base := "/v1/projects/" + project + "/events"

	var all []json.RawMessage
	next := base + "?limit=2"
	pages := 0
	for next != "" {
		var page api.EventPage
		f.json("auditor", http.MethodGet, next, nil, http.StatusOK, &page)
		require.LessOrEqual(t, len(page.Events), 2)
		all = append(all, page.Events...)
		next = page.Next
		pages++
	}
	require.Equal(t, 3, pages)
	require.Len(t, all, len(log))
	for i, ev := range log {
		require.Equal(t, strings.TrimSuffix(string(events.AppendLine(nil, ev)), "\n"), string(all[i]))
	}

	var page api.EventPage
	f.json("admin", http.MethodGet, base, nil, http.StatusOK, &page)
	require.Len(t, page.Events, 5, "default limit 100")
	require.Empty(t, page.Next)
	f.json("admin", http.MethodGet, base+"?after=3", nil, http.StatusOK, &page)
	require.Len(t, page.Events, 2, "after a version")
	require.Contains(t, string(page.Events[0]), `"version":4`)
	f.json("admin", http.MethodGet, base+fmt.Sprintf("?after=pos:%d", log[3].Position), nil, http.StatusOK, &page)
	require.Len(t, page.Events, 1, "after a global position")
	require.Contains(t, string(page.Events[0]), `"version":5`)
	f.json("admin", http.MethodGet, base+fmt.Sprintf("?as_of=pos:%d&limit=1", log[2].Position), nil, http.StatusOK, &page)
	require.Len(t, page.Events, 1)
	require.Contains(t, page.Next, "as_of=pos")
	f.json("admin", http.MethodGet, page.Next, nil, http.StatusOK, &page)
	require.Len(t, page.Events, 1)
	require.Contains(t, string(page.Events[0]), `"version":2`)
	f.json("admin", http.MethodGet, page.Next, nil, http.StatusOK, &page)
	require.Len(t, page.Events, 1)
	require.Contains(t, string(page.Events[0]), `"version":3`)
	require.Empty(t, page.Next, "as_of bounds the log")
	f.json("admin", http.MethodGet, base+"?after=99", nil, http.StatusOK, &page)
	require.Empty(t, page.Events)
	require.NotNil(t, page.Events)
	require.Empty(t, page.Next)

	for _, q := range []string{"?limit=0", "?limit=1001", "?limit=x", "?after=v2", "?after=pos:"} {
		status, _, body := f.do("admin", http.MethodGet, base+q, nil)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", q, body)
	}
	status, _, _ := f.do("admin", http.MethodGet, "/v1/projects/"+uuid.NewString()+"/events", nil)
	require.Equal(t, http.StatusNotFound, status)
}

// publisher is the send side of the pub/sub the feed reads.
type publisher interface {
	Publish(topic string, msgs ...*message.Message) error
}

func TestWatermillFeedSkipsStrangersAndCutsOffASlowReader(t *testing.T) {
	gc := relay.NewGoChannel(nil)
	defer gc.Close()
	var pub publisher = gc
	feed := api.NewWatermillFeed(gc, "t")
	feed.Buffer = 2
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := feed.Subscribe(ctx)
	require.NoError(t, err)

	f := newFixture(t)
	project := f.charter("WMF")
	ev := f.projectLog(project)[0]
	require.NoError(t, pub.Publish("t", message.NewMessage(uuid.NewString(), []byte("not an event"))))
	for range 4 { // the reader reads nothing: two fit, the third cuts it off
		require.NoError(t, pub.Publish("t", relay.NewMessage(ev)))
	}
	var got []events.Event
	for e := range ch {
		got = append(got, e)
	}
	require.Len(t, got, 2)
	require.Equal(t, ev, got[0])

	// A subscription ends when its context does.
	ch, err = feed.Subscribe(ctx)
	require.NoError(t, err)
	cancel()
	for range ch {
	}
}
