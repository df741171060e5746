package main

import (
	"errors"
	"fmt"

	"github.com/pledger/pledger/events"
	"github.com/spf13/cobra"
)

func (a *app) importCommand() *cobra.Command {
	var pubkey string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Restore an exported JSON Lines file into an empty ledger, verifying every hash",
		Long: "Import restores every event exactly (positions, times, hashes), checking each line's shape,\n" +
			"every hash chain and every seal as it goes, in one transaction: a malformed line (exit 2) or a\n" +
			"tampered one (exit 1) is named and nothing is written. Export after import reproduces the file.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := loadPublicKey(pubkey, a.db)
			if err != nil {
				return err
			}
			file, err := scanExport(args[0])
			if err != nil {
				return err
			}
			store, err := openWrite(cmd.Context(), a.db)
			if err != nil {
				return err
			}
			defer store.Close()
			bar := a.newProgress("importing", len(file.positions))
			defer bar.Done()
			n := 0
			summary, err := store.Import(cmd.Context(), file.events(), events.VerifyOptions{Key: key, Seals: file.seals}, func(events.Event) {
				if n++; n%1000 == 0 {
					bar.Set(n)
				}
			})
			var problem *events.Problem
			switch {
			case errors.As(err, &problem):
				return a.reportVerify(verifyResult{Source: args[0], Problem: problem, Line: file.lineOf(problem.Position)})
			case errors.Is(err, events.ErrNotEmpty):
				return badInputf("%s already holds events: import restores into an empty ledger only", a.db)
			case err != nil:
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"imported": summary.Events, "summary": summary})
			}
			fmt.Fprintf(a.stdout, "imported %d events in %d streams (%d seals) into %s\n", summary.Events, summary.Streams, summary.Seals, a.db)
			return nil
		},
	}
	cmd.Flags().StringVar(&pubkey, "pubkey", "", "public key file (PEM) to check seal signatures with")
	a.addJSONFlag(cmd)
	return cmd
}
