package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
)

// The signing key lives beside the ledger: PATH.key (private, mode 0600)
// and PATH.pub (public, safe to hand to anyone).
func privateKeyPath(db string) string { return db + ".key" }
func publicKeyPath(db string) string  { return db + ".pub" }

func openWrite(ctx context.Context, db string) (*sqlite.Store, error) {
	if err := checkLedgerPath(db); err != nil {
		return nil, err
	}
	return badPath(sqlite.Open(ctx, db, sqlite.Options{}))
}

// badPath turns the store's refusal of a path into bad input.
func badPath(s *sqlite.Store, err error) (*sqlite.Store, error) {
	if errors.Is(err, sqlite.ErrNoLedger) || errors.Is(err, sqlite.ErrBadPath) {
		return nil, badInput{err}
	}
	return s, err
}

// checkLedgerPath refuses, as bad input, a path that cannot hold a ledger.
func checkLedgerPath(db string) error {
	if info, err := os.Stat(filepath.Dir(db)); err != nil || !info.IsDir() {
		return badInputf("--db %q: the directory %s does not exist", db, filepath.Dir(db))
	}
	return nil
}

func openRead(ctx context.Context, db string) (*sqlite.Store, error) {
	return badPath(sqlite.Open(ctx, db, sqlite.Options{ReadOnly: true}))
}

// initLedger creates the ledger file (if needed) and a new signing key pair
// beside it. It refuses to replace an existing key.
func initLedger(ctx context.Context, db string) (keyID string, err error) {
	if _, err := os.Stat(privateKeyPath(db)); err == nil {
		return "", badInputf("%s already has a signing key (%s); refusing to replace it", db, privateKeyPath(db))
	}
	store, err := openWrite(ctx, db)
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
