package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/esdb"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/spf13/cobra"
)

// The signing key lives beside the ledger: PATH.key (private, mode 0600)
// and PATH.pub (public, safe to hand to anyone).
func privateKeyPath(db string) string { return db + ".key" }
func publicKeyPath(db string) string  { return db + ".pub" }

// Stores the log can live in: the embedded file (the default) or a ledger
// in a KurrentDB cluster, chosen with --store.
const (
	storeSQLite = "sqlite"
	storeESDB   = "esdb"
)

// ledger is an open event log, whichever store holds it.
type ledger interface {
	events.Store
	LastPosition(ctx context.Context) (uint64, error)
	Close() error
}

// location says where the log lives, for messages.
func (a *app) location() string {
	if a.store == storeESDB {
		return fmt.Sprintf("KurrentDB ledger %q", a.esdbLedger)
	}
	return a.db
}

// openWrite opens the log for appending.
func (a *app) openWrite(ctx context.Context) (ledger, error) {
	return a.openLedger(ctx, false, nil)
}

// openRead opens the log for reading only. A KurrentDB ledger is opened the
// same way either way: the server enforces access.
func (a *app) openRead(ctx context.Context) (ledger, error) {
	return a.openLedger(ctx, true, nil)
}

// openLedger opens the log in the chosen store (checked before every
// command); clock, if set, stamps recorded-at (the demo's story time). A
// writer needs the --db directory either way: the ledger file, or a
// KurrentDB node's key and checkpoints.
func (a *app) openLedger(ctx context.Context, readOnly bool, clock func() time.Time) (ledger, error) {
	if !readOnly {
		if err := checkLedgerPath(a.db); err != nil {
			return nil, err
		}
	}
	if a.store == storeESDB {
		return a.openKurrentDB(ctx, readOnly, clock)
	}
	return badPath(sqlite.Open(ctx, a.db, sqlite.Options{ReadOnly: readOnly, Clock: clock}))
}

func (a *app) openKurrentDB(ctx context.Context, readOnly bool, clock func() time.Time) (ledger, error) {
	if a.esdbURL == "" {
		return nil, badInputf("--esdb-url is required with --store esdb (env PLEDGER_ESDB_URL), e.g. esdb://127.0.0.1:2113?tls=false")
	}
	s, err := esdb.Open(esdb.Config{URL: a.esdbURL, Ledger: a.esdbLedger, Clock: clock,
		Log: slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return nil, badInput{err}
	}
	if readOnly {
		// A ledger name with a typo reads as an empty ledger, and an empty
		// ledger verifies: say so, as a missing file does.
		end, err := s.LastPosition(ctx)
		if err == nil && end == 0 {
			err = badInputf("KurrentDB ledger %q holds no events (check --esdb-ledger)", a.esdbLedger)
		}
		if err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// errNotEmpty is a ledger that already holds events where an empty one is
// needed; it is bad input.
type errNotEmpty struct{ err error }

func (e errNotEmpty) Error() string { return e.err.Error() }
func (e errNotEmpty) Unwrap() error { return badInput(e) }

// embeddedOnly marks a command (and its subcommands) that works on the
// embedded file only.
var embeddedOnly = map[string]string{"store": storeSQLite}

// checkStoreFlags runs before every command: the store is one we know, the
// KurrentDB flags are not given for the embedded store (where they would be
// ignored), and a command for the embedded file only is not run on another.
func (a *app) checkStoreFlags(cmd *cobra.Command) error {
	if a.store != storeSQLite && a.store != storeESDB {
		return badInputf("--store %q: must be %s or %s", a.store, storeSQLite, storeESDB)
	}
	if a.store == storeSQLite {
		for _, name := range []string{"esdb-url", "esdb-ledger"} {
			if cmd.Flags().Changed(name) {
				return badInputf("--%s is for --store %s; the log is the --db file unless --store %s is given", name, storeESDB, storeESDB)
			}
		}
		return nil
	}
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations["store"] == storeSQLite {
			return badInputf("pledger %s works on the embedded store only (--store %s)", cmd.CommandPath()[len("pledger "):], storeSQLite)
		}
	}
	return nil
}

// badPath turns the store's refusal of a path into bad input.
func badPath(s *sqlite.Store, err error) (ledger, error) {
	if errors.Is(err, sqlite.ErrNoLedger) || errors.Is(err, sqlite.ErrBadPath) {
		return nil, badInput{err}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// checkLedgerPath refuses, as bad input, a path that cannot hold a ledger.
func checkLedgerPath(db string) error {
	if info, err := os.Stat(filepath.Dir(db)); err != nil || !info.IsDir() {
		return badInputf("--db %q: the directory %s does not exist", db, filepath.Dir(db))
	}
	return nil
}

// initLedger creates the ledger file (if needed) and a new signing key pair
// beside it. It refuses to replace an existing key.
func (a *app) initLedger(ctx context.Context) (keyID string, err error) {
	db := a.db
	if _, err := os.Stat(privateKeyPath(db)); err == nil {
		return "", badInputf("%s already has a signing key (%s); refusing to replace it", db, privateKeyPath(db))
	}
	store, err := a.openWrite(ctx)
	if err != nil {
		return "", err
	}
	if err := store.Close(); err != nil {
		return "", err
	}
	pub, priv, err := events.GenerateKey()
	if err != nil {
		return "", err
	}
	privPEM, err := events.MarshalPrivateKey(priv)
	if err != nil {
		return "", err
	}
	pubPEM, err := events.MarshalPublicKey(pub)
	if err != nil {
		return "", err
	}
	if err := writeNew(privateKeyPath(db), privPEM, 0o600); err != nil {
		return "", err
	}
	if err := writeNew(publicKeyPath(db), pubPEM, 0o644); err != nil {
		return "", err
	}
	return events.KeyID(pub), nil
}

// writeNew writes a file that must not exist yet, durably.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func loadPrivateKey(db string) (ed25519.PrivateKey, error) {
	pemBytes, err := os.ReadFile(privateKeyPath(db))
	if errors.Is(err, os.ErrNotExist) {
		return nil, badInputf("no signing key at %s: create one with pledger init", privateKeyPath(db))
	}
	if err != nil {
		return nil, err
	}
	return events.ParsePrivateKey(pemBytes)
}

// publicKey is a verification key and where it came from.
type publicKey struct {
	key          ed25519.PublicKey
	source       string
	besideLedger bool // found beside the ledger rather than named by the user
}

// loadPublicKey reads the key named with --pubkey or, if besideLedger, the
// one beside the ledger; with neither it returns nil (signatures unchecked).
func loadPublicKey(flag, db string, besideLedger bool) (*publicKey, error) {
	path, beside := flag, false
	if path == "" {
		if !besideLedger {
			return nil, nil
		}
		path, beside = publicKeyPath(db), true
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, badInput{err}
	}
	key, err := events.ParsePublicKey(pemBytes)
	if err != nil {
		return nil, badInputf("--pubkey %s: %w", path, err)
	}
	source := path
	if beside {
		source += " (beside the ledger)"
	}
	return &publicKey{key: key, source: source, besideLedger: beside}, nil
}
