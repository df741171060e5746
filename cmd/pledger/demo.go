package main

import (
	"fmt"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/events"
	"github.com/spf13/cobra"
)

func (a *app) demoCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Write the demo project (Teams Phone migration) into an empty ledger",
		Long: "Write the deterministic demo: the Teams Phone migration, 800 users in four offices from March\n" +
			"to June 2026, recorded through the same commands users run — a late carrier, a change request,\n" +
			"risks realised, a disputed deliverable, invoices at every stage, people joining and leaving.\n" +
			"Recorded times follow the story. The ledger must be empty.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			summary, err := a.seedDemo(cmd)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(summary)
			}
			fmt.Fprintf(a.stdout, "wrote the demo project %s (%s): %d events from %d commands into %s\n",
				summary.Code, summary.ProjectID, summary.Events, summary.Commands, a.location())
			return nil
		},
	}
	a.addJSONFlag(cmd)
	return cmd
}

// seedDemo writes the demo into the empty ledger.
func (a *app) seedDemo(cmd *cobra.Command) (demo.Summary, error) {
	clock := &demo.Clock{}
	store, err := a.openLedger(cmd.Context(), false, clock.Now)
	if err != nil {
		return demo.Summary{}, err
	}
	defer store.Close()
	end, err := store.LastPosition(cmd.Context())
	if err != nil {
		return demo.Summary{}, err
	}
	if end > 0 {
		pick := "--db"
		if a.store == storeESDB {
			pick = "--esdb-ledger"
		}
		return demo.Summary{}, errNotEmpty{fmt.Errorf("%s already holds events up to position %d: the demo is written into an empty ledger (pick a new %s)", a.location(), end, pick)}
	}
	return demo.Seed(cmd.Context(), aggregates.NewRepository(store, events.NewCatalogue()), clock)
}
