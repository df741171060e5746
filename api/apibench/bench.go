// Package apibench measures the HTTP API end to end: a real server on
// loopback and a load generator in the same process, over a real ledger.
// It backs `pledger bench api`.
package apibench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
)

// Figure is one measurement: requests per second and latency percentiles.
type Figure struct {
	Name     string  `json:"name"`
	Rate     float64 `json:"rate"` // requests per second
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	Requests int     `json:"requests"`
	Clients  int     `json:"clients"`
}

// Options configure Run.
type Options struct {
	Ledger  string // a new ledger file
	Writes  int    // risk creations; 0 means 6,400
	Reads   int    // reads of each kind; 0 means 20,000
	Clients int    // concurrent clients; 0 means 32
}

// Run starts a server on loopback over a new ledger holding the demo, and
// measures writes (clients creating risks on one new project), reads of
// the demo's RAID log now, and reads of it as of past days.
func Run(ctx context.Context, opts Options) ([]Figure, error) {
	opts.Writes = cmp(opts.Writes, 6400)
	opts.Reads = cmp(opts.Reads, 20000)
	opts.Clients = cmp(opts.Clients, 32)
	if err := seedDemo(ctx, opts.Ledger); err != nil {
		return nil, err
	}
	store, err := sqlite.Open(ctx, opts.Ledger, sqlite.Options{})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	token, _, err := api.IssueToken(ctx, aggregates.NewRepository(store, events.NewCatalogue()),
		aggregates.IssueToken{Name: "bench@example.com", Role: events.RoleAdmin}, aggregates.Meta{Actor: "bench", Reason: "bench api"})
	if err != nil {
		return nil, err
	}
	server := api.New(api.Config{Store: store})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: server.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Shutdown(context.Background())
		<-served
	}()
	c := &client{base: "http://" + ln.Addr().String(), token: token,
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: opts.Clients}}}

	var charter api.Written
	if err := c.do(http.MethodPost, "/v1/projects", map[string]any{"code": "BENCH", "name": "API benchmark", "sponsor": "CIO",
		"manager": "pm@example.com", "coordinator": "co@example.com", "start": "2026-01-05", "end": "2026-12-18", "currency": "EUR"}, &charter); err != nil {
		return nil, err
	}
	project := "/v1/projects/" + charter.ID
	write, err := load("write", opts.Writes, opts.Clients, func(i int) error {
		return c.do(http.MethodPost, project+"/risks", map[string]any{"title": fmt.Sprintf("risk %d", i), "probability": 1 + i%5, "impact": 1 + i%3,
			"owner": "owner@example.com", "reason": "bench"}, nil)
	})
	if err != nil {
		return nil, err
	}
	// Reads ask about the demo project, whose RAID log has the size of a
	// real one (the write phase's project holds thousands of risks).
	demoProject := "/v1/projects/" + demo.ProjectID().String()
	read, err := load("read", opts.Reads, opts.Clients, func(int) error { return c.do(http.MethodGet, demoProject+"/raid", nil, nil) })
	if err != nil {
		return nil, err
	}
	days := []string{"2026-03-20", "2026-04-07", "2026-04-14", "2026-05-06", "2026-06-01"}
	asOf, err := load("read_as_of", opts.Reads, opts.Clients, func(i int) error {
		return c.do(http.MethodGet, demoProject+"/raid?as_of="+days[i%len(days)], nil, nil)
	})
	if err != nil {
		return nil, err
	}
	return []Figure{write, read, asOf}, nil
}

// seedDemo writes the demo project into the new ledger, with its own clock.
func seedDemo(ctx context.Context, path string) error {
	clock := &demo.Clock{}
	store, err := sqlite.Open(ctx, path, sqlite.Options{Clock: clock.Now})
	if err != nil {
		return err
	}
	defer store.Close()
	_, err = demo.Seed(ctx, aggregates.NewRepository(store, events.NewCatalogue()), clock)
	return err
}

func cmp(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// load runs n requests from clients goroutines and times each.
func load(name string, n, clients int, request func(i int) error) (Figure, error) {
	took := make([]time.Duration, n)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range clients {
		wg.Go(func() {
			for i := w; i < n; i += clients {
				t := time.Now()
				if err := request(i); err != nil {
					errs[w] = err
					return
				}
				took[i] = time.Since(t)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return Figure{}, fmt.Errorf("apibench: %s: %w", name, err)
		}
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return Figure{Name: name, Rate: float64(n) / elapsed.Seconds(), P50ms: ms(took[n/2]), P99ms: ms(took[n*99/100]), Requests: n, Clients: clients}, nil
}

type client struct {
	base, token string
	http        *http.Client
}

// do sends a request and requires a 2xx, decoding the body into out.
func (c *client) do(method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
