package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDurableSettings pins what power-loss durability rests on: the kill -9
// test cannot tell synchronous=FULL from OFF (the OS page cache survives a
// killed process), so the settings are checked directly.
func TestDurableSettings(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), Options{})
	require.NoError(t, err)
	defer s.Close()
	var synchronous int
	var journal string
	require.NoError(t, s.wdb.QueryRow("PRAGMA synchronous").Scan(&synchronous))
	require.NoError(t, s.wdb.QueryRow("PRAGMA journal_mode").Scan(&journal))
	require.Equal(t, 2, synchronous, "FULL: every commit waits for the WAL fsync")
	require.Equal(t, "wal", journal)
}
