package apibench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRunSmall drives the API benchmark end to end on a small load.
func TestRunSmall(t *testing.T) {
	figures, err := Run(context.Background(), Options{Ledger: filepath.Join(t.TempDir(), "a.db"), Writes: 64, Reads: 64, Clients: 4})
	require.NoError(t, err)
	require.Len(t, figures, 3)
	for i, name := range []string{"write", "read", "read_as_of"} {
		require.Equal(t, name, figures[i].Name)
		require.Positive(t, figures[i].Rate)
		require.LessOrEqual(t, figures[i].P50ms, figures[i].P99ms)
	}
}
