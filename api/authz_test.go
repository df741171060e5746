package api_test

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The callers of the authorization matrix, by their key in fixture.tokens.
const (
	callerOther = "other" // an admin token scoped to another project
	callerBogus = "bogus" // a token the server never issued
	callerNone  = ""      // no Authorization header
)

var matrixCallers = []string{callerNone, callerBogus, callerOther, events.RoleVendor, events.RoleAuditor,
	events.RoleContributor, events.RoleCoordinator, events.RolePM, events.RoleAdmin}

// demoIDs fills path parameters with real ids of the demo project: the
// vendor's own where the vendor has one, so that "a vendor gets 404" can be
// told apart from "there is no such thing".
type demoIDs struct {
	own    map[string]string // param (normalised) → an id the NordTel vendor owns
	others map[string]string // param (normalised) → the same kind of id, another vendor's
	fixed  map[string]string // param (normalised) → a demo id of a non-vendor item
}

// normParam makes riskId, risk_id and RiskID the same key: "risk".
func normParam(name string) string {
	n := strings.ToLower(strings.ReplaceAll(name, "_", ""))
	if n != "id" {
		n = strings.TrimSuffix(n, "id")
	}
	return n
}

func newDemoIDs(t *testing.T, f *fixture) demoIDs {
	t.Helper()
	base := "/v1/projects/" + demo.ProjectID().String()
	type vendorsView struct {
		Contracts []struct {
			ID             string `json:"id"`
			VendorID       string `json:"vendor_id"`
			PurchaseOrders []struct {
				ID string `json:"id"`
			} `json:"purchase_orders"`
			Deliverables []struct {
				ID string `json:"id"`
			} `json:"deliverables"`
		} `json:"contracts"`
		Invoices []struct {
			ID         string `json:"id"`
			ContractID string `json:"contract_id"`
		} `json:"invoices"`
	}
	var mine, all vendorsView
	f.json(events.RoleVendor, http.MethodGet, base+"/vendors", nil, http.StatusOK, &mine)
	f.json(events.RoleAdmin, http.MethodGet, base+"/vendors", nil, http.StatusOK, &all)
	nordtel := demo.VendorID("NordTel Carrier GmbH").String()
	require.NotEmpty(t, mine.Contracts, "the demo vendor has a contract")

	ids := demoIDs{own: map[string]string{"vendor": nordtel}, others: map[string]string{}, fixed: map[string]string{
		"risk": "R-5", "issue": "I-3", "assumption": "A-3", "dependency": "D-3", "cr": "CR-1", "change": "CR-1", "changerequest": "CR-1",
		"milestone": "M-1", "task": "T-1", "action": "AI-1", "actionitem": "AI-1", "decision": "DEC-1", "document": "DOC-1", "doc": "DOC-1",
		"meeting": "MTG-1", "report": "SR-1", "entry": "AC-1", "item": "R-5", "ref": "R-5", "criterion": "K-1", "category": "labour",
		"assignment": "RA-1", "scope": "S-1", "scopeitem": "S-1", "grant": "G-1",
		// Never a real token: a revocation must not take away a caller of the matrix.
		"token":  "TK-999",
		"person": demo.PersonID("petra.maier@example.com").String(),
	}}
	for _, c := range all.Contracts {
		set := ids.others
		if c.VendorID == nordtel {
			set = ids.own
		} else if _, ok := set["vendor"]; !ok {
			set["vendor"] = c.VendorID
		}
		first := func(key, id string) {
			if _, ok := set[key]; !ok && id != "" {
				set[key] = id
			}
		}
		first("contract", c.ID)
		for _, po := range c.PurchaseOrders {
			first("po", po.ID)
			first("purchaseorder", po.ID)
		}
		for _, d := range c.Deliverables {
			first("deliverable", d.ID)
		}
		for _, inv := range all.Invoices {
			if inv.ContractID == c.ID {
				first("invoice", inv.ID)
			}
		}
	}
	// What the vendor's own view shows is what it owns.
	for _, c := range mine.Contracts {
		require.Equal(t, nordtel, c.VendorID)
		require.Equal(t, ids.own["contract"], c.ID)
	}
	return ids
}

var (
	echoParamRE  = regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	projectRoute = regexp.MustCompile(`/:id(/|$)`) // the token's project must match :id
)

// fill puts ids into r's path. vendorSet picks the vendor ids (own or
// others); it reports whether every parameter got a vendor-owned or
// project id (so a 404 would be an access answer, not a missing item).
func (ids demoIDs) fill(path string, vendorSet map[string]string) (string, bool) {
	all := true
	out := echoParamRE.ReplaceAllStringFunc(path, func(m string) string {
		name := normParam(m[1:])
		if name == "id" {
			return demo.ProjectID().String()
		}
		if id, ok := vendorSet[name]; ok {
			return id
		}
		all = false
		if id, ok := ids.fixed[name]; ok {
			return id
		}
		return "X-1" // a bogus id: the access decision comes first
	})
	return out, all
}

// usesVendorParam reports whether a path names a vendor's resource.
func (ids demoIDs) usesVendorParam(path string) bool {
	for _, m := range echoParamRE.FindAllStringSubmatch(path, -1) {
		if _, ok := ids.own[normParam(m[1])]; ok {
			return true
		}
	}
	return false
}

// matrixFixture is the demo with a token per caller of the matrix.
func matrixFixture(t *testing.T) *fixture {
	t.Helper()
	f := demoFixture(t)
	issueAs(t, f, callerOther, events.RoleAdmin, uuid.NewString(), "")
	f.tokens[callerBogus] = "plg_" + strings.Repeat("A", 43)
	return f
}

// issueAs issues a token and keeps it in f.tokens under key; it returns
// the token's id.
func issueAs(t *testing.T, f *fixture, key, role, project, vendor string) string {
	t.Helper()
	token, id, err := api.IssueToken(context.Background(), f.repo, aggregates.IssueToken{Name: key + "@example.com", Role: role,
		ProjectID: project, VendorID: vendor}, aggregates.Meta{Actor: "test", Reason: "test fixture"})
	require.NoError(t, err)
	f.tokens[key] = token
	return id
}

// send is fixture.do for any route: a stream (server-sent events) is
// judged by its status and headers, not read to its end.
func send(t *testing.T, f *fixture, who, method, path string, body any) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(t, err)
		rd = strings.NewReader(string(data))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, f.http.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if who != callerNone {
		req.Header.Set("Authorization", "Bearer "+f.tokens[who])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "%s %s", method, path)
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp.StatusCode, resp.Header, nil
	}
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, data
}

// sampleBody is a plausible body for a request type: every field set to a
// value of its kind, so a command gets past validation to the lookup of
// what it names.
func sampleBody(t *testing.T, req any) any {
	t.Helper()
	if req == nil {
		return nil
	}
	v := reflect.New(reflect.TypeOf(req)).Elem()
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Interface().(type) {
		case events.Date:
			v.Set(reflect.ValueOf(events.NewDate(2026, 6, 30)))
			return
		case events.Money:
			v.Set(reflect.ValueOf(events.Money{Minor: 10000, Currency: "EUR"}))
			return
		case time.Time:
			v.Set(reflect.ValueOf(time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)))
			return
		case json.RawMessage:
			v.Set(reflect.ValueOf(json.RawMessage(`{}`)))
			return
		}
		switch v.Kind() {
		case reflect.String:
			v.SetString("sample")
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			v.SetInt(1)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			v.SetUint(1)
		case reflect.Float32, reflect.Float64:
			v.SetFloat(1)
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					fill(v.Field(i))
				}
			}
		case reflect.Slice:
			s := reflect.MakeSlice(v.Type(), 1, 1)
			fill(s.Index(0))
			v.Set(s)
		}
	}
	fill(v)
	data, err := json.Marshal(v.Interface())
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.Unmarshal(data, &body))
	delete(body, "effective_at")
	return body
}

// bodyFor is what the matrix sends: an empty object to every write (the
// access decision happens before decoding, and an empty command writes
// nothing).
func bodyFor(method string) any {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return "{}"
	}
	return nil
}

// TestAuthorizationMatrix sends every route of the table as every kind of
// caller and checks the access decision. It is generated from the route
// table: a new route is in it without anyone adding it.
func TestAuthorizationMatrix(t *testing.T) {
	f := matrixFixture(t)
	ids := newDemoIDs(t, f)
	routes := f.server.Routes()
	require.NotEmpty(t, routes)
	vendorRoutes := 0
	for _, r := range routes {
		path, ownOnly := ids.fill(r.Path, ids.own)
		project := projectRoute.MatchString(r.Path)
		if r.Vendor {
			vendorRoutes++
		}
		// DESIGN.md decision 9: auditors are read-only; every route is for someone.
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			require.NotContains(t, r.Roles, events.RoleAuditor, "%s %s: auditors write nothing", r.Method, r.Path)
		}
		require.True(t, r.Public || len(r.Roles) > 0 || r.Vendor, "%s %s: no one may call it", r.Method, r.Path)
		for _, who := range matrixCallers {
			status, h, body := send(t, f, who, r.Method, path, bodyFor(r.Method))
			where := r.Method + " " + r.Path + " as " + callerName(who)
			if status == http.StatusServiceUnavailable {
				// A feature this server was not configured with (the live feed).
				require.False(t, r.Public && who != callerNone, where)
			} else {
				require.Less(t, status, 500, "%s: %s", where, body)
			}
			if status >= 400 {
				require.Equal(t, "application/problem+json", h.Get("Content-Type"), "%s: %s", where, body)
			}
			notDenied := func() {
				require.NotEqual(t, http.StatusUnauthorized, status, "%s: %s", where, body)
				require.NotEqual(t, http.StatusForbidden, status, "%s: %s", where, body)
			}
			switch {
			case r.Public:
				notDenied()
			case who == callerNone || who == callerBogus:
				require.Equal(t, http.StatusUnauthorized, status, "%s: %s", where, body)
				require.NotEmpty(t, h.Get("WWW-Authenticate"), where)
			case who == events.RoleVendor && !r.Vendor:
				require.Equal(t, http.StatusNotFound, status, "%s: a vendor must not learn the route exists: %s", where, body)
				requireHidden(t, body, where)
			case who == events.RoleVendor:
				notDenied()
				if ownOnly {
					require.NotEqual(t, http.StatusNotFound, status, "%s: the vendor's own resource: %s", where, body)
				}
			case who == callerOther && project:
				require.Equal(t, http.StatusNotFound, status, "%s: another project's token: %s", where, body)
				requireHidden(t, body, where)
			case who == callerOther:
				if slices.Contains(r.Roles, events.RoleAdmin) {
					require.NotEqual(t, http.StatusUnauthorized, status, "%s: %s", where, body)
				} else {
					require.Equal(t, http.StatusForbidden, status, "%s: %s", where, body)
				}
			case slices.Contains(r.Roles, who) && status == http.StatusForbidden && !project && who != events.RoleAdmin:
				// Every role's token but the admin's is scoped to the demo
				// project; a route beyond projects may refuse that scope
				// (chartering another project), but not the role.
				var p api.Problem
				require.NoError(t, json.Unmarshal(body, &p))
				require.Equal(t, "auth.project_token", p.Rule, "%s: %s", where, body)
			case slices.Contains(r.Roles, who):
				notDenied()
			default:
				require.Equal(t, http.StatusForbidden, status, "%s: %s", where, body)
				var p api.Problem
				require.NoError(t, json.Unmarshal(body, &p))
				require.Equal(t, "auth.role", p.Rule, where)
			}
		}
	}
	require.NotZero(t, vendorRoutes, "some route is open to vendors")
}

// requireHidden checks a 404 is the one a project that does not exist
// gets, so it tells the caller nothing.
func requireHidden(t *testing.T, body []byte, where string) {
	t.Helper()
	var p api.Problem
	require.NoError(t, json.Unmarshal(body, &p), where)
	require.Equal(t, "not_found", p.Rule, "%s: %s", where, body)
}

func callerName(who string) string {
	if who == callerNone {
		return "no token"
	}
	return who
}

// TestVendorSeesOnlyItsOwn: on every vendor route that names a vendor's
// resource, another vendor's resource is a 404, as if it did not exist.
func TestVendorSeesOnlyItsOwn(t *testing.T) {
	f := matrixFixture(t)
	ids := newDemoIDs(t, f)
	base := "/v1/projects/" + demo.ProjectID().String()
	for _, r := range f.server.Routes() {
		if !r.Vendor || !ids.usesVendorParam(r.Path) {
			continue
		}
		path, _ := ids.fill(r.Path, ids.others)
		status, _, body := send(t, f, events.RoleVendor, r.Method, path, bodyFor(r.Method))
		require.Equal(t, http.StatusNotFound, status, "%s %s as NordTel with another vendor's ids: %s", r.Method, path, body)
	}

	// One foreign id among the vendor's own is answered exactly as an id
	// that does not exist: nothing tells the vendor it is there.
	for _, r := range f.server.Routes() {
		if !r.Vendor {
			continue
		}
		for _, m := range echoParamRE.FindAllStringSubmatch(r.Path, -1) {
			name := normParam(m[1])
			if _, ok := ids.others[name]; !ok {
				continue
			}
			swap := func(id string) map[string]string {
				set := maps.Clone(ids.own)
				set[name] = id
				return set
			}
			foreign, _ := ids.fill(r.Path, swap(ids.others[name]))
			missing, _ := ids.fill(r.Path, swap("X-999"))
			body := sampleBody(t, r.Request)
			fs, _, fb := send(t, f, events.RoleVendor, r.Method, foreign, body)
			ms, _, mb := send(t, f, events.RoleVendor, r.Method, missing, body)
			t.Logf("%s %s, another vendor's %s: %d %s", r.Method, r.Path, m[1], fs, fb)
			require.Equal(t, ms, fs, "%s with another vendor's %s: %s; with none: %s", r.Path, m[1], fb, mb)
			var fp, mp api.Problem
			_ = json.Unmarshal(fb, &fp)
			_ = json.Unmarshal(mb, &mp)
			require.Equal(t, mp.Rule, fp.Rule, "%s with another vendor's %s: %s; with none: %s", r.Path, m[1], fb, mb)
		}
	}

	// The views open to vendors show their own contracts and invoices only.
	var mine struct {
		Contracts []struct {
			VendorID string `json:"vendor_id"`
		} `json:"contracts"`
		Invoices []struct {
			ContractID string `json:"contract_id"`
		} `json:"invoices"`
	}
	f.json(events.RoleVendor, http.MethodGet, base+"/vendors", nil, http.StatusOK, &mine)
	require.Len(t, mine.Contracts, 1)
	for _, inv := range mine.Invoices {
		require.Equal(t, ids.own["contract"], inv.ContractID)
	}
	var dossier struct {
		VendorID string `json:"vendor_id"`
	}
	f.json(events.RoleVendor, http.MethodGet, base+"/dossier", nil, http.StatusOK, &dossier)
	require.Equal(t, ids.own["vendor"], dossier.VendorID)
	for _, q := range []string{"?vendor=" + ids.others["vendor"], "?contract=" + ids.others["contract"]} {
		status, _, body := f.do(events.RoleVendor, http.MethodGet, base+"/dossier"+q, nil)
		require.Equal(t, http.StatusNotFound, status, "dossier%s: %s", q, body)
	}
	// Routes that are not for vendors do not exist for them.
	status, _, _ := f.do(events.RoleVendor, http.MethodGet, "/v1/projects", nil)
	require.Equal(t, http.StatusNotFound, status)
}

// TestVendorDossierHidesOtherVendors: asked for another vendor's contract,
// the dossier answers exactly as for a contract that does not exist.
func TestVendorDossierHidesOtherVendors(t *testing.T) {
	f := matrixFixture(t)
	ids := newDemoIDs(t, f)
	base := "/v1/projects/" + demo.ProjectID().String()
	var foreign, missing api.Problem
	f.json(events.RoleVendor, http.MethodGet, base+"/dossier?contract="+ids.others["contract"], nil, http.StatusNotFound, &foreign)
	f.json(events.RoleVendor, http.MethodGet, base+"/dossier?contract=C-999", nil, http.StatusNotFound, &missing)
	assert.Equal(t, missing.Rule, foreign.Rule, "a vendor tells another vendor's contract from none by the problem's rule")
	assert.Equal(t, strings.ReplaceAll(missing.Detail, "C-999", ids.others["contract"]), foreign.Detail,
		"a vendor tells another vendor's contract from none by the problem's detail")
}

// TestRevokedTokenIsRefused: a revocation takes effect on the next request.
func TestRevokedTokenIsRefused(t *testing.T) {
	f := demoFixture(t)
	base := "/v1/projects/" + demo.ProjectID().String()
	tokenID := issueAs(t, f, "leaver", events.RolePM, demo.ProjectID().String(), "")
	f.json("leaver", http.MethodGet, base+"/raid", nil, http.StatusOK, nil)
	f.json(events.RoleAdmin, http.MethodPost, "/v1/tokens/"+tokenID+"/revocation", map[string]any{"reason": "left the project"}, http.StatusOK, nil)
	status, h, _ := f.do("leaver", http.MethodGet, base+"/raid", nil)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, h.Get("WWW-Authenticate"), "invalid_token")
}

// TestProjectTokenCannotReachBeyondItsProject: a token scoped to one
// project — even an admin's — must not mint, list or revoke tokens for
// other projects or for the whole ledger, or it is a way out of its scope.
func TestProjectTokenCannotReachBeyondItsProject(t *testing.T) {
	f := matrixFixture(t)
	issueAs(t, f, "scoped-admin", events.RoleAdmin, demo.ProjectID().String(), "")

	// Every write outside a project (generated from the table) refuses a
	// project's token before it reads the body.
	for _, r := range f.server.Routes() {
		if r.Public || projectRoute.MatchString(r.Path) || r.Method == http.MethodGet || r.Method == http.MethodHead {
			continue
		}
		path := echoParamRE.ReplaceAllString(r.Path, "X-999")
		status, _, body := send(t, f, "scoped-admin", r.Method, path, sampleBody(t, r.Request))
		var p api.Problem
		_ = json.Unmarshal(body, &p)
		assert.True(t, status == http.StatusForbidden || status == http.StatusNotFound && p.Rule == "not_found",
			"%s %s beyond the project with a project admin's token: %d %s", r.Method, r.Path, status, body)
	}

	for _, body := range []map[string]any{
		{"name": "escalated@example.com", "role": "admin", "reason": "escalation"},                                 // a global admin
		{"name": "elsewhere@example.com", "role": "admin", "project_id": uuid.NewString(), "reason": "escalation"}, // another project's admin
	} {
		status, _, resp := f.do("scoped-admin", http.MethodPost, "/v1/tokens", body)
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status,
			"a project admin minted a token beyond its project (project_id %v): %s", body["project_id"], resp)
	}

	var listed []struct {
		TokenID   string `json:"token_id"`
		ProjectID string `json:"project_id"`
	}
	status, _, resp := f.do("scoped-admin", http.MethodGet, "/v1/tokens", nil)
	if status == http.StatusOK {
		require.NoError(t, json.Unmarshal(resp, &listed))
		for _, tok := range listed {
			assert.Equal(t, demo.ProjectID().String(), tok.ProjectID, "a project admin sees token %s of project %q", tok.TokenID, tok.ProjectID)
		}
	}

	victim := issueAs(t, f, "victim", events.RoleAuditor, uuid.NewString(), "")
	status, _, resp = f.do("scoped-admin", http.MethodPost, "/v1/tokens/"+victim+"/revocation", map[string]any{"reason": "sabotage"})
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, status, "a project admin revoked another project's token: %s", resp)
}
