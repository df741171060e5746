package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDemoEventsAndProjects(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	out := mustCLI(t, "demo", "--db", db)
	require.Regexp(t, `^wrote the demo project TPM \([0-9a-f-]{36}\): \d{3} events from \d{3} commands into `, out)

	_, errOut, code := cli(t, "demo", "--db", db)
	require.Equal(t, 2, code, "the demo goes into an empty ledger only")
	require.Contains(t, errOut, "already holds")

	require.Contains(t, mustCLI(t, "verify", "--db", db), "intact")

	var projects []projectRow
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, "projects", "--db", db, "--json")), &projects))
	require.Len(t, projects, 1)
	require.Equal(t, "TPM", projects[0].Code)
	require.Equal(t, "Teams Phone migration", projects[0].Name)
	require.Equal(t, "2026-03-02", projects[0].Start.String())
	require.Contains(t, mustCLI(t, "projects", "--db", db), "TPM   Teams Phone migration")

	var all []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, "events", "--db", db, "--json")), &all))
	areas := map[string]bool{}
	for _, ev := range all {
		require.Len(t, ev, 15, "the export's keys")
		var typ string
		require.NoError(t, json.Unmarshal(ev["type"], &typ))
		area, _, _ := strings.Cut(typ, ".")
		areas[area] = true
	}
	for _, area := range []string{"project", "scope", "raid", "budget", "schedule", "vendor", "decision", "meeting", "document", "team", "person", "report"} {
		require.True(t, areas[area], "pledger events shows area %s", area)
	}

	var risks []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, "events", "--db", db, "--project", "tpm", "--type", "raid.risk_raised", "--json")), &risks))
	require.Len(t, risks, 6)
	text := mustCLI(t, "events", "--db", db, "--project", projects[0].ID, "--type", "scope.")
	lines := strings.Split(strings.TrimSpace(text), "\n")
	require.Equal(t, "POSITION  RECORDED          EFFECTIVE   ACTOR                      TYPE                  REASON", lines[0])
	require.Len(t, lines, 1+8, "the baseline, CR-1 submitted to implemented, CR-2 submitted to rejected")
	require.Contains(t, text, "scope.cr_implemented")

	_, errOut, code = cli(t, "events", "--db", db, "--project", "NOPE")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `--project "NOPE"`)
}
