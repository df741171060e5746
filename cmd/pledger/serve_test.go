package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/esdb/esdbtest"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/storetest"
	"github.com/stretchr/testify/require"
)

// The test binary doubles as the pledger binary: with PLEDGER_TEST_ARGS
// set it runs pledger with those arguments, so a test can start a real
// server process and kill it.
func TestMain(m *testing.M) {
	if raw := os.Getenv("PLEDGER_TEST_ARGS"); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			panic(err)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, args, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// startServer runs pledger serve as a child process and waits until it answers.
func startServer(t *testing.T, db string, flags ...string) (*exec.Cmd, string) {
	t.Helper()
	return startServerTo(t, nil, db, flags...)
}

// startServerTo is startServer with the server's standard output going to out.
func startServerTo(t *testing.T, out io.Writer, db string, flags ...string) (*exec.Cmd, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	args, err := json.Marshal(append([]string{"serve", "--db", db, "--addr", addr}, flags...))
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PLEDGER_TEST_ARGS="+string(args))
	cmd.Stderr = os.Stderr
	cmd.Stdout = out
	require.NoError(t, cmd.Start())
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return cmd, "http://" + addr
		}
		require.True(t, time.Now().Before(deadline), "the server did not come up: %v", err)
		time.Sleep(50 * time.Millisecond)
	}
}

func post(url, token string, body any) (int, map[string]any, error) {
	data, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, nil
}

// TestAcknowledgedWritesSurviveKill9 runs pledger serve as a real process,
// fires concurrent writes, kills it without warning mid-load, and checks
// that every write that got a 2xx is in the ledger, once, and that the
// ledger verifies.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	mustCLI(t, "init", "--db", db)
	token := strings.TrimSpace(mustCLI(t, "token", "create", "--db", db, "--role", "admin", "--name", "ops@example.com"))

	server, base := startServer(t, db)
	status, charter, err := post(base+"/v1/projects", token, map[string]any{"code": "DUR", "name": "Durability", "sponsor": "CIO",
		"manager": "pm@example.com", "coordinator": "co@example.com", "start": "2026-01-05", "end": "2026-12-18", "currency": "EUR"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, status, "%v", charter)
	risks := base + "/v1/projects/" + charter["id"].(string) + "/risks"

	var mu sync.Mutex
	acked := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				title := fmt.Sprintf("risk %d-%d", w, i)
				status, _, err := post(risks, token, map[string]any{"title": title, "probability": 2, "impact": 3, "owner": "o", "reason": "load"})
				if err != nil {
					return // the server is gone
				}
				if status == http.StatusCreated {
					mu.Lock()
					acked[title] = true
					mu.Unlock()
				}
			}
		})
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 150 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.NoError(t, server.Process.Kill()) // SIGKILL, mid-load
	server.Wait()
	close(stop)
	wg.Wait()
	require.GreaterOrEqual(t, len(acked), 150)

	store, err := sqlite.Open(context.Background(), db, sqlite.Options{ReadOnly: true})
	require.NoError(t, err)
	seen := map[string]int{}
	for _, ev := range storetest.ReadAll(t, store, 0) {
		if ev.Type == (events.RiskRaised{}).EventType() {
			var r events.RiskRaised
			require.NoError(t, json.Unmarshal(ev.Data, &r))
			seen[r.Title]++
		}
	}
	require.NoError(t, store.Close())
	for title := range acked {
		require.Equal(t, 1, seen[title], "acknowledged %q is in the ledger exactly once", title)
	}
	for title, n := range seen {
		require.Equal(t, 1, n, "%q is in the ledger once", title)
	}
	require.Contains(t, mustCLI(t, "verify", "--db", db), "intact")
	t.Logf("%d writes acknowledged, %d in the ledger", len(acked), len(seen))
}

// TestServeShutsDownGracefully: SIGTERM lets the server finish and exit 0.
func TestServeShutsDownGracefully(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	server, _ := startServer(t, db)
	require.NoError(t, server.Process.Signal(syscall.SIGTERM))
	require.NoError(t, server.Wait(), "exit code 0 after a graceful shutdown")
}

// TestServePublishesToNATS: with --publish, what a client writes over HTTP
// reaches a real JetStream broker as the ledger's events, and the relay's
// lag is on /metrics.
func TestServePublishesToNATS(t *testing.T) {
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	require.NoError(t, err)
	go ns.Start()
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	require.True(t, ns.ReadyForConnections(20*time.Second))

	db := filepath.Join(t.TempDir(), "ledger.db")
	mustCLI(t, "init", "--db", db)
	token := strings.TrimSpace(mustCLI(t, "token", "create", "--db", db, "--role", "admin", "--name", "ops@example.com"))
	server, base := startServer(t, db, "--publish", ns.ClientURL())
	t.Cleanup(func() { server.Process.Kill(); server.Wait() })
	status, charter, err := post(base+"/v1/projects", token, map[string]any{"code": "PUB", "name": "Published", "sponsor": "CIO",
		"manager": "pm@example.com", "coordinator": "co@example.com", "start": "2026-01-05", "end": "2026-12-18", "currency": "EUR"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, status, "%v", charter)

	conn, err := nats.Connect(ns.ClientURL())
	require.NoError(t, err)
	defer conn.Close()
	js, err := conn.JetStream()
	require.NoError(t, err)
	var sub *nats.Subscription
	require.Eventually(t, func() bool { // the relay provisions the stream on its first publish
		sub, err = js.SubscribeSync("pledger.events.project.>", nats.OrderedConsumer())
		return err == nil
	}, 30*time.Second, 20*time.Millisecond, "no JetStream stream: %v", err)
	msg, err := sub.NextMsg(30 * time.Second)
	require.NoError(t, err)
	require.Equal(t, "pledger.events.project.chartered", msg.Subject)
	var line struct {
		ID     string `json:"id"`
		Stream string `json:"stream"`
		Actor  string `json:"actor"`
	}
	require.NoError(t, json.Unmarshal(msg.Data, &line), "the payload is the event's export line")
	require.Equal(t, "project-"+charter["id"].(string), line.Stream)
	require.Equal(t, "ops@example.com", line.Actor)
	require.Equal(t, line.ID, msg.Header.Get(nats.MsgIdHdr))

	metrics, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer metrics.Body.Close()
	var body bytes.Buffer
	_, err = body.ReadFrom(metrics.Body)
	require.NoError(t, err)
	require.Contains(t, body.String(), `pledger_relay_lag_events{publisher="nats"}`)
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveDemo runs the README's first command against a store and returns the
// admin token it printed (empty when it printed none), the base URL and a
// function that stops the server.
func serveDemo(t *testing.T, db string, flags ...string) (token, base string, stop func()) {
	t.Helper()
	var out lockedBuffer
	server, base := startServerTo(t, &out, db, append([]string{"--demo"}, flags...)...)
	stop = sync.OnceFunc(func() { server.Process.Signal(syscall.SIGTERM); server.Wait() })
	t.Cleanup(stop)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "pledger serving") }, 30*time.Second, 10*time.Millisecond)
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "admin" {
			return f[1], base, stop
		}
	}
	return "", base, stop
}

// getJSON GETs url and decodes a 200's body into into (if not nil).
func getJSON(t *testing.T, url, token string, into any) int {
	t.Helper()
	return get(t, url, token, into, false)
}

// getJSONAny is getJSON decoding the body whatever the status.
func getJSONAny(t *testing.T, url, token string, into any) int {
	t.Helper()
	return get(t, url, token, into, true)
}

func get(t *testing.T, url, token string, into any, always bool) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if into != nil && (always || resp.StatusCode == http.StatusOK) {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(into))
	}
	return resp.StatusCode
}

// The README's first command: serve --demo seeds an empty ledger, prints a
// token per role and serves the demo; started again on the same ledger it
// serves it as it is and prints no tokens.
func TestServeDemo(t *testing.T) {
	node := esdbtest.Start(t)
	for _, c := range []struct {
		name  string
		flags []string
	}{
		{"embedded", nil},
		{"KurrentDB", esdbFlags(node, "demo")},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "demo.db")
			token, base, stop := serveDemo(t, db, c.flags...)
			require.NotEmpty(t, token, "an admin token was printed")
			var projects []struct {
				Code string `json:"code"`
			}
			require.Equal(t, http.StatusOK, getJSON(t, base+"/v1/projects", token, &projects))
			require.Len(t, projects, 1)
			require.Equal(t, "TPM", projects[0].Code)

			stop() // the embedded ledger has one writer at a time
			again, base, _ := serveDemo(t, db, c.flags...)
			require.Empty(t, again, "a ledger that holds events is served as it is")
			require.Equal(t, http.StatusOK, getJSON(t, base+"/v1/projects", token, nil), "the first run's token still works")
		})
	}
}
