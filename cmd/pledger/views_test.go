package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// demoLedger writes the demo into a new ledger, as a user would.
func demoLedger(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.db")
	mustCLI(t, "demo", "--db", db)
	return db
}

// viewJSON runs a view command with --json and decodes the result.
func viewJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, append(args, "--json")...)), v))
}

func TestEveryViewFromTheCLI(t *testing.T) {
	db := demoLedger(t)
	type header struct {
		Code    string `json:"code"`
		AsOf    string `json:"as_of"`
		Today   string `json:"today"`
		Version uint64 `json:"version"`
	}
	for _, view := range []string{"raid", "budget", "schedule", "vendors", "decisions", "changes", "actions", "documents", "team", "attention"} {
		t.Run(view, func(t *testing.T) {
			var now, then header
			viewJSON(t, &now, view, "--db", db)
			viewJSON(t, &then, view, "--db", db, "--project", "TPM", "--as-of", "2026-04-14")
			require.Equal(t, "TPM", now.Code)
			require.Equal(t, "now", now.AsOf)
			require.Equal(t, "2026-04-14", then.Today, "time-relative fields are computed for the day asked about")
			require.Less(t, then.Version, now.Version, "as of 14 April the ledger knew less")
			text := mustCLI(t, view, "--db", db, "--as-of", "2026-04-14")
			require.Contains(t, text, "TPM Teams Phone migration (as of 2026-04-14")
		})
	}
}

func TestViewAnswersFromTheCLI(t *testing.T) {
	db := demoLedger(t)

	var budget struct {
		Categories []struct {
			Category string `json:"category"`
			Approved int64  `json:"approved"`
		} `json:"categories"`
		EVM struct {
			BAC int64 `json:"bac"`
		} `json:"evm"`
	}
	viewJSON(t, &budget, "budget", "--db", db, "--as-of", "2026-04-13")
	require.Equal(t, "services", budget.Categories[3].Category)
	require.Equal(t, int64(15_000_000), budget.Categories[3].Approved, "before CR-1 was implemented on 14 April")
	viewJSON(t, &budget, "budget", "--db", db, "--as-of", "2026-04-14")
	require.Equal(t, int64(16_800_000), budget.Categories[3].Approved, "CR-1 moved 18,000 from contingency")
	require.Equal(t, int64(40_600_000), budget.EVM.BAC, "the tasks' planned values")

	var effective struct {
		Invoices []struct{ Number string } `json:"invoices"`
	}
	viewJSON(t, &effective, "vendors", "--db", db, "--as-of", "2026-03-31")
	require.Empty(t, effective.Invoices, "on 31 March the ledger knew of no invoice")
	viewJSON(t, &effective, "vendors", "--db", db, "--effective", "2026-03-31")
	require.Len(t, effective.Invoices, 2, "two invoices dated 31 March, recorded 2 April")

	var raid struct {
		Risks []struct{ ID string } `json:"risks"`
	}
	viewJSON(t, &raid, "raid", "--db", db, "--status", "open")
	require.Equal(t, "R-5", raid.Risks[0].ID)

	var diff struct {
		Closed []struct{ ID, Status string } `json:"closed"`
	}
	viewJSON(t, &diff, "diff", "--db", db, "--from", "2026-04-09", "--to", "2026-04-15")
	require.Contains(t, diff.Closed, struct{ ID, Status string }{"CR-1", "implemented"})

	var history struct {
		Events []struct{ Type string } `json:"events"`
	}
	viewJSON(t, &history, "history", "--db", db, "DL-2")
	require.Equal(t, "vendor.contract_signed", history.Events[0].Type)
	require.Equal(t, "vendor.deliverable_accepted", history.Events[len(history.Events)-1].Type)

	var why struct {
		Roots []struct {
			Children []struct{ Type string } `json:"children"`
		} `json:"roots"`
	}
	viewJSON(t, &why, "why", "--db", db, "DEC-2")
	require.Equal(t, "scope.cr_assessed", why.Roots[0].Children[0].Type, "DEC-2 rests on CR-1's assessment")
	require.Contains(t, mustCLI(t, "why", "--db", db, "DEC-2"), "CR-1 approved by helena.schulz@example.com")

	var dossier struct {
		Contracts []struct {
			Deliverables []struct {
				DeliverableID string `json:"deliverable_id"`
				Status        string `json:"status"`
			} `json:"deliverables"`
		} `json:"contracts"`
	}
	viewJSON(t, &dossier, "dossier", "--db", db, "--contract", "C-1", "--as-of", "2026-05-10")
	require.Equal(t, "disputed", dossier.Contracts[0].Deliverables[1].Status)
	require.Contains(t, mustCLI(t, "dossier", "--db", db, "--contract", "C-1"), `on K-2 "Failover between both trunks tested"`)

	for _, args := range [][]string{
		{"history", "--db", db, "R-99"},
		{"why", "--db", db, "00000000-0000-4000-8000-000000000000"},
		{"dossier", "--db", db},
		{"diff", "--db", db},
		{"raid", "--db", db, "--as-of", "yesterday"},
		{"raid", "--db", db, "--project", "NOPE"},
		{"raid", "--db", db, "--as-of", "2026-02-01"},
		{"report", "status", "--db", db, "--format", "pdf"},
		{"attention", "--db", db, "--days", "-1"},
	} {
		_, errOut, code := cli(t, args...)
		require.Equal(t, 2, code, "%v: %s", args, errOut)
	}
}

func TestStatusReportPublishAndRebuild(t *testing.T) {
	db := demoLedger(t)
	md := mustCLI(t, "report", "status", "--db", db, "--as-of", "2026-06-12")
	require.True(t, strings.HasPrefix(md, "# Status report: TPM Teams Phone migration\n"))
	require.Contains(t, md, "Period 2026-05-30 to 2026-06-12")
	html := mustCLI(t, "report", "status", "--db", db, "--format", "html")
	require.True(t, strings.HasPrefix(html, "<!doctype html>"))

	mustCLI(t, "report", "status", "--db", db, "--publish", "--actor", "petra.maier@example.com")
	var published []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, "events", "--db", db, "--type", "report.status_published", "--json")), &published))
	require.Len(t, published, 3, "the demo's two and this one")
	require.JSONEq(t, `"petra.maier@example.com"`, string(published[2]["actor"]))
	mustCLI(t, "verify", "--db", db)

	var rebuilt struct {
		Projects int `json:"projects"`
		Events   int `json:"events"`
	}
	viewJSON(t, &rebuilt, "rebuild", "--db", db)
	require.Equal(t, 1, rebuilt.Projects)
	require.Equal(t, 321, rebuilt.Events, "the demo project's 320 events and the new report")
}

func TestBenchViews(t *testing.T) {
	var report viewBenchReport
	viewJSON(t, &report, "bench", "views", "--events", "1500", "--queries", "20")
	var names []string
	for _, f := range report.Figures {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{"as_of_p50_ms", "as_of_p99_ms", "rebuild"}, names)
	require.Positive(t, report.Figures[2].Ratio)
}
