package main

import (
	"fmt"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
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
			summary, err := seedDemo(cmd, a.db)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(summary)
			}
			fmt.Fprintf(a.stdout, "wrote the demo project %s (%s): %d events from %d commands into %s\n",
				summary.Code, summary.ProjectID, summary.Events, summary.Commands, a.db)
			return nil
		},
	}
	a.addJSONFlag(cmd)
	return cmd
}

// seedDemo writes the demo into the empty ledger at db.
func seedDemo(cmd *cobra.Command, db string) (demo.Summary, error) {
	clock := &demo.Clock{}
	store, err := sqlite.Open(cmd.Context(), db, sqlite.Options{Clock: clock.Now})
	if err != nil {
		return demo.Summary{}, err
	}
	defer store.Close()
	end, err := store.LastPosition(cmd.Context())
	if err != nil {
		return demo.Summary{}, err
	}
	if end > 0 {
		return demo.Summary{}, badInputf("%s already holds %d events: the demo is written into an empty ledger (pick a new --db)", db, end)
	}
	return demo.Seed(cmd.Context(), aggregates.NewRepository(store, events.NewCatalogue()), clock)
}
