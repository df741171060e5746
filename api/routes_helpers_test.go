package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

// rtStep is one POST of a route table test: who calls which route with
// what, and what must come back.
type rtStep struct {
	name    string
	role    string
	route   string            // the route's pattern, e.g. /v1/projects/:id/change-requests/:crId/approval
	params  map[string]string // its parameters other than :id
	body    any
	headers []string
	status  int
	id      string // on 201: the id created (a prefix if it ends in "-")
	rule    string // on a refusal: the problem's rule
	types   []string
}

// rtPath fills a route pattern in: :id is the project, the rest come from
// params, escaped.
func rtPath(t *testing.T, route, project string, params map[string]string) string {
	t.Helper()
	parts := strings.Split(route, "/")
	for i, p := range parts {
		name, ok := strings.CutPrefix(p, ":")
		if !ok {
			continue
		}
		v := project
		if name != "id" {
			v, ok = params[name]
			require.True(t, ok, "route %s needs :%s", route, name)
		}
		parts[i] = url.PathEscape(v)
	}
	return strings.Join(parts, "/")
}

// rtRun runs steps in order against project and returns what each success
// wrote, by step name.
func rtRun(t *testing.T, f *fixture, project string, steps []rtStep) map[string]api.Written {
	t.Helper()
	out := map[string]api.Written{}
	for _, st := range steps {
		path := rtPath(t, st.route, project, st.params)
		role := st.role
		status, h, body := f.do(role, http.MethodPost, path, st.body, st.headers...)
		require.Equal(t, st.status, status, "%s: POST %s as %s: %s", st.name, path, role, body)
		if status >= 400 {
			require.Equal(t, "application/problem+json", h.Get("Content-Type"), st.name)
			var p api.Problem
			require.NoError(t, json.Unmarshal(body, &p), st.name)
			if st.rule != "" {
				require.Equal(t, st.rule, p.Rule, "%s: %s", st.name, body)
			}
			continue
		}
		var w api.Written
		require.NoError(t, json.Unmarshal(body, &w), "%s: %s", st.name, body)
		require.NotEmpty(t, w.Events, st.name)
		require.NotEmpty(t, h.Get("ETag"), st.name)
		if status == http.StatusCreated {
			switch {
			case strings.HasSuffix(st.id, "-"):
				require.True(t, strings.HasPrefix(w.ID, st.id), "%s: id %q", st.name, w.ID)
			case st.id != "":
				require.Equal(t, st.id, w.ID, st.name)
			default:
				require.NotEmpty(t, w.ID, st.name)
			}
			require.Equal(t, path+"/"+url.PathEscape(w.ID), h.Get("Location"), st.name)
		} else {
			require.Empty(t, h.Get("Location"), st.name)
		}
		if st.types != nil {
			require.Equal(t, st.types, rtTypes(t, w), st.name)
		}
		out[st.name] = w
	}
	return out
}

// rtTypes are the types of the events a write appended, in order.
func rtTypes(t *testing.T, w api.Written) []string {
	t.Helper()
	var types []string
	for _, raw := range w.Events {
		var ev struct {
			Type string `json:"type"`
		}
		require.NoError(t, json.Unmarshal(raw, &ev))
		types = append(types, ev.Type)
	}
	return types
}

// rtT are the types of payloads, as a write's events carry them.
func rtT(payloads ...events.Payload) []string {
	types := make([]string, len(payloads))
	for i, p := range payloads {
		types[i] = p.EventType()
	}
	return types
}

// rtEvent decodes the i-th event a write appended.
func rtEvent(t *testing.T, w api.Written, i int) map[string]any {
	t.Helper()
	var ev map[string]any
	require.NoError(t, json.Unmarshal(w.Events[i], &ev))
	return ev
}

// rtCharter charters a fresh project as the admin, gives the fixture a
// token per role on it, and returns its id. It runs from 1 September 2026
// to 31 March 2027, in EUR.
func rtCharter(t *testing.T, f *fixture) string {
	t.Helper()
	var w api.Written
	f.json("admin", http.MethodPost, "/v1/projects", map[string]any{"code": "NEW", "name": "New project", "sponsor": "COO",
		"manager": "pm@example.com", "coordinator": "coordinator@example.com", "start": "2026-09-01", "end": "2027-03-31", "currency": "EUR"},
		http.StatusCreated, &w)
	for _, role := range []string{events.RolePM, events.RoleCoordinator, events.RoleContributor, events.RoleAuditor} {
		f.issue(role, w.ID, "")
	}
	return w.ID
}

// rtGet reads a view of project into out.
func rtGet(t *testing.T, f *fixture, project, view string, out any) {
	t.Helper()
	f.json("auditor", http.MethodGet, "/v1/projects/"+project+view, nil, http.StatusOK, out)
}

// rtEUR is an amount of whole euros as a request sends it.
func rtEUR(euros int64) map[string]any {
	return map[string]any{"minor": euros * 100, "currency": "EUR"}
}

// rtP is a route's parameters.
type rtP = map[string]string

// rtB is a request body.
type rtB = map[string]any
