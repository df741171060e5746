package storebench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

// TestRunSmall drives the whole benchmark on a small ledger: every figure is
// present, positive and consistent with its ratio.
func TestRunSmall(t *testing.T) {
	dir := t.TempDir()
	figures, err := Run(context.Background(), Options{Events: 300, Ledger: filepath.Join(dir, "ledger.db"), WorkDir: dir, Writers: 4})
	require.NoError(t, err)
	require.Len(t, figures, 3)
	for i, name := range []string{"batch_append", "concurrent_append", "read_all"} {
		require.Equal(t, name, figures[i].Name)
		require.Positive(t, figures[i].Rate)
		require.Positive(t, figures[i].LimitRate)
		require.InDelta(t, figures[i].Rate/figures[i].LimitRate, figures[i].Ratio, 1e-9)
	}
	require.Equal(t, 2000, figures[1].Events)
}

func TestGeneratorIsDeterministic(t *testing.T) {
	a, b := NewGenerator(7, 3), NewGenerator(7, 3)
	smallest, largest := 1<<20, 0
	for range 2000 {
		ea, eb := a.NextEvent(), b.NextEvent()
		require.Equal(t, ea, eb)
		p := events.Proposed{ID: ea.ID, Type: ea.Type, SchemaVersion: ea.SchemaVersion, Data: ea.Data, Actor: ea.Actor, Reason: ea.Reason}
		prepared, err := events.Prepare([]events.Proposed{p})
		require.NoError(t, err, "generated events are valid")
		require.Equal(t, ea.Data, prepared[0].Data, "and already compact")
		require.Equal(t, events.ComputeHash(&ea), ea.Hash)
		smallest, largest = min(smallest, len(ea.Data)), max(largest, len(ea.Data))
	}
	require.GreaterOrEqual(t, smallest, 300, "payloads are realistic: 300 to 1000 bytes")
	require.LessOrEqual(t, largest, 1000)
	t.Logf("payloads from %d to %d bytes", smallest, largest)
}

// BenchmarkStore runs the whole comparison on a 20,000-event ledger and
// reports each figure's ratio to the raw engine.
func BenchmarkStore(b *testing.B) {
	var last []Figure
	for b.Loop() {
		dir := b.TempDir()
		var err error
		last, err = Run(context.Background(), Options{Events: 20000, Ledger: filepath.Join(dir, "ledger.db"), WorkDir: dir})
		require.NoError(b, err)
	}
	for _, f := range last {
		b.ReportMetric(f.Ratio, f.Name+"_ratio")
	}
}
