package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/spf13/cobra"
)

func (a *app) importCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Restore an exported JSON Lines file into an empty ledger, verifying every hash",
		Long: "Import restores every event exactly (positions, times, hashes), checking each line's shape,\n" +
			"every hash chain and every seal as it goes, in one transaction: a malformed line (exit 2) or a\n" +
			"tampered one (exit 1) is named and nothing is written. Export after import reproduces the file.",
		Args: cobra.ExactArgs(1),
		// A KurrentDB ledger is filled by appends; and an export keeps its
		// positions, which only the embedded store can restore as they were.
		Annotations: embeddedOnly,
	}
	loadTrust := a.addTrustFlags(cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		t, err := loadTrust()
		if err != nil {
			return err
		}
		file, err := scanExport(args[0])
		if err != nil {
			return err
		}
		if err := checkLedgerPath(a.db); err != nil {
			return err
		}
		_, statErr := os.Stat(a.db)
		created := errors.Is(statErr, os.ErrNotExist)
		summary, err := a.restore(cmd, file, t)
		if err != nil && created {
			removeLedger(a.db) // a failed import leaves no empty ledger behind
		}
		var problem *events.Problem
		switch {
		case errors.As(err, &problem):
			res := verifyResult{Source: args[0], Problem: problem, Line: file.lineOf(problem)}
			t.describe(&res)
			return a.reportVerify(res)
		case errors.Is(err, events.ErrNotEmpty):
			return badInputf("%s already holds events: import restores into an empty ledger only", a.db)
		case err != nil:
			return err
		}
		if a.jsonOut {
			return a.printJSON(map[string]any{"imported": summary.Events, "summary": summary})
		}
		fmt.Fprintf(a.stdout, "imported %s in %s (%s) into %s\n", plural(summary.Events, "event"), plural(summary.Streams, "stream"), plural(summary.Seals, "seal"), a.db)
		if summary.Seals > 0 && !summary.SignaturesChecked {
			fmt.Fprintln(a.stdout, "seal signatures NOT checked: pass --pubkey FILE to check them")
		}
		return nil
	}
	a.addJSONFlag(cmd)
	return cmd
}

func (a *app) restore(cmd *cobra.Command, file *exportFile, t trust) (events.Summary, error) {
	store, err := sqlite.Open(cmd.Context(), a.db, sqlite.Options{})
	if _, err := badPath(store, err); err != nil {
		return events.Summary{}, err
	}
	defer store.Close()
	bar := a.newProgress("importing", len(file.positions))
	defer bar.Done()
	return store.Import(cmd.Context(), file.events(), t.options(file.seals, events.LogShape{}), func(events.Event) { bar.Step() })
}

// removeLedger deletes a ledger file and its companions.
func removeLedger(db string) {
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		os.Remove(db + suffix)
	}
}
