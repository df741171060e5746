package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

func TestCharterRaiseAndRead(t *testing.T) {
	f := newFixture(t)
	var charter api.Written
	h := f.json("admin", http.MethodPost, "/v1/projects", map[string]any{"code": "CCX", "name": "Contact centre", "sponsor": "COO",
		"manager": "pm@example.com", "coordinator": "co@example.com", "start": "2026-09-01", "end": "2027-03-31", "currency": "EUR",
		"reason": "portfolio board"}, http.StatusCreated, &charter)
	require.Equal(t, "/v1/projects/"+charter.ID, h.Get("Location"))
	require.Equal(t, `"1"`, h.Get("ETag"))

	var risk api.Written
	h = f.json("admin", http.MethodPost, "/v1/projects/"+charter.ID+"/risks", map[string]any{"title": "Licences late", "probability": 3, "impact": 4,
		"owner": "Procurement lead", "review_date": "2026-09-15"}, http.StatusCreated, &risk, "X-Reason", "kick-off workshop")
	require.Equal(t, "R-1", risk.ID)
	item := risk.Item.(map[string]any)
	require.Equal(t, float64(12), item["score"], "the body holds the risk as the RAID log shows it")
	require.Equal(t, "open", item["status"])
	require.Equal(t, "/v1/projects/"+charter.ID+"/risks/R-1", h.Get("Location"))
	var ev map[string]any
	require.NoError(t, json.Unmarshal(risk.Events[0], &ev))
	require.Equal(t, "kick-off workshop", ev["reason"])
	require.Equal(t, "admin@example.com", ev["actor"])

	var raid struct {
		Risks []struct {
			ID    string `json:"id"`
			Score int    `json:"score"`
		} `json:"risks"`
	}
	h = f.json("admin", http.MethodGet, "/v1/projects/"+charter.ID+"/raid", nil, http.StatusOK, &raid)
	require.Equal(t, 12, raid.Risks[0].Score)
	require.Equal(t, `"2"`, h.Get("ETag"))
}

func TestProblemsNameTheFieldAndTheRule(t *testing.T) {
	f := demoFixture(t)
	base := "/v1/projects/" + demo.ProjectID().String()
	cases := []struct {
		name        string
		body        any
		status      int
		rule, field string
	}{
		{"out of range", map[string]any{"title": "x", "probability": 9, "impact": 1, "owner": "o"}, 422, "range_1_5", "probability"},
		{"unknown field", map[string]any{"title": "x", "probability": 1, "impact": 1, "owner": "o", "colour": "red"}, 400, "body.unknown_field", "colour"},
		{"wrong type", map[string]any{"title": "x", "probability": "high", "impact": 1, "owner": "o"}, 400, "body.type", "probability"},
		{"not json", "{oops", 400, "body.json", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, h, body := f.do("coordinator", http.MethodPost, base+"/risks", c.body)
			require.Equal(t, c.status, status, "%s", body)
			require.Equal(t, "application/problem+json", h.Get("Content-Type"))
			var p api.Problem
			require.NoError(t, json.Unmarshal(body, &p))
			require.Equal(t, c.rule, p.Rule)
			require.Equal(t, c.field, p.Field)
			require.True(t, strings.HasSuffix(p.Type, c.rule))
		})
	}
	status, _, _ := f.do("", http.MethodGet, base+"/raid", nil)
	require.Equal(t, http.StatusUnauthorized, status)
	status, _, _ = f.do("auditor", http.MethodPost, base+"/risks", map[string]any{"title": "x", "probability": 1, "impact": 1, "owner": "o"})
	require.Equal(t, http.StatusForbidden, status, "auditors write nothing")
	status, _, _ = f.do("vendor", http.MethodGet, base+"/raid", nil)
	require.Equal(t, http.StatusNotFound, status, "a vendor does not learn the RAID log exists")
}

func TestMetricsCountAppends(t *testing.T) {
	f := demoFixture(t)
	m := api.NewMetrics()
	srv := httptest.NewServer(api.New(api.Config{Store: m.Store(f.store), Metrics: m}).Handler())
	defer srv.Close()
	for _, c := range []struct {
		body   string
		status int
	}{
		{`{"title":"metered","probability":1,"impact":1,"owner":"o"}`, http.StatusCreated},
		{`{"title":"metered","probability":9,"impact":1,"owner":"o"}`, http.StatusUnprocessableEntity},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/projects/"+demo.ProjectID().String()+"/risks", strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+f.tokens["coordinator"])
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, c.status, resp.StatusCode)
	}
	resp, err := http.Get(srv.URL + "/no/such/route")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, err = http.Get(srv.URL + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(body), "pledger_events_appended_total 1")
	require.Contains(t, string(body), "pledger_append_duration_seconds_count 1")
	require.Contains(t, string(body), `pledger_http_requests_total{method="POST",route="/v1/projects/:id/risks",status="201"} 1`)
	require.Contains(t, string(body), `pledger_http_requests_total{method="POST",route="/v1/projects/:id/risks",status="422"} 1`, "a refusal counts with its status")
	require.Regexp(t, `pledger_http_requests_total\{method="GET",route="[^"]*",status="404"\} 1`, string(body))
}

// TestRunOnATakenPortFails: Run returns the listen error at once, without
// waiting for its context to end.
func TestRunOnATakenPortFails(t *testing.T) {
	f := demoFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	err = api.New(api.Config{Store: f.store}).Run(context.Background(), ln.Addr().String(), time.Second)
	require.ErrorContains(t, err, "address already in use")
	require.Eventually(t, func() bool {
		buf := make([]byte, 1<<20)
		return !strings.Contains(string(buf[:runtime.Stack(buf, true)]), "api.(*Server).Run.func")
	}, 5*time.Second, 10*time.Millisecond, "Run left its shutdown goroutine behind")
}

// TestCachedViewsKeepVendorsApart: the view cache never serves one vendor
// what it rendered for another, and a write makes the next read fresh.
func TestCachedViewsKeepVendorsApart(t *testing.T) {
	f := demoFixture(t)
	project := demo.ProjectID().String()
	base := "/v1/projects/" + project
	nordtel := demo.VendorID("NordTel Carrier GmbH").String()
	headsets := demo.VendorID("Headset Direct Ltd").String()
	f.tokens["headsets"] = f.issue(events.RoleVendor, project, headsets)
	f.issue(events.RoleVendor, project, nordtel) // "vendor" is NordTel again

	type vendorsView struct {
		Contracts []struct {
			VendorID string `json:"vendor_id"`
		} `json:"contracts"`
	}
	for round := range 2 { // the second round is answered from the cache
		for role, vendor := range map[string]string{events.RoleVendor: nordtel, "headsets": headsets} {
			var v vendorsView
			f.json(role, http.MethodGet, base+"/vendors", nil, http.StatusOK, &v)
			require.NotEmpty(t, v.Contracts, "round %d, %s", round, role)
			for _, c := range v.Contracts {
				require.Equal(t, vendor, c.VendorID, "round %d: %s sees only its own contracts", round, role)
			}
		}
	}

	var before, after struct {
		Risks []struct {
			ID string `json:"id"`
		} `json:"risks"`
	}
	f.json(events.RoleCoordinator, http.MethodGet, base+"/raid", nil, http.StatusOK, &before)
	f.json(events.RoleCoordinator, http.MethodPost, base+"/risks", map[string]any{"title": "cache", "probability": 1, "impact": 1, "owner": "o"}, http.StatusCreated, nil)
	f.json(events.RoleCoordinator, http.MethodGet, base+"/raid", nil, http.StatusOK, &after)
	require.Len(t, after.Risks, len(before.Risks)+1, "the read after a write shows it")
}
