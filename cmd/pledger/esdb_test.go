package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events/esdb/esdbtest"
)

// These tests run the commands against a KurrentDB ledger on esdbtest's
// in-process model of a node; the store itself passes the contract against a
// real server with PLEDGER_ESDB_URL (events/esdb).

func esdbFlags(node *esdbtest.Server, ledger string) []string {
	return []string{"--store", "esdb", "--esdb-url", node.URL(), "--esdb-ledger", ledger}
}

func TestLogCommandsOnAKurrentDBLedger(t *testing.T) {
	node := esdbtest.Start(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "node.db") // this node's key; the log is in KurrentDB
	acme := append([]string{"--db", db}, esdbFlags(node, "acme")...)
	with := func(args ...string) []string { return append(args, acme...) }

	out := mustCLI(t, with("demo")...)
	require.Contains(t, out, `into KurrentDB ledger "acme"`)
	_, errOut, code := cli(t, with("demo")...)
	require.Equal(t, 2, code, "the demo goes into an empty ledger only: %s", errOut)

	mustCLI(t, with("init")...)
	mustCLI(t, with("seal", "--actor", "auditor@example.com")...)
	out = mustCLI(t, with("verify")...)
	require.Contains(t, out, `intact: KurrentDB ledger "acme" holds`)
	require.Contains(t, out, "seal signatures checked")

	require.Contains(t, mustCLI(t, with("projects")...), "TPM")
	require.Contains(t, mustCLI(t, with("raid", "--project", "TPM")...), "NordTel")
	_, errOut, code = cli(t, append([]string{"projects", "--db", db}, esdbFlags(node, "other")...)...)
	require.Equal(t, 2, code, "another ledger on the same cluster is apart, and an empty one is likely a typo")
	require.Contains(t, errOut, `KurrentDB ledger "other" holds no events`)

	// As of a position: KurrentDB's positions are sparse byte offsets, and any
	// number works, an event's or not.
	var log []struct {
		Position uint64 `json:"position"`
	}
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, with("events", "--json")...)), &log))
	require.Greater(t, len(log), 100)
	budget := func(flags ...string) string { // without the heading, which echoes the question
		out := mustCLI(t, with(append([]string{"budget", "--project", "TPM"}, flags...)...)...)
		return out[strings.Index(out, "\n"):]
	}
	mid := log[len(log)/2].Position
	atEvent := budget("--as-of", fmt.Sprintf("pos:%d", mid))
	require.Equal(t, atEvent, budget("--as-of", fmt.Sprintf("pos:%d", mid+1)), "inside the next record: the same ledger")
	require.NotEqual(t, atEvent, budget(), "the past differs from now")

	export := filepath.Join(dir, "acme.jsonl")
	mustCLI(t, with("export", "-o", export)...)
	out = mustCLI(t, "verify", "--file", export, "--pubkey", db+".pub", "--store", "esdb")
	require.Contains(t, out, "intact: ")
	out, _, code = cli(t, "verify", "--file", export, "--pubkey", db+".pub")
	require.Equal(t, 1, code, "read as an embedded ledger's export, KurrentDB's sparse positions are deletions")
	require.Contains(t, out, "events deleted")

	_, errOut, code = cli(t, with("import", export)...)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "embedded store only")
}

func TestKurrentDBFlagsAreChecked(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	url := "esdb://127.0.0.1:2113?tls=false"
	missingDir := filepath.Join(t.TempDir(), "no", "such", "x.db")
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"projects", "--db", db, "--store", "postgres"}, `--store "postgres": must be sqlite or esdb`},
		{[]string{"projects", "--db", db, "--store", "esdb"}, "--esdb-url is required"},
		{[]string{"projects", "--db", db, "--store", "esdb", "--esdb-url", "http://x"}, "connection string"},
		{[]string{"projects", "--db", db, "--store", "esdb", "--esdb-url", url, "--esdb-ledger", "Bad:Name"}, `ledger "Bad:Name"`},
		{[]string{"demo", "--db", db, "--esdb-url", url}, "--esdb-url is for --store esdb"},
		{[]string{"projects", "--db", db, "--esdb-ledger", "acme"}, "--esdb-ledger is for --store esdb"},
		{[]string{"bench", "store", "--store", "esdb", "--esdb-url", url}, "pledger bench store works on the embedded store only"},
		{[]string{"bench", "api", "--store", "esdb", "--esdb-url", url}, "embedded store only"},
		{[]string{"import", "x.jsonl", "--store", "esdb", "--esdb-url", url}, "pledger import works on the embedded store only"},
		{[]string{"serve", "--db", missingDir, "--store", "esdb", "--esdb-url", url}, "does not exist"},
		{[]string{"init", "--db", missingDir, "--store", "esdb", "--esdb-url", url}, "does not exist"},
	} {
		_, errOut, code := cli(t, c.args...)
		require.Equal(t, 2, code, "%v: %s", c.args, errOut)
		require.Contains(t, errOut, c.says)
	}
}

// Two pledger nodes on one KurrentDB ledger: a write through one is read
// through the other, and the ledger verifies.
func TestTwoServeNodesShareAKurrentDBLedger(t *testing.T) {
	node := esdbtest.Start(t)
	dir := t.TempDir()
	flags := esdbFlags(node, "shared")
	token := strings.TrimSpace(mustCLI(t, append([]string{"token", "create", "--db", filepath.Join(dir, "a.db"), "--role", "admin", "--name", "ops@example.com"}, flags...)...))
	a, baseA := startServer(t, filepath.Join(dir, "a.db"), flags...)
	t.Cleanup(func() { a.Process.Kill(); a.Wait() })
	b, baseB := startServer(t, filepath.Join(dir, "b.db"), flags...)
	t.Cleanup(func() { b.Process.Kill(); b.Wait() })

	status, charter, err := post(baseA+"/v1/projects", token, map[string]any{"code": "TWO", "name": "Two nodes", "sponsor": "CIO",
		"manager": "pm@example.com", "coordinator": "co@example.com", "start": "2026-01-05", "end": "2026-12-18", "currency": "EUR"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, status, "%v", charter)

	req, err := http.NewRequest(http.MethodGet, baseB+"/v1/projects", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token) // issued through node A's log, honoured by B
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var listed []struct {
		Code string `json:"code"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&listed))
	require.Len(t, listed, 1)
	require.Equal(t, "TWO", listed[0].Code)

	_, err = os.Stat(filepath.Join(dir, "b.db"))
	require.ErrorIs(t, err, os.ErrNotExist, "a node on KurrentDB keeps no ledger file")
	require.Eventually(t, func() bool { _, err := os.Stat(filepath.Join(dir, "b.db.relay")); return err == nil },
		10*time.Second, 20*time.Millisecond, "each node keeps its own relay checkpoint")
	require.Contains(t, mustCLI(t, append([]string{"verify", "--db", filepath.Join(dir, "a.db")}, flags...)...), "intact: ")

	node.Stop() // the whole cluster is gone: answers say retry, not "internal error"
	var problem struct {
		Type string `json:"type"`
	}
	require.Equal(t, http.StatusServiceUnavailable, getJSONAny(t, baseB+"/v1/projects", token, &problem))
	require.Contains(t, problem.Type, "store.unavailable")
	require.Equal(t, http.StatusServiceUnavailable, getJSONAny(t, baseA+"/readyz", "", nil))
}
