package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

// charter makes a project on f's ledger and returns its id.
func charter(t *testing.T, f *fixture) string {
	t.Helper()
	var w api.Written
	f.json(events.RoleAdmin, http.MethodPost, "/v1/projects", map[string]any{"code": "PRT", "name": "Protocol", "sponsor": "COO",
		"manager": "pm@example.com", "coordinator": "co@example.com", "start": "2026-09-01", "end": "2027-03-31", "currency": "EUR",
		"reason": "protocol test"}, http.StatusCreated, &w)
	return w.ID
}

// streamEvents returns the events of a project's stream.
func streamEvents(t *testing.T, f *fixture, project string) []events.Event {
	t.Helper()
	var out []events.Event
	for ev, err := range f.store.ReadStream(context.Background(), "project-"+project, events.ReadOptions{}) {
		require.NoError(t, err)
		out = append(out, ev)
	}
	return out
}

func riskBody(title string) map[string]any {
	return map[string]any{"title": title, "probability": 2, "impact": 3, "owner": "Network lead", "reason": "protocol test"}
}

func TestIdempotencyKey(t *testing.T) {
	f := newFixture(t)
	project := charter(t, f)
	risks := "/v1/projects/" + project + "/risks"
	before := len(streamEvents(t, f, project))

	status1, h1, body1 := f.do(events.RoleAdmin, http.MethodPost, risks, riskBody("Porting freeze"), "Idempotency-Key", "meeting-2026-09-03-item-4")
	require.Equal(t, http.StatusCreated, status1, "%s", body1)
	status2, h2, body2 := f.do(events.RoleAdmin, http.MethodPost, risks, riskBody("Porting freeze"), "Idempotency-Key", "meeting-2026-09-03-item-4")
	require.Equal(t, status1, status2, "%s", body2)
	require.JSONEq(t, string(body1), string(body2), "a retry gets the first answer")
	require.Equal(t, h1.Get("ETag"), h2.Get("ETag"))
	require.Equal(t, h1.Get("Location"), h2.Get("Location"))
	require.Len(t, streamEvents(t, f, project), before+1, "a retry appends nothing")

	// A retry is recognised even when the body differs (the key names the
	// command, not its content) — it answers what the first run did.
	status3, _, body3 := f.do(events.RoleAdmin, http.MethodPost, risks, riskBody("Porting freeze (typo fixed)"), "Idempotency-Key", "meeting-2026-09-03-item-4")
	require.Equal(t, status1, status3)
	require.JSONEq(t, string(body1), string(body3))
	require.Len(t, streamEvents(t, f, project), before+1)

	// Another key is another command.
	var second api.Written
	f.json(events.RoleAdmin, http.MethodPost, risks, riskBody("Porting freeze"), http.StatusCreated, &second, "Idempotency-Key", "meeting-2026-09-03-item-5")
	var first api.Written
	require.NoError(t, json.Unmarshal(body1, &first))
	require.NotEqual(t, first.ID, second.ID)
	require.Len(t, streamEvents(t, f, project), before+2)

	// The same key from another caller is that caller's own command.
	f.issue(events.RoleCoordinator, project, "")
	f.json(events.RoleCoordinator, http.MethodPost, risks, riskBody("Porting freeze"), http.StatusCreated, nil, "Idempotency-Key", "meeting-2026-09-03-item-4")
	require.Len(t, streamEvents(t, f, project), before+3)

	// A retry of a write that carried If-Match: the first run moved the
	// version on, but the retry is recognised, not refused as stale.
	_, h, _ := f.do(events.RoleAdmin, http.MethodGet, "/v1/projects/"+project+"/raid", nil)
	current := h.Get("ETag")
	s1, _, b1 := f.do(events.RoleAdmin, http.MethodPost, risks, riskBody("Licences late"), "Idempotency-Key", "k-if-match", "If-Match", current)
	require.Equal(t, http.StatusCreated, s1, "%s", b1)
	s2, _, b2 := f.do(events.RoleAdmin, http.MethodPost, risks, riskBody("Licences late"), "Idempotency-Key", "k-if-match", "If-Match", current)
	require.Equal(t, http.StatusCreated, s2, "%s", b2)
	require.JSONEq(t, string(b1), string(b2))
	require.Len(t, streamEvents(t, f, project), before+4)
}

func TestIfMatch(t *testing.T) {
	f := newFixture(t)
	project := charter(t, f)
	base := "/v1/projects/" + project
	_, h, _ := f.do(events.RoleAdmin, http.MethodGet, base+"/raid", nil)
	etag := h.Get("ETag")
	version := len(streamEvents(t, f, project))
	require.Equal(t, strconv.Quote(strconv.Itoa(version)), etag)
	f.json(events.RoleAdmin, http.MethodPost, base+"/risks", riskBody("First"), http.StatusCreated, nil) // someone else writes

	// The ETag the client saw is stale now: refused, nothing written.
	status, h, body := f.do(events.RoleAdmin, http.MethodPost, base+"/risks", riskBody("Second"), "If-Match", etag)
	require.Equal(t, http.StatusPreconditionFailed, status, "%s", body)
	require.Equal(t, "application/problem+json", h.Get("Content-Type"))
	var p api.Problem
	require.NoError(t, json.Unmarshal(body, &p))
	require.Equal(t, "version.stale", p.Rule)
	require.Equal(t, http.StatusPreconditionFailed, p.Status)
	require.Len(t, streamEvents(t, f, project), version+1, "a stale write writes nothing")

	// With the current ETag from a read, it goes through; its answer's ETag
	// is the next one to send.
	_, h, _ = f.do(events.RoleAdmin, http.MethodGet, base+"/raid", nil)
	etag = h.Get("ETag")
	require.Equal(t, strconv.Quote(strconv.Itoa(version+1)), etag)
	var w api.Written
	h = f.json(events.RoleAdmin, http.MethodPost, base+"/risks", riskBody("Second"), http.StatusCreated, &w, "If-Match", etag)
	require.Equal(t, uint64(version+2), w.Version)
	require.Equal(t, strconv.Quote(strconv.Itoa(version+2)), h.Get("ETag"))
	// The weak form of the same ETag is accepted too.
	f.json(events.RoleAdmin, http.MethodPost, base+"/risks/"+w.ID+"/owner", map[string]any{"owner": "Security architect"}, http.StatusOK, nil,
		"If-Match", "W/"+h.Get("ETag"))
	require.Len(t, streamEvents(t, f, project), version+3)

	// An If-Match the API never sent is a bad request, not a conflict.
	status, _, body = f.do(events.RoleAdmin, http.MethodPost, base+"/risks", riskBody("Third"), "If-Match", "yesterday")
	require.Equal(t, http.StatusBadRequest, status, "%s", body)
	require.NoError(t, json.Unmarshal(body, &p))
	require.Equal(t, "if_match", p.Rule)
	require.Len(t, streamEvents(t, f, project), version+3)
}

func TestBodyOverTheLimit(t *testing.T) {
	f := newFixture(t)
	project := charter(t, f)
	risks := f.http.URL + "/v1/projects/" + project + "/risks"
	before := len(streamEvents(t, f, project))
	const limit = 1 << 20 // the default
	big := func(n int) []byte {
		prefix := `{"title":"`
		suffix := `","probability":1,"impact":1,"owner":"o"}`
		return []byte(prefix + strings.Repeat("x", n-len(prefix)-len(suffix)) + suffix)
	}

	send := func(body io.Reader, length int64) (int, api.Problem) {
		req, err := http.NewRequest(http.MethodPost, risks, body)
		require.NoError(t, err)
		req.ContentLength = length
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+f.tokens[events.RoleAdmin])
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var p api.Problem
		if resp.StatusCode >= 400 {
			require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
			require.NoError(t, json.Unmarshal(data, &p), "%s", data)
		}
		return resp.StatusCode, p
	}
	// Declared too long: refused before anything reads it.
	status, p := send(bytes.NewReader(big(limit+1)), limit+1)
	require.Equal(t, http.StatusRequestEntityTooLarge, status)
	require.Equal(t, "body.too_large", p.Rule)
	// Chunked, with no length: refused when the reading passes the limit.
	status, p = send(io.MultiReader(bytes.NewReader(big(limit+1))), -1)
	require.Equal(t, http.StatusRequestEntityTooLarge, status)
	require.Equal(t, "body.too_large", p.Rule)
	require.Len(t, streamEvents(t, f, project), before, "nothing written")
	// At the limit it is read (and judged on its content).
	status, _ = send(bytes.NewReader(big(limit)), limit)
	require.NotEqual(t, http.StatusRequestEntityTooLarge, status)
}

// TestReadETagIsTheStreamVersion: every project view (generated from the
// route table) answers with the project stream's version as its ETag, now
// and as of an earlier position.
func TestReadETagIsTheStreamVersion(t *testing.T) {
	f := matrixFixture(t)
	ids := newDemoIDs(t, f)
	project := demo.ProjectID().String()
	evs := streamEvents(t, f, project)
	require.NotEmpty(t, evs)
	now := evs[len(evs)-1].Version
	mid := evs[len(evs)/2]

	// Values for the query parameters a summary asks for ("?days=N").
	values := map[string]string{"days": "7", "from": "2026-06-01", "vendor": ids.own["vendor"]}
	ask := regexp.MustCompile(`[?&]([a-z_]+)=`)
	checked := 0
	for _, r := range f.server.Routes() {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, "/v1/projects/:id/") {
			continue
		}
		path, _ := ids.fill(r.Path, ids.own)
		q := url.Values{}
		ownEnd := false // the route names its own end (?to=) and ignores as_of
		for _, m := range ask.FindAllStringSubmatch(r.Summary, -1) {
			if v, ok := values[m[1]]; ok {
				q.Set(m[1], v)
			}
			ownEnd = ownEnd || m[1] == "to"
		}
		status, h, body := f.do(events.RoleAdmin, http.MethodGet, path+"?"+q.Encode(), nil)
		if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Logf("%s %s: %d, not checked", r.Method, path, status)
			continue
		}
		// A view says which version it reflects; its ETag must say the same.
		// An answer without a version (a page of the log) may go without.
		var v struct {
			Version *uint64 `json:"version"`
		}
		_ = json.Unmarshal(body, &v)
		if v.Version == nil && h.Get("ETag") == "" {
			t.Logf("%s: no version and no ETag, not checked", r.Path)
			continue
		}
		checked++
		require.Equal(t, strconv.Quote(fmt.Sprint(now)), h.Get("ETag"), "%s: %s", r.Path, body[:min(len(body), 200)])
		if v.Version != nil && !ownEnd {
			require.Equal(t, now, *v.Version, r.Path)
		}
		if ownEnd {
			continue
		}
		q.Set("as_of", fmt.Sprintf("pos:%d", mid.Position))
		status, h, body = f.do(events.RoleAdmin, http.MethodGet, path+"?"+q.Encode(), nil)
		if status == http.StatusNotFound {
			continue // the item did not exist yet
		}
		require.Equal(t, http.StatusOK, status, "%s as of pos:%d: %s", r.Path, mid.Position, body)
		require.Equal(t, strconv.Quote(fmt.Sprint(mid.Version)), h.Get("ETag"), "%s as of pos:%d", r.Path, mid.Position)
	}
	require.GreaterOrEqual(t, checked, 5, "the views were checked")
}

// TestUnknownRoutesAreProblems: what the router does not serve is answered
// as a problem too.
func TestUnknownRoutesAreProblems(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/v1/nothing-here", http.StatusNotFound},
		{http.MethodDelete, "/v1/projects", http.StatusMethodNotAllowed},
		{http.MethodGet, "/v1/projects/" + uuid.NewString() + "/raid", http.StatusNotFound},
		{http.MethodGet, "/v1/projects/not-a-uuid/raid", http.StatusNotFound},
	} {
		status, h, body := f.do(events.RoleAdmin, c.method, c.path, nil)
		require.Equal(t, c.status, status, "%s %s: %s", c.method, c.path, body)
		require.Equal(t, "application/problem+json", h.Get("Content-Type"), "%s %s", c.method, c.path)
		if strings.HasPrefix(c.path, "/v1/projects/") {
			var p api.Problem
			require.NoError(t, json.Unmarshal(body, &p))
			require.Equal(t, "not_found", p.Rule, "a project that does not exist answers as one the caller may not see")
		}
	}
}
