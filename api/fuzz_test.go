package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
)

// FuzzDecodeCommand sends arbitrary bytes as the body of command routes,
// through the whole handler as an admin: the answer is never a 5xx and
// never a panic, a refusal is a problem, and only a body that is one JSON
// value is ever accepted.
func FuzzDecodeCommand(f *testing.F) {
	path := filepath.Join(f.TempDir(), "demo.db")
	clock := &demo.Clock{}
	store, err := sqlite.Open(context.Background(), path, sqlite.Options{Clock: clock.Now})
	if err != nil {
		f.Fatal(err)
	}
	repo := aggregates.NewRepository(store, events.NewCatalogue())
	if _, err := demo.Seed(context.Background(), repo, clock); err != nil {
		f.Fatal(err)
	}
	if err := store.Close(); err != nil {
		f.Fatal(err)
	}
	store, err = sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = store.Close() })
	repo = aggregates.NewRepository(store, events.NewCatalogue())
	srv := api.New(api.Config{Store: store, Clock: func() time.Time { return time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC) }})
	token, _, err := api.IssueToken(context.Background(), repo, aggregates.IssueToken{Name: "fuzz@example.com", Role: events.RoleAdmin},
		aggregates.Meta{Actor: "fuzz", Reason: "fuzzing"})
	if err != nil {
		f.Fatal(err)
	}

	base := "/v1/projects/" + demo.ProjectID().String()
	targets := []string{base + "/risks"}
	// The other route: an invoice (money, dates) if the table has it, else
	// a risk assessment (a date).
	second := base + "/risks/R-5/assessments"
	for _, r := range srv.Routes() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/contracts/:contractId/invoices") {
			second = base + "/contracts/C-1/invoices"
		}
	}
	targets = append(targets, second)
	served := map[string]bool{}
	for _, r := range srv.Routes() {
		served[r.Method+" "+r.Path] = true
	}
	if !served["POST /v1/projects/:id/risks"] {
		f.Fatal("no POST /v1/projects/:id/risks to fuzz")
	}

	for _, seed := range []string{
		`{"title":"Licences late","probability":3,"impact":4,"owner":"Procurement lead","review_date":"2026-09-15","reason":"fuzz seed"}`,
		`{"probability":2,"impact":2,"review_date":"2026-08-01"}`,
		`{"po_id":"PO-1","number":"NT-2026-0999","amount":{"minor":100000,"currency":"EUR"},"issued_on":"2026-06-30","reason":"fuzz seed"}`,
		`{"amount":{"minor":-1,"currency":"EURO"},"issued_on":"2026-02-30"}`,
		`{"amount":{"minor":1e309}}`,
		`{"amount":"EUR 10.00"}`,
		`{"title":"x","probability":9,"impact":1,"owner":"o"}`,
		`{"title":"x","probability":"high","impact":1,"owner":"o"}`,
		`{"title":"x","probability":1,"impact":1,"owner":"o","colour":"red"}`,
		`{"title":"x","probability":1,"impact":1,"owner":"o","effective_at":"not a time"}`,
		`{"title":"x","probability":1,"impact":1,"owner":"o","review_date":"2026-13-01"}`,
		`{"title":"x","probability":1,"impact":1,"owner":"o"}]`,
		`{"title":"x","probability":1,"impact":1,"owner":"o"} {}`,
		`{"title":"\u0000\ud800","probability":1,"impact":1,"owner":"o"}`,
		`{"title":"x","title":"y","probability":1,"impact":1,"owner":"o"}`,
		`{"probability":99999999999999999999}`,
		`[]`, `null`, `""`, `0`, `{`, `{oops`, ``, "\xff\xfe", `{"reason":{}}`,
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range targets {
			req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("POST %s %q: %d %s", target, body, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Fatalf("POST %s %q: %d with Content-Type %q", target, body, rec.Code, ct)
				}
				var p api.Problem
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code || p.Rule == "" {
					t.Fatalf("POST %s %q: %d, not a problem naming its rule: %s", target, body, rec.Code, rec.Body)
				}
				continue
			}
			if !json.Valid(body) {
				t.Fatalf("POST %s accepted a body that is not one JSON value: %q → %d %s", target, body, rec.Code, rec.Body)
			}
			var w api.Written
			if err := json.Unmarshal(rec.Body.Bytes(), &w); err != nil || len(w.Events) == 0 {
				t.Fatalf("POST %s %q: %d but not a write: %s", target, body, rec.Code, rec.Body)
			}
		}
	})
}
