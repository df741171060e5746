package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pledger/pledger/events"
)

// streamKeepalive is how often an idle event stream gets a comment line, so
// proxies and clients do not take it for dead.
var streamKeepalive = 15 * time.Second

// streamRetry is the reconnection delay an event stream asks clients for.
const streamRetry = 2 * time.Second

// streamResubscribeMin is the least time a feed subscription must have
// lasted for the stream to resubscribe in place when it closes; a feed that
// closes faster ends the response instead (the client reconnects).
const streamResubscribeMin = time.Second

// EventPage is a page of a project's raw event log.
type EventPage struct {
	// Events are export records (the JSON Lines form), in version order.
	Events []json.RawMessage `json:"events"`
	// Next is the URL of the following page, or "" at the end of the log.
	Next string `json:"next"`
}

const (
	defaultPageLimit = 100
	maxPageLimit     = 1000
)

func (s *Server) streamRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/v1/projects/:id/events/stream",
			Summary: "The project's events as they are committed, as server-sent events (id: the global position, event: the type, " +
				"data: the export record); resume with the Last-Event-ID header or the after parameter (a global position)",
			Roles: everyone, Status: http.StatusOK, handle: s.serveStream},
		{Method: http.MethodGet, Path: "/v1/projects/:id/events",
			Summary: "The project's raw event log, a page at a time (after: a version or pos:N; limit: 1 to 1000, default 100)",
			Roles:   everyone, Response: EventPage{}, Status: http.StatusOK, handle: s.serveEventPage},
	}
}

// projectStream is the stream name of the call's project.
func (cl *call) projectStream() string { return "project-" + cl.project.String() }

// streamExists reports whether stream has at least one event.
func (s *Server) streamExists(ctx context.Context, stream string) (bool, error) {
	for _, err := range s.cfg.Store.ReadStream(ctx, stream, events.ReadOptions{ToVersion: 1}) {
		return err == nil, err
	}
	return false, nil
}

// serveStream serves GET /v1/projects/:id/events/stream.
//
// Without a resume point the stream starts at the current end of the log.
// With one (Last-Event-ID, else ?after=), it first replays from the store
// the project's events after that position. Either way it subscribes to the
// feed before reading the store, so an event committed meanwhile is either
// replayed or delivered live, and drops what it has already sent by
// position: no gap, no duplicate.
func (s *Server) serveStream(cl *call) error {
	if s.cfg.Feed == nil {
		return problem(http.StatusServiceUnavailable, "stream.unavailable", "", "this server has no live event feed")
	}
	after, resume, err := streamAfter(cl)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(cl.Request().Context())
	defer cancel()
	untrack, open := s.trackStream(cancel)
	if !open {
		return problem(http.StatusServiceUnavailable, "stream.unavailable", "", "the server is shutting down")
	}
	defer untrack()
	stream := cl.projectStream()
	if ok, err := s.streamExists(ctx, stream); err != nil {
		return err
	} else if !ok {
		return errNotFound
	}
	live, err := s.cfg.Feed.Subscribe(ctx)
	if err != nil {
		s.log.Error("stream: feed subscribe", "err", err)
		return problem(http.StatusServiceUnavailable, "stream.unavailable", "", "the live event feed is unavailable")
	}
	subscribed := time.Now()
	if !resume {
		if after, err = events.LastPosition(ctx, s.cfg.Store); err != nil {
			return err
		}
	}

	w := &sseWriter{call: cl, rc: http.NewResponseController(cl.Response().Writer)}
	h := cl.Response().Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	cl.Response().WriteHeader(http.StatusOK)
	// The id line, with no data, sets the client's last event id to where
	// the stream starts, so a reconnection before any event resumes here.
	if w.printf("retry: %d\nid: %d\n\n", streamRetry.Milliseconds(), after) != nil {
		return nil
	}

	// sent is the position of the last event sent; next is the stream
	// version a catch-up reads from (1 until an event is sent: a resumed
	// client names a position, not a version).
	sent, next := after, uint64(1)
	send := func(ev events.Event) error {
		if err := w.event(ev); err != nil {
			return err
		}
		sent, next = ev.Position, ev.Version+1
		return nil
	}
	replay := func() error {
		for ev, err := range s.cfg.Store.ReadStream(ctx, stream, events.ReadOptions{From: next}) {
			if err != nil {
				return err
			}
			if ev.Position > sent {
				if err := send(ev); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// A new client starts at the end of the log, read after subscribing:
	// the feed has everything after it, so only a resumed one catches up.
	if resume {
		if err := replay(); err != nil {
			s.endStream(ctx, err)
			return nil
		}
	}

	keepalive := time.NewTicker(streamKeepalive)
	defer keepalive.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-keepalive.C:
			if w.printf(": keepalive\n\n") != nil {
				return nil
			}
		case ev, ok := <-live:
			if !ok {
				// The feed cut this reader off (it fell behind) or ended:
				// subscribe again and catch up from the store, unless the
				// feed keeps failing; then the client reconnects.
				if ctx.Err() != nil || time.Since(subscribed) < streamResubscribeMin {
					return nil
				}
				if live, err = s.cfg.Feed.Subscribe(ctx); err != nil {
					s.endStream(ctx, err)
					return nil
				}
				subscribed = time.Now()
				if err := replay(); err != nil {
					s.endStream(ctx, err)
					return nil
				}
				continue
			}
			if ev.Stream != stream || ev.Position <= sent {
				continue
			}
			if send(ev) != nil {
				return nil
			}
		}
	}
}

// endStream logs why a stream ended early, unless the client left.
func (s *Server) endStream(ctx context.Context, err error) {
	if ctx.Err() == nil {
		s.log.Warn("stream: ended", "err", err)
	}
}

// streamAfter reads the resume point: Last-Event-ID, else ?after=.
func streamAfter(cl *call) (after uint64, resume bool, err error) {
	field, v := "Last-Event-ID", strings.TrimSpace(cl.Request().Header.Get("Last-Event-ID"))
	if v == "" {
		field, v = "after", strings.TrimSpace(cl.QueryParam("after"))
	}
	if v == "" {
		return 0, false, nil
	}
	after, err = strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, false, problem(http.StatusBadRequest, "stream.after", field, field+" must be a global position: a whole number of 0 or more")
	}
	return after, true, nil
}

// sseWriter writes server-sent events and flushes each.
type sseWriter struct {
	call *call
	rc   *http.ResponseController
	buf  bytes.Buffer
}

func (w *sseWriter) printf(format string, args ...any) error {
	if _, err := fmt.Fprintf(w.call.Response(), format, args...); err != nil {
		return err
	}
	return w.rc.Flush()
}

// event writes ev: id the global position, event the type, data the export line.
func (w *sseWriter) event(ev events.Event) error {
	w.buf.Reset()
	fmt.Fprintf(&w.buf, "id: %d\nevent: %s\ndata: ", ev.Position, ev.Type)
	w.buf.Write(events.AppendLine(nil, ev)) // one line: JSON escapes newlines
	w.buf.WriteString("\n")
	if _, err := w.call.Response().Write(w.buf.Bytes()); err != nil {
		return err
	}
	return w.rc.Flush()
}

// liveStreams are the cancel functions of the event streams a server is
// serving, for CloseStreams.
type liveStreams struct {
	mu      sync.Mutex
	cancels map[*context.CancelFunc]struct{}
	closed  bool // CloseStreams ran: no stream starts any more
}

// trackStream registers a stream's cancel function until untrack is
// called; once CloseStreams has run it registers nothing and open is false.
func (s *Server) trackStream(cancel context.CancelFunc) (untrack func(), open bool) {
	key := &cancel
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	if s.streams.closed {
		return nil, false
	}
	if s.streams.cancels == nil {
		s.streams.cancels = map[*context.CancelFunc]struct{}{}
	}
	s.streams.cancels[key] = struct{}{}
	return func() {
		s.streams.mu.Lock()
		defer s.streams.mu.Unlock()
		delete(s.streams.cancels, key)
	}, true
}

// CloseStreams ends every event stream the server is serving and refuses
// new ones (503). An http.Server's Shutdown waits for requests to
// finish but does not cancel them, and a stream never finishes by itself:
// register this with RegisterOnShutdown so a graceful shutdown does not
// wait out its grace on open streams.
func (s *Server) CloseStreams() {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	s.streams.closed = true
	for cancel := range s.streams.cancels {
		(*cancel)()
	}
}

// serveEventPage serves GET /v1/projects/:id/events: the project's log in
// version order, after a version (after=N) or a global position
// (after=pos:N), as of as_of if given.
func (s *Server) serveEventPage(cl *call) error {
	q, err := cl.query()
	if err != nil {
		return err
	}
	var afterVersion, afterPosition uint64
	if v := cl.QueryParam("after"); v != "" {
		n, isPos := strings.CutPrefix(v, "pos:")
		parsed, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			return problem(http.StatusBadRequest, "after", "after", "after must be a stream version (N) or a global position (pos:N)")
		}
		if isPos {
			afterPosition = parsed
		} else {
			afterVersion = parsed
		}
	}
	limit := defaultPageLimit
	if v := cl.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageLimit {
			return problem(http.StatusBadRequest, "limit", "limit", fmt.Sprintf("limit must be a whole number from 1 to %d", maxPageLimit))
		}
		limit = n
	}
	ctx := cl.Request().Context()
	stream := cl.projectStream()
	opts := events.ReadOptions{RecordedBy: q.AsOf.Time}
	if afterVersion < ^uint64(0) {
		opts.From = afterVersion + 1
	}
	page := EventPage{Events: []json.RawMessage{}}
	var last uint64
	more := false
	if afterVersion < ^uint64(0) {
		readCtx, stop := context.WithCancel(ctx)
		for ev, err := range s.cfg.Store.ReadStream(readCtx, stream, opts) {
			if err != nil {
				stop()
				return err
			}
			if q.AsOf.Position > 0 && ev.Position > q.AsOf.Position {
				break
			}
			if ev.Position <= afterPosition {
				continue
			}
			if len(page.Events) == limit {
				more = true
				break
			}
			page.Events = append(page.Events, json.RawMessage(bytes.TrimSuffix(events.AppendLine(nil, ev), []byte("\n"))))
			last = ev.Version
		}
		stop()
	}
	if len(page.Events) == 0 {
		if ok, err := s.streamExists(ctx, stream); err != nil {
			return err
		} else if !ok {
			return errNotFound
		}
	}
	if more {
		params := url.Values{}
		for k, v := range cl.QueryParams() {
			params[k] = v
		}
		params.Set("after", strconv.FormatUint(last, 10))
		params.Set("limit", strconv.Itoa(limit))
		page.Next = cl.Request().URL.Path + "?" + params.Encode()
	}
	return cl.JSON(http.StatusOK, page)
}
