package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/storetest"
	"github.com/stretchr/testify/require"
)

// cli runs pledger in-process, the way a user runs the binary, and returns
// what it printed and its exit code.
func cli(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	return out.String(), errOut.String(), code
}

// mustCLI runs pledger and requires exit code 0.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := cli(t, args...)
	require.Equal(t, 0, code, "pledger %v\nstdout: %s\nstderr: %s", args, out, errOut)
	return out
}

// seed appends events to a few streams of the ledger at db.
func seed(t *testing.T, db string, n int) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db, sqlite.Options{})
	require.NoError(t, err)
	defer func() { require.NoError(t, s.Close()) }()
	for i := range n {
		ev := storetest.Event(i)
		if i%3 == 0 {
			ev.Reason = "Änderung — 変更 <ok> & done"
		}
		_, err := s.Append(ctx, fmt.Sprintf("project-%d", i%3), events.Any{}, ev)
		require.NoError(t, err)
	}
}

// newLedger makes an initialised, seeded and sealed ledger and returns its path.
func newLedger(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "ledger.db")
	mustCLI(t, "init", "--db", db)
	seed(t, db, 9)
	mustCLI(t, "seal", "--db", db, "--actor", "auditor@example.com")
	seed(t, db, 3)
	return db
}

func TestInitKeySealVerify(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	out := mustCLI(t, "init", "--db", db)
	require.Contains(t, out, "private key "+db+".key")
	info, err := os.Stat(db + ".key")
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the private key is readable by its owner only")

	pub, err := os.ReadFile(db + ".pub")
	require.NoError(t, err)
	require.Equal(t, string(pub), mustCLI(t, "key", "--db", db))

	_, errOut, code := cli(t, "init", "--db", db)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "refusing to replace it")

	seed(t, db, 5)
	var seal struct {
		Position uint64 `json:"position"`
		Streams  int    `json:"streams"`
		KeyID    string `json:"key_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, "seal", "--db", db, "--json")), &seal))
	require.Equal(t, uint64(5), seal.Position)
	require.Equal(t, 3, seal.Streams)

	out = mustCLI(t, "verify", "--db", db)
	require.Contains(t, out, "intact: "+db+" holds 6 events in 4 streams up to position 6, 1 seal\n")
	require.Contains(t, out, "seal signatures checked with key "+seal.KeyID+" from "+db+".pub (beside the ledger)")
	require.Contains(t, out, "newest seal: anchor 5:")

	var res verifyResult
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, "verify", "--db", db, "--json")), &res))
	require.True(t, res.OK)
	require.NotNil(t, res.Summary.LastSeal)
	require.Equal(t, uint64(5), res.Summary.LastSeal.Position)
	res.Summary.LastSeal = nil
	require.Equal(t, events.Summary{Events: 6, Streams: 4, Seals: 1, LastPosition: 6, SignaturesChecked: true}, *res.Summary)
}

func TestBadInputExitsTwo(t *testing.T) {
	db := newLedger(t)
	export := filepath.Join(t.TempDir(), "export.jsonl")
	mustCLI(t, "export", "--db", db, "-o", export)
	cases := [][]string{
		{"import", "--db", filepath.Join(t.TempDir(), "a?b.db"), export},
		{"verify", "--db", db, "--no-such-flag"},
		{"export", "--db", db, "--format", "csv"},
		{"verify", "--db", filepath.Join(t.TempDir(), "missing.db")},
		{"seal", "--db", filepath.Join(t.TempDir(), "nokey.db")},
		{"import", "--db", db},
		{"import", "--db", db, filepath.Join(t.TempDir(), "missing.jsonl")},
		{"verify", "--db", db, "--pubkey", filepath.Join(t.TempDir(), "missing.pub")},
		{"bench", "store", "--events", "0"},
		{"bench"},
		{"bench", "nosuch"},
		{"init", "--db", filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")},
		{"init", "--db", filepath.Join(t.TempDir(), "a?b.db")},
		{"verify", "--db", filepath.Join(t.TempDir(), "a#b.db")},
		{"verify", "--db", db, "--anchor", "12"},
		{"serve", "--db", db, "--publish", "http://127.0.0.1:4222"},
		{"no-such-command"},
	}
	for _, args := range cases {
		_, errOut, code := cli(t, args...)
		require.Equal(t, 2, code, "%v: %s", args, errOut)
		require.NotEmpty(t, errOut, "%v says what is wrong", args)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	db := newLedger(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "export.jsonl")
	mustCLI(t, "export", "--db", db, "--output", file)
	exported, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, string(exported), mustCLI(t, "export", "--db", db), "stdout and file exports are the same")

	lines := strings.Split(strings.TrimSuffix(string(exported), "\n"), "\n")
	require.Len(t, lines, 13, "12 events and one seal")
	var first map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.Len(t, first, 15, "every envelope field")

	restored := filepath.Join(dir, "restored.db")
	out := mustCLI(t, "import", "--db", restored, "--pubkey", db+".pub", file)
	require.Equal(t, "imported 13 events in 4 streams (1 seal) into "+restored+"\n", out)
	require.Equal(t, string(exported), mustCLI(t, "export", "--db", restored), "import then export reproduces the file byte for byte")
	mustCLI(t, "verify", "--db", restored, "--pubkey", db+".pub")

	out = mustCLI(t, "verify", "--file", file, "--pubkey", db+".pub")
	require.Contains(t, out, "intact: "+file+" holds 13 events")

	_, errOut, code := cli(t, "import", "--db", restored, file)
	require.Equal(t, 2, code, "import refuses a ledger that has events")
	require.Contains(t, errOut, "empty ledger only")
}

func TestImportRejectsTamperedFileAndWritesNothing(t *testing.T) {
	db := newLedger(t)
	dir := t.TempDir()
	exported := mustCLI(t, "export", "--db", db)
	lines := strings.SplitAfter(exported, "\n")

	cases := []struct {
		name   string
		line   int // 1-based
		edit   func(string) string
		code   int
		expect string
	}{
		{"reason edited", 5, func(l string) string {
			return strings.Replace(l, `"reason":"contract suite"`, `"reason":"contract suitf"`, 1)
		}, 1, "line 5"},
		{"data edited", 8, func(l string) string { return strings.Replace(l, `{"n":`, `{"n":1`, 1) }, 1, "hash does not match"},
		{"not json", 3, func(string) string { return "{oops\n" }, 2, "line 3: not a JSON event record"},
		{"bad version", 2, func(l string) string { return strings.Replace(l, `"version":1,`, `"version":0,`, 1) }, 2, "line 2: version: must be 1 or more"},
		{"line deleted", 4, func(string) string { return "" }, 1, "positions 4 to 4 are missing"},
		{"line repeated", 6, func(string) string { return lines[4] }, 1, "line 6"},
		{"later line moved up", 3, func(string) string { return lines[7] }, 1, "line 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			edited := append([]string(nil), lines...)
			edited[c.line-1] = c.edit(edited[c.line-1])
			require.NotEqual(t, lines[c.line-1], edited[c.line-1], "the edit applies")
			file := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".jsonl")
			require.NoError(t, os.WriteFile(file, []byte(strings.Join(edited, "")), 0o644))

			target := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".db")
			out, errOut, code := cli(t, "import", "--db", target, file)
			require.Equal(t, c.code, code, out+errOut)
			require.Contains(t, out+errOut, c.expect)
			if _, err := os.Stat(target); err == nil {
				require.Equal(t, "", mustCLI(t, "export", "--db", target), "nothing was written")
			}
			_, _, code = cli(t, "verify", "--file", file)
			require.Equal(t, c.code, code, "verify --file agrees with import")
		})
	}
}

// tamper edits the ledger file directly, as someone with disk access would.
func tamper(t *testing.T, db string, statements ...string) {
	t.Helper()
	conn, err := sql.Open("sqlite", db)
	require.NoError(t, err)
	defer conn.Close()
	for _, st := range statements {
		_, err := conn.Exec(st)
		require.NoError(t, err, st)
	}
}

// closeGap renumbers positions after a deleted one, as a careful attacker
// would, so only the chain and the seals can give the deletion away.
func closeGap(after int) []string {
	return []string{
		fmt.Sprintf("UPDATE events SET position = -position WHERE position > %d", after),
		"UPDATE events SET position = -position - 1 WHERE position < 0",
	}
}

func TestVerifyCatchesTampering(t *testing.T) {
	// The ledger: positions 1-9 spread over project-0/1/2 (position p is
	// event p-1, in stream project-((p-1)%3)), the seal at 10 covering 1-9,
	// then 11-13.
	cases := []struct {
		name   string
		edit   func(t *testing.T, db string)
		expect string // the first bad event and what is wrong
	}{
		{"a changed byte of data", func(t *testing.T, db string) {
			tamper(t, db, `UPDATE events SET data = CAST(replace(CAST(data AS TEXT), '"n":4', '"n":5') AS BLOB) WHERE position = 5`)
		}, "stream project-1, version 2, position 5|data or metadata was changed"},
		{"a changed actor", func(t *testing.T, db string) {
			tamper(t, db, `UPDATE events SET actor = 'mallory' WHERE position = 2`)
		}, "stream project-1, version 1, position 2|data or metadata was changed"},
		{"a changed effective time", func(t *testing.T, db string) {
			tamper(t, db, `UPDATE events SET effective_at = effective_at - 86400000000000 WHERE position = 12`)
		}, "position 12|data or metadata was changed"},
		{"a deleted event", func(t *testing.T, db string) {
			tamper(t, db, `DELETE FROM events WHERE position = 4`)
		}, "position 5|positions 4 to 4 are missing"},
		{"a deleted event with positions renumbered", func(t *testing.T, db string) {
			tamper(t, db, append([]string{`DELETE FROM events WHERE position = 4`}, closeGap(4)...)...)
		}, "stream project-0, version 3, position 6|version 3 follows version 1"},
		{"two events of a stream reordered", func(t *testing.T, db string) {
			tamper(t, db, `UPDATE events SET position = -1 WHERE position = 1`,
				`UPDATE events SET position = 1 WHERE position = 4`,
				`UPDATE events SET position = 4 WHERE position = -1`)
		}, "stream project-0, version 2, position 1|version 2 follows version 0"},
		{"a stream's tail truncated before the seal", func(t *testing.T, db string) {
			tamper(t, db, append([]string{`DELETE FROM events WHERE position = 9`}, closeGap(9)...)...)
		}, "stream ledger-seals, version 1, position 9|claims to cover position 9"},
		{"two events of different streams swapped, hashes intact", func(t *testing.T, db string) {
			tamper(t, db, `UPDATE events SET position = -1 WHERE position = 2`,
				`UPDATE events SET position = 2 WHERE position = 3`,
				`UPDATE events SET position = 3 WHERE position = -1`)
		}, "position 3|recorded_at does not increase along the log"},
		{"an ordinary event slipped into the seals stream", func(t *testing.T, db string) {
			tamper(t, db, `UPDATE events SET stream = 'ledger-seals' WHERE position = 13`)
		}, "position 13|the seals stream holds a test.something_happened event"},
		{"a seal forged with another key", func(t *testing.T, db string) { forgeSeal(t, db, true) },
			"stream ledger-seals, version 1, position 10|signed by key"},
		{"a seal's root altered and rehashed", func(t *testing.T, db string) { forgeSeal(t, db, false) },
			"stream ledger-seals, version 1, position 10|signature is not valid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := newLedger(t)
			mustCLI(t, "verify", "--db", db)
			c.edit(t, db)
			out, _, code := cli(t, "verify", "--db", db)
			require.Equal(t, 1, code, out)
			for _, want := range strings.Split(c.expect, "|") {
				require.Contains(t, out, want)
			}
			var res verifyResult
			out, _, code = cli(t, "verify", "--db", db, "--json")
			require.Equal(t, 1, code)
			require.NoError(t, json.Unmarshal([]byte(out), &res))
			require.False(t, res.OK)
			require.NotNil(t, res.Problem)
		})
	}
}

// forgeSeal rewrites the seal at position 10 so that its hash and the seals
// stream's chain stay consistent: either re-signed by an attacker's key over
// the true root, or with an altered root under the original signature.
func forgeSeal(t *testing.T, db string, otherKey bool) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db, sqlite.Options{ReadOnly: true})
	require.NoError(t, err)
	seals := storetest.ReadStream(t, s, events.SealsStream, events.ReadOptions{})
	require.NoError(t, s.Close())
	require.Len(t, seals, 1)
	ev := seals[0]
	var seal events.Sealed
	require.NoError(t, json.Unmarshal(ev.Data, &seal))
	if otherKey {
		_, attacker, err := events.GenerateKey()
		require.NoError(t, err)
		sig := events.NewSeal(attacker, seal.Position, nil)
		seal.KeyID, seal.Signature = sig.KeyID, sig.Signature
	} else {
		seal.Root[0] ^= 0xff
	}
	ev.Data, err = json.Marshal(seal)
	require.NoError(t, err)
	ev.Hash = events.ComputeHash(&ev)
	tamper(t, db, fmt.Sprintf(`UPDATE events SET data = x'%x', hash = x'%x' WHERE position = 10`, []byte(ev.Data), ev.Hash[:]))
}

func TestBenchStoreKeepsAVerifiableLedger(t *testing.T) {
	keep := filepath.Join(t.TempDir(), "bench.db")
	var report benchReport
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, "bench", "store", "--events", "400", "--keep", keep, "--json")), &report))
	var names []string
	for _, f := range report.Figures {
		names = append(names, f.Name)
		require.Positive(t, f.Rate)
		require.Positive(t, f.LimitRate)
	}
	require.Equal(t, []string{"batch_append", "concurrent_append", "read_all"}, names)
	require.Positive(t, report.PeakRSSMB)
	out := mustCLI(t, "verify", "--db", keep)
	require.Contains(t, out, "seal signatures checked")
	concurrent := report.Figures[1].Events
	require.Equal(t, 1984, concurrent, "2,000 concurrent appends, rounded down to 32 equal writers")
	require.Contains(t, out, fmt.Sprintf("holds %d events", 400+concurrent+1), "the imported events, the concurrent phase's, and the seal")

	_, _, code := cli(t, "bench", "store", "--events", "10", "--keep", keep)
	require.Equal(t, 2, code, "--keep never overwrites")
}

// TestAnchorsCatchRemovedSeals: someone deletes every seal and renumbers the
// log. The chains and positions still hold, so verify alone cannot tell; an
// anchor recorded when the seal was made can.
func TestAnchorsCatchRemovedSeals(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	mustCLI(t, "init", "--db", db)
	seed(t, db, 6)
	var seal struct {
		Anchor string `json:"anchor"`
	}
	require.NoError(t, json.Unmarshal([]byte(mustCLI(t, "seal", "--db", db, "--json")), &seal))
	require.Regexp(t, `^6:[0-9a-f]{64}$`, seal.Anchor, "POSITION:ROOT")
	seed(t, db, 2)
	out := mustCLI(t, "verify", "--db", db, "--anchor", seal.Anchor)
	require.Contains(t, out, "1 anchor found")
	require.Contains(t, out, "newest seal: anchor "+seal.Anchor)

	tamper(t, db, append([]string{`DELETE FROM events WHERE stream = 'ledger-seals'`}, closeGap(6)...)...)
	require.Contains(t, mustCLI(t, "verify", "--db", db), "0 seals", "without an anchor the cut is invisible")
	out, _, code := cli(t, "verify", "--db", db, "--anchor", seal.Anchor)
	require.Equal(t, 1, code)
	require.Contains(t, out, "no seal covers position 6 with the anchored root")
}

// TestVerifyBesideALiveWriter runs verify while another writer appends and
// seals: every run checks the log up to where it stood, and passes.
func TestVerifyBesideALiveWriter(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	mustCLI(t, "init", "--db", db)
	ctx, cancel := context.WithCancel(context.Background())
	store, err := sqlite.Open(ctx, db, sqlite.Options{})
	require.NoError(t, err)
	key, err := loadPrivateKey(db)
	require.NoError(t, err)
	done := make(chan error)
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			if _, err := store.Append(ctx, fmt.Sprintf("s-%d", i%3), events.Any{}, storetest.Event(i)); err != nil && ctx.Err() == nil {
				done <- err
				return
			}
			if _, err := events.SealLedger(ctx, store, key, "ops"); err != nil && ctx.Err() == nil {
				done <- err
				return
			}
		}
	}()
	for range 5 {
		out, errOut, code := cli(t, "verify", "--db", db)
		require.Equal(t, 0, code, out+errOut)
	}
	cancel()
	require.NoError(t, <-done)
	require.NoError(t, store.Close())
}

func TestExportFilesMustBeRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe.jsonl")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	for _, args := range [][]string{{"verify", "--file", fifo}, {"import", "--db", filepath.Join(t.TempDir(), "x.db"), fifo}} {
		_, errOut, code := cli(t, args...)
		require.Equal(t, 2, code)
		require.Contains(t, errOut, "is not a regular file")
	}
}

func TestVerifyFileUsesOnlyTheNamedKey(t *testing.T) {
	db := newLedger(t)
	file := filepath.Join(t.TempDir(), "export.jsonl")
	mustCLI(t, "export", "--db", db, "-o", file)
	other := filepath.Join(t.TempDir(), "other.db")
	mustCLI(t, "init", "--db", other)
	out := mustCLI(t, "verify", "--file", file, "--db", other)
	require.Contains(t, out, "seal signatures NOT checked", "the key beside some other ledger is not the file's")
	require.Contains(t, mustCLI(t, "verify", "--file", file, "--pubkey", db+".pub"), "seal signatures checked with key")
}

func TestFailedImportLeavesNoLedger(t *testing.T) {
	db := newLedger(t)
	exported := strings.Replace(mustCLI(t, "export", "--db", db), `"reason":"contract suite"`, `"reason":"contract suitf"`, 1)
	file := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(file, []byte(exported), 0o644))
	target := filepath.Join(t.TempDir(), "new.db")
	_, _, code := cli(t, "import", "--db", target, file)
	require.Equal(t, 1, code)
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		_, err := os.Stat(target + suffix)
		require.ErrorIs(t, err, os.ErrNotExist, "no %s left behind", target+suffix)
	}
}
