package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/storetest"
	"github.com/stretchr/testify/require"
)

// The test binary doubles as a second process: with PLEDGER_TEST_CHILD set
// it runs one of these roles instead of the tests.
func TestMain(m *testing.M) {
	switch os.Getenv("PLEDGER_TEST_CHILD") {
	case "appender":
		appendUntilKilled(os.Getenv("PLEDGER_TEST_DB"))
	case "opener":
		s, err := sqlite.Open(context.Background(), os.Getenv("PLEDGER_TEST_DB"), sqlite.Options{})
		if err != nil {
			fmt.Println(err)
			os.Exit(3)
		}
		s.Close()
	default:
		os.Exit(m.Run())
	}
}

// appendUntilKilled has several writers append forever, printing each
// event id once its append is acknowledged.
func appendUntilKilled(path string) {
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				ev := storetest.Event(i)
				if _, err := s.Append(context.Background(), fmt.Sprintf("s-%d", w), events.Any{}, ev); err != nil {
					fmt.Println("append:", err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Fprintln(out, ev.ID) // printed only after the append returned
				out.Flush()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

func child(t *testing.T, role, db string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PLEDGER_TEST_CHILD="+role, "PLEDGER_TEST_DB="+db)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestAcknowledgedAppendsSurviveKill9 kills a writing process without
// warning and checks that every append it acknowledged is in the ledger,
// once, and that the ledger verifies.
func TestAcknowledgedAppendsSurviveKill9(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	cmd := child(t, "appender", db)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	acked := map[uuid.UUID]bool{}
	lines := bufio.NewScanner(stdout)
	deadline := time.Now().Add(30 * time.Second)
	for len(acked) < 300 && time.Now().Before(deadline) && lines.Scan() {
		id, err := uuid.Parse(lines.Text())
		require.NoError(t, err, "child said: %s", lines.Text())
		acked[id] = true
	}
	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred cleanup, no Close
	cmd.Wait()
	require.GreaterOrEqual(t, len(acked), 300, "the child appended")

	s, err := sqlite.Open(context.Background(), db, sqlite.Options{})
	require.NoError(t, err, "the writer lock dies with its process")
	defer s.Close()
	seen := map[uuid.UUID]int{}
	v, err := events.NewVerifier(events.VerifyOptions{})
	require.NoError(t, err)
	for _, ev := range storetest.ReadAll(t, s, 0) {
		seen[ev.ID]++
		require.NoError(t, v.Check(ev))
	}
	_, err = v.Finish()
	require.NoError(t, err)
	for id := range acked {
		require.Equal(t, 1, seen[id], "acknowledged event %s is in the ledger exactly once", id)
	}
	t.Logf("%d acknowledged, %d in the ledger", len(acked), len(seen))
}

func TestSecondProcessCannotOpenForWriting(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	s, err := sqlite.Open(context.Background(), db, sqlite.Options{})
	require.NoError(t, err)

	out, err := child(t, "opener", db).Output()
	require.Error(t, err)
	require.Contains(t, string(out), "ledger is open for writing by another process")
	require.Contains(t, string(out), fmt.Sprintf("pid %d", os.Getpid()))

	require.NoError(t, s.Close())
	out, err = child(t, "opener", db).Output()
	require.NoError(t, err, "after the writer closes, another process may write: %s", out)
}
