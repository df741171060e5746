package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
)

// table is every route the server serves.
func (s *Server) table() []Route {
	var all []Route
	for _, area := range [][]Route{
		s.serviceRoutes(), s.projectRoutes(), s.viewRoutes(), s.raidRoutes(), s.tokenRoutes(), s.auditRoutes(),
		s.extraRoutes(), s.openapiRoutes(),
		s.streamRoutes(),
	} {
		all = append(all, area...)
	}
	return all
}

// writeRequest is any request body of a command: it carries Write.
type writeRequest interface{ write() Write }

func (w Write) write() Write { return w }

// command is a POST route that decodes Req and runs the command build makes
// from it. idKey names the payload field holding the id of what it creates
// (for 201 and Location).
func command[Req writeRequest](path, summary string, roles []string, status int, idKey string, build func(cl *call, r Req) aggregates.ProjectCommand) Route {
	var req Req
	return Route{Method: http.MethodPost, Path: path, Summary: summary, Roles: roles, Request: req, Response: Written{}, Status: status,
		handle: func(cl *call) error {
			var r Req
			if err := cl.decode(&r); err != nil {
				return err
			}
			return cl.exec(build(cl, r), r.write(), idKey)
		}}
}

// read is a GET route answering with a view of the project. Rendered views
// are cached (see viewCache).
func read[V any](path, summary string, roles []string, vendor bool, answer func(cl *call, q projections.Query) (V, uint64, error)) Route {
	var v V
	return Route{Method: http.MethodGet, Path: path, Summary: summary, Roles: roles, Vendor: vendor, Response: v, Status: http.StatusOK,
		handle: func(cl *call) error {
			q, err := cl.query()
			if err != nil {
				return err
			}
			key, err := cl.cacheKey(q)
			if err != nil {
				return err
			}
			if hit, ok := cl.s.views.get(key); ok {
				return cl.rendered(hit)
			}
			out, version, err := answer(cl, q)
			if err != nil {
				return err
			}
			body, err := json.Marshal(out)
			if err != nil {
				return err
			}
			rendered := cachedView{body: body, etag: etag(version)}
			cl.s.views.put(key, rendered)
			return cl.rendered(rendered)
		}}
}

// cacheKey is what decides a view's bytes.
func (cl *call) cacheKey(q projections.Query) (string, error) {
	version, err := cl.s.engine.Version(cl.Request().Context(), cl.project)
	if err != nil {
		return "", err
	}
	key := fmt.Sprintf("%s?%s|%s|%d", cl.Request().URL.Path, cl.Request().URL.RawQuery, cl.who.VendorID, version)
	if q.Effective.IsZero() && q.AsOf.IsZero() {
		key += "|" + cl.s.cfg.Clock().UTC().Truncate(time.Second).String() // "now" moves
	}
	return key, nil
}

func (cl *call) rendered(v cachedView) error {
	cl.Response().Header().Set(headerETag, v.etag)
	return cl.JSONBlob(http.StatusOK, v.body)
}

// Health is the answer of /healthz and /readyz.
type Health struct {
	Status string `json:"status"`
}

func (s *Server) serviceRoutes() []Route {
	routes := []Route{
		{Method: http.MethodGet, Path: "/healthz", Summary: "The process is up", Public: true, Response: Health{}, Status: http.StatusOK,
			handle: func(cl *call) error { return cl.JSON(http.StatusOK, Health{"ok"}) }},
		{Method: http.MethodGet, Path: "/readyz", Summary: "The ledger is readable", Public: true, Response: Health{}, Status: http.StatusOK,
			handle: func(cl *call) error {
				if err := events.Ready(cl.Request().Context(), s.cfg.Store); err != nil {
					return problem(http.StatusServiceUnavailable, "not_ready", "", "the ledger cannot be read")
				}
				return cl.JSON(http.StatusOK, Health{"ready"})
			}},
	}
	if s.cfg.Metrics != nil {
		h := s.cfg.Metrics.handler()
		routes = append(routes, Route{Method: http.MethodGet, Path: "/metrics", Summary: "Prometheus metrics", Public: true, Status: http.StatusOK,
			handle: func(cl *call) error { return h(cl.Context) }})
	}
	return routes
}

// CharterRequest charters a project.
type CharterRequest struct {
	Write
	Code        string      `json:"code"`
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	Sponsor     string      `json:"sponsor"`
	Manager     string      `json:"manager"`
	Coordinator string      `json:"coordinator"`
	Start       events.Date `json:"start"`
	End         events.Date `json:"end"`
	Currency    string      `json:"currency"`
}

// ProjectSummary is a project in the list.
type ProjectSummary struct {
	events.ProjectChartered
	Href string `json:"href"`
}

func (s *Server) projectRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/v1/projects", Summary: "The projects the token may see", Roles: everyone, Response: []ProjectSummary{}, Status: http.StatusOK,
			handle: func(cl *call) error {
				charters, err := s.engine.Projects(cl.Request().Context())
				if err != nil {
					return err
				}
				out := []ProjectSummary{}
				for _, c := range charters {
					if cl.who.ProjectID == "" || cl.who.ProjectID == c.ProjectID {
						out = append(out, ProjectSummary{ProjectChartered: c, Href: "/v1/projects/" + c.ProjectID})
					}
				}
				return cl.JSON(http.StatusOK, out)
			}},
		{Method: http.MethodPost, Path: "/v1/projects", Summary: "Charter a project", Roles: deciders, Request: CharterRequest{}, Response: Written{}, Status: http.StatusCreated,
			handle: func(cl *call) error {
				if cl.who.ProjectID != "" {
					return problem(http.StatusForbidden, "auth.project_token", "", "a token for one project cannot charter another")
				}
				var r CharterRequest
				if err := cl.decode(&r); err != nil {
					return err
				}
				cl.project = uuid.New()
				return cl.exec(aggregates.CharterProject{Code: r.Code, Name: r.Name, Description: r.Description, Sponsor: r.Sponsor,
					Manager: r.Manager, Coordinator: r.Coordinator, Start: r.Start, End: r.End, Currency: r.Currency}, r.Write, "project_id")
			}},
	}
}

func (s *Server) viewRoutes() []Route {
	e := s.engine
	at := func(cl *call) (context.Context, uuid.UUID) { return cl.Request().Context(), cl.project }
	return []Route{
		read("/v1/projects/:id/raid", "The RAID log", everyone, false, func(cl *call, q projections.Query) (projections.RAID, uint64, error) {
			ctx, id := at(cl)
			v, err := e.RAID(ctx, id, q, projections.RAIDFilter{Status: cl.QueryParam("status"), Owner: cl.QueryParam("owner"), Severity: cl.QueryParam("severity")})
			return v, v.Version, err
		}),
		read("/v1/projects/:id/budget", "The budget with earned value", everyone, false, func(cl *call, q projections.Query) (projections.Budget, uint64, error) {
			ctx, id := at(cl)
			v, err := e.Budget(ctx, id, q)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/schedule", "Milestones, tasks, critical path, over-allocation", everyone, false, func(cl *call, q projections.Query) (projections.Schedule, uint64, error) {
			ctx, id := at(cl)
			v, err := e.Schedule(ctx, id, q)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/vendors", "Contracts, deliverables, purchase orders, invoices (a vendor sees its own)", everyone, true, func(cl *call, q projections.Query) (projections.Vendors, uint64, error) {
			ctx, id := at(cl)
			v, err := e.Vendors(ctx, id, q, cl.who.VendorID)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/decisions", "Decisions", everyone, false, func(cl *call, q projections.Query) (projections.Decisions, uint64, error) {
			ctx, id := at(cl)
			v, err := e.Decisions(ctx, id, q)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/changes", "Change requests", everyone, false, func(cl *call, q projections.Query) (projections.Changes, uint64, error) {
			ctx, id := at(cl)
			v, err := e.Changes(ctx, id, q)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/actions", "Action items", everyone, false, func(cl *call, q projections.Query) (projections.Actions, uint64, error) {
			ctx, id := at(cl)
			v, err := e.Actions(ctx, id, q)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/documents", "The documents register", everyone, false, func(cl *call, q projections.Query) (projections.Documents, uint64, error) {
			ctx, id := at(cl)
			v, err := e.Documents(ctx, id, q)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/team", "The team and their access", everyone, false, func(cl *call, q projections.Query) (projections.Team, uint64, error) {
			ctx, id := at(cl)
			v, err := e.Team(ctx, id, q)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/attention", "What to chase now (?days=N, default 7)", everyone, false, func(cl *call, q projections.Query) (projections.Attention, uint64, error) {
			ctx, id := at(cl)
			days := 7
			if d := cl.QueryParam("days"); d != "" {
				n, err := strconv.Atoi(d)
				if err != nil || n < 0 {
					return projections.Attention{}, 0, problem(http.StatusBadRequest, "days", "days", "days must be a whole number of 0 or more")
				}
				days = n
			}
			v, err := e.Attention(ctx, id, q, days)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/diff", "What changed between ?from= and ?to=", everyone, false, func(cl *call, _ projections.Query) (projections.Diff, uint64, error) {
			ctx, id := at(cl)
			from, err := projections.ParseBound(cl.QueryParam("from"))
			if err != nil || from.IsZero() {
				return projections.Diff{}, 0, problem(http.StatusBadRequest, "from", "from", "from is required: an RFC 3339 time, a date or pos:N")
			}
			to, err := projections.ParseBound(cl.QueryParam("to"))
			if err != nil {
				return projections.Diff{}, 0, problem(http.StatusBadRequest, "to", "to", err.Error())
			}
			v, err := e.Diff(ctx, id, projections.Query{AsOf: from}, projections.Query{AsOf: to})
			return v, v.To.Version, err
		}),
		read("/v1/projects/:id/history/:itemId", "Every event that touched an item", everyone, false, func(cl *call, q projections.Query) (projections.History, uint64, error) {
			ctx, id := at(cl)
			v, err := e.History(ctx, id, cl.Param("itemId"), q.AsOf)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/why/:ref", "The causal chain behind an item or event", everyone, false, func(cl *call, q projections.Query) (projections.WhyTree, uint64, error) {
			ctx, id := at(cl)
			v, err := e.Why(ctx, id, cl.Param("ref"), q.AsOf)
			return v, v.Version, err
		}),
		read("/v1/projects/:id/dossier", "A vendor's or contract's story (?vendor= or ?contract=; a vendor sees its own)", everyone, true, func(cl *call, q projections.Query) (projections.Dossier, uint64, error) {
			ctx, id := at(cl)
			vendor, contract := cl.QueryParam("vendor"), cl.QueryParam("contract")
			if cl.who.VendorID != "" {
				if vendor != "" && vendor != cl.who.VendorID {
					return projections.Dossier{}, 0, errNotFound
				}
				if contract == "" {
					vendor = cl.who.VendorID
				}
			}
			if (vendor == "") == (contract == "") {
				return projections.Dossier{}, 0, problem(http.StatusBadRequest, "dossier.which", "vendor", "give exactly one of vendor and contract")
			}
			v, err := e.Dossier(ctx, id, vendor, contract, q.AsOf)
			if cl.who.VendorID != "" && (err != nil || v.VendorID != cl.who.VendorID) && !isServerError(err) {
				return projections.Dossier{}, 0, errNotFound // another vendor's contract looks like none at all
			}
			return v, v.Version, err
		}),
		read("/v1/projects/:id/reports/status", "A status report (?from=&to= dates)", everyone, false, func(cl *call, q projections.Query) (projections.StatusReport, uint64, error) {
			ctx, id := at(cl)
			to := events.DateOf(s.cfg.Clock())
			if !q.AsOf.Time.IsZero() {
				to = events.DateOf(q.AsOf.Time)
			}
			from := to.AddDays(-13)
			for name, d := range map[string]*events.Date{"from": &from, "to": &to} {
				if v := cl.QueryParam(name); v != "" {
					parsed, err := events.ParseDate(v)
					if err != nil {
						return projections.StatusReport{}, 0, problem(http.StatusBadRequest, name, name, err.Error())
					}
					*d = parsed
				}
			}
			v, err := e.StatusReport(ctx, id, q, from, to)
			return v, v.Version, err
		}),
	}
}

// RiskRequest raises a risk.
type RiskRequest struct {
	Write
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Probability int         `json:"probability"`
	Impact      int         `json:"impact"`
	Owner       string      `json:"owner"`
	Trigger     string      `json:"trigger,omitempty"`
	Mitigation  string      `json:"mitigation,omitempty"`
	Contingency string      `json:"contingency,omitempty"`
	ReviewDate  events.Date `json:"review_date,omitzero"`
}

// AssessmentRequest re-rates a risk.
type AssessmentRequest struct {
	Write
	Probability int         `json:"probability"`
	Impact      int         `json:"impact"`
	ReviewDate  events.Date `json:"review_date,omitzero"`
}

// MitigationRequest replaces a risk's plans.
type MitigationRequest struct {
	Write
	Mitigation  string `json:"mitigation"`
	Contingency string `json:"contingency,omitempty"`
}

// OwnerRequest hands an item to another owner.
type OwnerRequest struct {
	Write
	Owner string `json:"owner"`
}

// EscalationRequest escalates an item (the reason is required).
type EscalationRequest struct {
	Write
	To string `json:"to"`
}

// RealisationRequest turns a risk into an issue.
type RealisationRequest struct {
	Write
	Severity string      `json:"severity"`
	Owner    string      `json:"owner,omitempty"`
	Due      events.Date `json:"due,omitzero"`
}

// ClosureRequest closes an item with its resolution.
type ClosureRequest struct {
	Write
	Resolution string `json:"resolution"`
}

func (s *Server) raidRoutes() []Route {
	const base = "/v1/projects/:id/risks"
	return []Route{
		command(base, "Raise a risk", workers, http.StatusCreated, "risk_id", func(cl *call, r RiskRequest) aggregates.ProjectCommand {
			cl.item = func(id string) (any, error) { return riskRow(cl, id) }
			return aggregates.RaiseRisk{Title: r.Title, Description: r.Description, Probability: r.Probability, Impact: r.Impact, Owner: r.Owner,
				Trigger: r.Trigger, Mitigation: r.Mitigation, Contingency: r.Contingency, ReviewDate: r.ReviewDate}
		}),
		command(base+"/:riskId/assessments", "Re-rate a risk", workers, http.StatusOK, "", func(cl *call, r AssessmentRequest) aggregates.ProjectCommand {
			return aggregates.AssessRisk{RiskID: cl.Param("riskId"), Probability: r.Probability, Impact: r.Impact, ReviewDate: r.ReviewDate}
		}),
		command(base+"/:riskId/mitigations", "Replace a risk's mitigation and contingency", workers, http.StatusOK, "", func(cl *call, r MitigationRequest) aggregates.ProjectCommand {
			return aggregates.UpdateRiskMitigation{RiskID: cl.Param("riskId"), Mitigation: r.Mitigation, Contingency: r.Contingency}
		}),
		command(base+"/:riskId/owner", "Hand a risk to another owner", workers, http.StatusOK, "", func(cl *call, r OwnerRequest) aggregates.ProjectCommand {
			return aggregates.ChangeRiskOwner{RiskID: cl.Param("riskId"), Owner: r.Owner}
		}),
		command(base+"/:riskId/escalations", "Escalate a risk (reason required)", writers, http.StatusOK, "", func(cl *call, r EscalationRequest) aggregates.ProjectCommand {
			return aggregates.EscalateRisk{RiskID: cl.Param("riskId"), To: r.To}
		}),
		command(base+"/:riskId/realisations", "A risk happened: close it and raise an issue", writers, http.StatusCreated, "issue_id", func(cl *call, r RealisationRequest) aggregates.ProjectCommand {
			return aggregates.RealiseRisk{RiskID: cl.Param("riskId"), Severity: r.Severity, Owner: r.Owner, Due: r.Due}
		}),
		command(base+"/:riskId/closure", "Close a risk", workers, http.StatusOK, "", func(cl *call, r ClosureRequest) aggregates.ProjectCommand {
			return aggregates.CloseRisk{RiskID: cl.Param("riskId"), Resolution: r.Resolution}
		}),
	}
}

// riskRow is a risk as the RAID log shows it now.
func riskRow(cl *call, id string) (any, error) {
	row, ok, err := cl.s.engine.Risk(cl.Request().Context(), cl.project, id)
	if err == nil && !ok {
		err = errNotFound
	}
	return row, err
}

// TokenRequest issues an API token.
type TokenRequest struct {
	Write
	Name      string `json:"name"`
	Role      string `json:"role"`
	ProjectID string `json:"project_id,omitempty"`
	VendorID  string `json:"vendor_id,omitempty"`
}

// TokenGrant is what GET /v1/tokens shows of a token.
type TokenGrant struct {
	TokenID   string `json:"token_id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	ProjectID string `json:"project_id,omitempty"`
	VendorID  string `json:"vendor_id,omitempty"`
	Revoked   bool   `json:"revoked"`
}

// globalOnly refuses a token bound to one project: it may not act on what
// spans projects (tokens, people, vendors).
func (cl *call) globalOnly() error {
	if cl.who.ProjectID != "" {
		return problem(http.StatusForbidden, "auth.project_token", "", "a token for one project cannot do this")
	}
	return nil
}

// IssuedToken is a new token: shown once, stored only as its hash.
type IssuedToken struct {
	TokenID string `json:"token_id"`
	Token   string `json:"token"`
}

func (s *Server) tokenRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/tokens", Summary: "Issue an API token (shown once)", Roles: admins, Request: TokenRequest{}, Response: IssuedToken{}, Status: http.StatusCreated,
			handle: func(cl *call) error {
				if err := cl.globalOnly(); err != nil {
					return err
				}
				var r TokenRequest
				if err := cl.decode(&r); err != nil {
					return err
				}
				meta, err := cl.meta(r.Write)
				if err != nil {
					return err
				}
				token, tokenID, err := IssueToken(cl.Request().Context(), s.repo, aggregates.IssueToken{Name: r.Name, Role: r.Role, ProjectID: r.ProjectID, VendorID: r.VendorID}, meta)
				if err != nil {
					return err
				}
				return cl.JSON(http.StatusCreated, IssuedToken{TokenID: tokenID, Token: token})
			}},
		{Method: http.MethodGet, Path: "/v1/tokens", Summary: "Every token issued (never the tokens, nor their hashes)", Roles: admins, Response: []TokenGrant{}, Status: http.StatusOK,
			handle: func(cl *call) error {
				if err := cl.globalOnly(); err != nil {
					return err
				}
				all, err := s.repo.ListTokens(cl.Request().Context())
				if err != nil {
					return err
				}
				out := make([]TokenGrant, len(all))
				for i, t := range all {
					out[i] = TokenGrant{TokenID: t.TokenID, Name: t.Name, Role: t.Role, ProjectID: t.ProjectID, VendorID: t.VendorID, Revoked: t.Revoked}
				}
				return cl.JSON(http.StatusOK, out)
			}},
		{Method: http.MethodPost, Path: "/v1/tokens/:tokenId/revocation", Summary: "Revoke a token (reason required)", Roles: admins, Request: Write{}, Response: Written{}, Status: http.StatusOK,
			handle: func(cl *call) error {
				if err := cl.globalOnly(); err != nil {
					return err
				}
				var r Write
				if err := cl.decode(&r); err != nil {
					return err
				}
				meta, err := cl.meta(r)
				if err != nil {
					return err
				}
				res, err := s.repo.RevokeToken(cl.Request().Context(), aggregates.RevokeToken{TokenID: cl.Param("tokenId")}, meta)
				if err != nil {
					return err
				}
				return cl.JSON(http.StatusOK, written(res, ""))
			}},
	}
}

// Verification is the answer of GET /v1/verify.
type Verification struct {
	OK      bool            `json:"ok"`
	Summary *events.Summary `json:"summary,omitempty"`
	Problem *events.Problem `json:"problem,omitempty"`
}

func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/v1/verify", Summary: "Check every hash chain, version continuity and seal of the ledger", Roles: auditors, Response: Verification{}, Status: http.StatusOK,
			handle: func(cl *call) error {
				v, err := verifyLedger(cl.Request().Context(), s.cfg.Store)
				if err != nil {
					return err
				}
				return cl.JSON(http.StatusOK, v)
			}},
	}
}

// verifyLedger walks the whole log up to its current end.
func verifyLedger(ctx context.Context, store Store) (Verification, error) {
	end, _, err := store.Heads(ctx)
	if err != nil {
		return Verification{}, err
	}
	var seals []events.Event
	for ev, err := range store.ReadStream(ctx, events.SealsStream, events.ReadOptions{}) {
		if err != nil {
			return Verification{}, err
		}
		if ev.Position <= end {
			seals = append(seals, ev)
		}
	}
	v, err := events.NewVerifier(events.VerifyOptions{Seals: seals, LogShape: events.ShapeOf(store)})
	if err != nil {
		return Verification{Problem: asProblem(err)}, nil
	}
	for ev, err := range store.ReadAll(ctx, 0) {
		if err != nil {
			return Verification{}, err
		}
		if ev.Position > end {
			break
		}
		if err := v.Check(ev); err != nil {
			return Verification{Problem: asProblem(err)}, nil
		}
	}
	sum, err := v.Finish()
	if err != nil {
		return Verification{Problem: asProblem(err)}, nil
	}
	return Verification{OK: true, Summary: &sum}, nil
}

func asProblem(err error) *events.Problem {
	p, _ := err.(*events.Problem)
	return p
}

// extraRoutes is where the other areas' routes join the table.
func (s *Server) extraRoutes() []Route {
	var all []Route
	for _, area := range [][]Route{
		s.scopeRoutes(), s.budgetRoutes(), s.scheduleRoutes(), s.vendorRoutes(), s.raidMoreRoutes(), s.workRoutes(), s.directoryRoutes(),
	} {
		all = append(all, area...)
	}
	return all
}
