package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
)

// Store is what the API needs of the log.
type Store interface {
	events.Store
}

// Config wires a Server. Store is required; the rest have defaults.
type Config struct {
	Store    Store
	Registry *events.Registry
	Clock    func() time.Time
	Log      *slog.Logger
	// BodyLimit caps a request body; 0 means 1 MiB.
	BodyLimit int64
	// Feed, if set, serves the live event stream (server-sent events).
	Feed Feed
	// Metrics, if set, instruments requests and is served on /metrics.
	Metrics *Metrics
}

// Server serves the API. Create it with New; it is safe for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	echo    *echo.Echo
	repo    *aggregates.Repository
	engine  *projections.Engine
	routes  []Route
	views   *viewCache
	streams liveStreams
}

// New returns a server over cfg.Store.
func New(cfg Config) *Server {
	if cfg.Registry == nil {
		cfg.Registry = events.NewCatalogue()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 1 << 20
	}
	s := &Server{cfg: cfg, log: cfg.Log, echo: echo.New(),
		repo:   aggregates.NewRepository(cfg.Store, cfg.Registry),
		engine: projections.NewEngine(cfg.Store, cfg.Registry, cfg.Clock, 0),
		views:  newViewCache(64 << 20)}
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.HTTPErrorHandler = s.errorHandler
	s.echo.Use(s.limitBody)
	if cfg.Metrics != nil {
		s.echo.Use(cfg.Metrics.middleware)
	}
	s.routes = s.table()
	for _, r := range s.routes {
		s.echo.Add(r.Method, r.Path, s.guard(r))
	}
	return s
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Engine returns the view engine, for a caller that keeps it current (Run).
func (s *Server) Engine() *projections.Engine { return s.engine }

// Routes returns the route table.
func (s *Server) Routes() []Route { return slices.Clone(s.routes) }

// Route is one endpoint: how to call it, who may, and what it takes and
// returns (for the OpenAPI document).
type Route struct {
	Method   string
	Path     string // echo syntax: /v1/projects/:id/risks
	Summary  string
	Roles    []string // who may call it; the token's project must match :id
	Vendor   bool     // a vendor token may call it, scoped to its own vendor
	Public   bool     // no token needed
	Request  any      // the JSON body, or nil
	Response any      // the JSON answer
	Status   int      // the success status
	handle   func(c *call) error
}

// Role sets, from the widest to the narrowest.
var (
	everyone = []string{events.RoleAdmin, events.RolePM, events.RoleCoordinator, events.RoleContributor, events.RoleAuditor}
	writers  = []string{events.RoleAdmin, events.RolePM, events.RoleCoordinator}
	workers  = []string{events.RoleAdmin, events.RolePM, events.RoleCoordinator, events.RoleContributor}
	deciders = []string{events.RoleAdmin, events.RolePM}
	admins   = []string{events.RoleAdmin}
	auditors = []string{events.RoleAdmin, events.RoleAuditor}
)

// Principal is who is calling: the token's grant.
type Principal struct {
	TokenID   string
	Name      string
	Role      string
	ProjectID string // "" for every project
	VendorID  string
}

// call is one request being served.
type call struct {
	echo.Context
	s       *Server
	who     Principal
	project uuid.UUID // the :id of a project route
	route   Route
	// item, if set by a route, returns the created item as its view shows it,
	// for the body of a 201.
	item func(id string) (any, error)
}

const bearer = "Bearer "

// guard authenticates, authorizes and serves a route.
func (s *Server) guard(r Route) echo.HandlerFunc {
	return func(c echo.Context) error {
		cl := &call{Context: c, s: s, route: r}
		if r.Public {
			return r.handle(cl)
		}
		auth := c.Request().Header.Get(echo.HeaderAuthorization)
		if !strings.HasPrefix(auth, bearer) {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="pledger"`)
			return problem(http.StatusUnauthorized, "auth.token_required", "Authorization", "send Authorization: Bearer <token>")
		}
		sum := sha256.Sum256([]byte(strings.TrimPrefix(auth, bearer)))
		tok, ok, err := s.repo.LookupToken(c.Request().Context(), hex.EncodeToString(sum[:]))
		if err != nil {
			return err
		}
		if !ok {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="pledger", error="invalid_token"`)
			return problem(http.StatusUnauthorized, "auth.token_invalid", "Authorization", "the token is unknown or revoked")
		}
		cl.who = Principal{TokenID: tok.TokenID, Name: tok.Name, Role: tok.Role, ProjectID: tok.ProjectID, VendorID: tok.VendorID}
		if id := c.Param("id"); strings.Contains(r.Path, ":id") {
			pid, err := uuid.Parse(id)
			if err != nil {
				return errNotFound
			}
			cl.project = pid
		}
		if err := cl.authorize(); err != nil {
			return err
		}
		return r.handle(cl)
	}
}

// authorize decides whether the caller may use the route. A vendor gets a
// 404 for anything it may not see, so it cannot learn what exists.
func (cl *call) authorize() error {
	who, r := cl.who, cl.route
	scoped := strings.Contains(r.Path, ":id")
	if who.Role == events.RoleVendor {
		if !r.Vendor || !scoped || who.ProjectID != cl.project.String() {
			return errNotFound
		}
		return nil
	}
	if scoped && who.ProjectID != "" && who.ProjectID != cl.project.String() {
		return errNotFound
	}
	if !slices.Contains(r.Roles, who.Role) {
		return problem(http.StatusForbidden, "auth.role", "", fmt.Sprintf("role %s may not %s %s", who.Role, r.Method, r.Path))
	}
	return nil
}

// limitBody refuses bodies over the limit before anything reads them.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > s.cfg.BodyLimit {
			return problem(http.StatusRequestEntityTooLarge, "body.too_large", "", fmt.Sprintf("the body may be at most %d bytes", s.cfg.BodyLimit))
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.BodyLimit)
		return next(c)
	}
}

// decode reads the JSON body strictly into v: unknown fields and trailing
// data are refused, naming the field.
func (cl *call) decode(v any) error {
	dec := json.NewDecoder(cl.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(err)
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		if tooLarge(err) {
			return badJSON(err)
		}
		return problem(http.StatusBadRequest, "body.json", "", "the body must be one JSON object and nothing after it")
	}
	return nil
}

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func badJSON(err error) error {
	var te *json.UnmarshalTypeError
	msg := err.Error()
	switch {
	case tooLarge(err):
		return problem(http.StatusRequestEntityTooLarge, "body.too_large", "", msg)
	case strings.HasPrefix(msg, "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
		return problem(http.StatusBadRequest, "body.unknown_field", field, fmt.Sprintf("unknown field %q", field))
	case errors.As(err, &te):
		return problem(http.StatusBadRequest, "body.type", te.Field, fmt.Sprintf("%s must be %s", te.Field, te.Type))
	}
	return problem(http.StatusBadRequest, "body.json", "", "the body is not valid JSON: "+msg)
}

// Write is what every write request may carry besides its own fields.
type Write struct {
	Reason      string `json:"reason,omitempty"`       // or the X-Reason header
	EffectiveAt string `json:"effective_at,omitempty"` // back-dating: RFC 3339 or a date
}

// meta builds the command's audit metadata from the token and the headers.
func (cl *call) meta(w Write) (aggregates.Meta, error) {
	h := cl.Request().Header
	m := aggregates.Meta{Actor: cl.who.Name, Reason: w.Reason, CorrelationID: uuid.New()}
	if m.Reason == "" {
		m.Reason = h.Get("X-Reason")
	}
	if w.EffectiveAt != "" {
		t, err := projections.ParseTime(w.EffectiveAt)
		if err != nil {
			return m, problem(http.StatusUnprocessableEntity, "effective_at", "effective_at", err.Error())
		}
		m.EffectiveAt = t
	}
	if key := h.Get("Idempotency-Key"); key != "" {
		m.CommandID = uuid.NewSHA1(uuid.NameSpaceURL, []byte(cl.who.TokenID+"\x00"+cl.Request().Method+" "+cl.Request().URL.Path+"\x00"+key))
	}
	if match := h.Get("If-Match"); match != "" && match != "*" { // * matches any version
		v, err := strconv.ParseUint(strings.Trim(strings.TrimPrefix(match, "W/"), `"`), 10, 64)
		if err != nil {
			return m, problem(http.StatusBadRequest, "if_match", "If-Match", `If-Match must be an ETag this API sent, like "42"`)
		}
		m.ExpectedVersion = &v
	}
	if id := h.Get("X-Correlation-ID"); id != "" {
		if cid, err := uuid.Parse(id); err == nil {
			m.CorrelationID = cid
		}
	}
	return m, nil
}

// Written is the answer to a write: the stream version after it (also the
// ETag), the id of what it created, and the events it appended.
type Written struct {
	ID      string            `json:"id,omitempty"`
	Version uint64            `json:"version"`
	Item    any               `json:"item,omitempty"` // what was created, as its view shows it
	Events  []json.RawMessage `json:"events"`
}

func written(res aggregates.Result, id string) Written {
	w := Written{ID: id, Version: res.Version(), Events: make([]json.RawMessage, len(res.Events))}
	for i, ev := range res.Events {
		w.Events[i] = json.RawMessage(bytes.TrimSpace(events.AppendLine(nil, ev)))
	}
	return w
}

// exec runs a project command and answers with what it wrote.
func (cl *call) exec(cmd aggregates.ProjectCommand, w Write, idKey string) error {
	meta, err := cl.meta(w)
	if err != nil {
		return err
	}
	res, err := cl.s.repo.ExecProject(cl.Request().Context(), cl.project, cmd, meta)
	return cl.wrote(res, err, idKey)
}

// wrote answers a write with the route's status, Location for a creation,
// the ETag of the stream, the events written and, where the route has one,
// the item as it now stands.
func (cl *call) wrote(res aggregates.Result, err error, idKey string) error {
	if err != nil {
		return err
	}
	id := ""
	if idKey != "" {
		id = firstField(res, idKey)
	}
	status := cl.route.Status
	if id != "" && status == http.StatusCreated {
		cl.Response().Header().Set(echo.HeaderLocation, strings.TrimSuffix(cl.Request().URL.Path, "/")+"/"+id)
	}
	cl.Response().Header().Set(headerETag, etag(res.Version()))
	out := written(res, id)
	if cl.item != nil && id != "" {
		if out.Item, err = cl.item(id); err != nil {
			return err
		}
	}
	return cl.JSON(status, out)
}

func etag(version uint64) string { return fmt.Sprintf(`"%d"`, version) }

// firstField returns key's value in the first event of res that has it.
func firstField(res aggregates.Result, key string) string {
	for _, ev := range res.Events {
		var fields map[string]any
		if json.Unmarshal(ev.Data, &fields) == nil {
			if v, ok := fields[key].(string); ok {
				return v
			}
		}
	}
	return ""
}

// query reads as_of and effective, the CLI's syntax.
func (cl *call) query() (projections.Query, error) {
	var q projections.Query
	var err error
	if q.AsOf, err = projections.ParseBound(cl.QueryParam("as_of")); err != nil {
		return q, problem(http.StatusBadRequest, "as_of", "as_of", err.Error())
	}
	if e := cl.QueryParam("effective"); e != "" {
		if q.Effective, err = projections.ParseTime(e); err != nil {
			return q, problem(http.StatusBadRequest, "effective", "effective", err.Error())
		}
	}
	return q, nil
}

// Run serves on addr until ctx is done, then shuts down gracefully: new
// connections stop, in-flight requests (writes included) finish, up to
// grace.
func (s *Server) Run(ctx context.Context, addr string, grace time.Duration) error {
	srv := &http.Server{Addr: addr, Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 0 /* SSE streams */, IdleTimeout: 120 * time.Second}
	srv.RegisterOnShutdown(s.CloseStreams) // Shutdown does not end open event streams by itself
	failed := make(chan struct{})          // serving ended on its own: no shutdown to wait for
	done := make(chan error, 1)
	go func() {
		select {
		case <-ctx.Done():
		case <-failed:
			done <- nil
			return
		}
		shutdown, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		done <- srv.Shutdown(shutdown)
	}()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		close(failed)
		<-done
		return err
	}
	return <-done
}

// writeJSON writes v as JSON.
func writeJSON(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }

const headerETag = "ETag"
