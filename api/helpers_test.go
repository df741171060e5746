package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/stretchr/testify/require"
)

// fixture is a real server over a real SQLite file, on loopback.
type fixture struct {
	t      *testing.T
	store  *sqlite.Store
	server *api.Server
	http   *httptest.Server
	repo   *aggregates.Repository
	tokens map[string]string // role → token
}

// newFixture starts a server over an empty ledger with an admin token.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	return startFixture(t, filepath.Join(t.TempDir(), "ledger.db"))
}

// demoFixture starts a server over the demo ledger with a token per role
// (the vendor's is NordTel's).
func demoFixture(t *testing.T) *fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.db")
	clock := &demo.Clock{}
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Clock: clock.Now})
	require.NoError(t, err)
	_, err = demo.Seed(context.Background(), aggregates.NewRepository(s, events.NewCatalogue()), clock)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	f := startFixture(t, path)
	project := demo.ProjectID().String()
	for _, role := range []string{events.RolePM, events.RoleCoordinator, events.RoleContributor, events.RoleAuditor} {
		f.issue(role, project, "")
	}
	f.issue(events.RoleVendor, project, demo.VendorID("NordTel Carrier GmbH").String())
	return f
}

func startFixture(t *testing.T, path string) *fixture {
	t.Helper()
	store, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	require.NoError(t, err)
	srv := api.New(api.Config{Store: store, Clock: func() time.Time { return time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC) }, Metrics: api.NewMetrics()})
	f := &fixture{t: t, store: store, server: srv, http: httptest.NewServer(srv.Handler()),
		repo: aggregates.NewRepository(store, events.NewCatalogue()), tokens: map[string]string{}}
	t.Cleanup(func() {
		f.http.Close()
		require.NoError(t, store.Close())
	})
	f.issue(events.RoleAdmin, "", "")
	return f
}

// issue gives the fixture a token for role, as pledger token create would.
func (f *fixture) issue(role, project, vendor string) string {
	f.t.Helper()
	token, _, err := api.IssueToken(context.Background(), f.repo, aggregates.IssueToken{Name: role + "@example.com", Role: role, ProjectID: project, VendorID: vendor},
		aggregates.Meta{Actor: "test", Reason: "test fixture"})
	require.NoError(f.t, err)
	f.tokens[role] = token
	return token
}

// do sends a request as role ("" for none) and returns the status, headers and body.
func (f *fixture) do(role, method, path string, body any, headers ...string) (int, http.Header, []byte) {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(f.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, f.http.URL+path, rd)
	require.NoError(f.t, err)
	req.Header.Set("Content-Type", "application/json")
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return resp.StatusCode, resp.Header, data
}

// json sends a request and decodes the answer into out, requiring status.
func (f *fixture) json(role, method, path string, body any, status int, out any, headers ...string) http.Header {
	f.t.Helper()
	got, h, data := f.do(role, method, path, body, headers...)
	require.Equal(f.t, status, got, "%s %s: %s", method, path, data)
	if out != nil {
		require.NoError(f.t, json.Unmarshal(data, out), "%s", data)
	}
	return h
}
