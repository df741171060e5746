package projections_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// The demo ledger is written once per test binary and opened read-only by
// every test that reads it.
var (
	demoOnce sync.Once
	demoPath string
	demoErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pledger-projections-")
	if err != nil {
		panic(err)
	}
	demoPath = filepath.Join(dir, "demo.db")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func writeDemo() {
	ctx := context.Background()
	clock := &demo.Clock{}
	store, err := sqlite.Open(ctx, demoPath, sqlite.Options{Clock: clock.Now})
	if err != nil {
		demoErr = err
		return
	}
	defer store.Close()
	_, demoErr = demo.Seed(ctx, aggregates.NewRepository(store, events.NewCatalogue()), clock)
}

// demoEngine returns an engine over the demo ledger, whose "now" is
// 1 July 2026, the day after the demo ends.
func demoEngine(t testing.TB) (*projections.Engine, uuid.UUID) {
	t.Helper()
	demoOnce.Do(writeDemo)
	require.NoError(t, demoErr)
	store, err := sqlite.Open(context.Background(), demoPath, sqlite.Options{ReadOnly: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	return projections.NewEngine(store, events.NewCatalogue(), fixedClock("2026-07-01T09:00:00Z"), 0), demo.ProjectID()
}

// demoID is the demo project's id.
func demoID() uuid.UUID { return demo.ProjectID() }

func fixedClock(s string) func() time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t }
}

// asOf is a query for what the ledger knew at the end of a day.
func asOf(day string) projections.Query {
	b, err := projections.ParseBound(day)
	if err != nil {
		panic(err)
	}
	return projections.Query{AsOf: b}
}
