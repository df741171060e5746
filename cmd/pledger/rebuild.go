package main

import (
	"fmt"

	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
	"github.com/spf13/cobra"
)

func (a *app) rebuildCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Recompute every project's views from the log",
		Long: "Recompute every view of every project from the log, folding each event again. Views are folds\n" +
			"kept in memory by a running server and computed on demand by the CLI, so rebuild is how to\n" +
			"check that the whole log still folds (after an upgrade, say) and how fast.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, err := a.openRead(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			total, err := store.LastPosition(ctx)
			if err != nil {
				return err
			}
			bar := a.newProgress("rebuilding", eventsUpTo(store, total))
			engine := projections.NewEngine(store, events.NewCatalogue(), a.now, 0)
			sum, err := engine.Rebuild(ctx, func(int) { bar.Step() })
			bar.Done()
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(sum)
			}
			rate := float64(sum.Events) / max(sum.Seconds, 1e-9)
			fmt.Fprintf(a.stdout, "rebuilt %s of %s in %.2fs (%.0f events/s)\n", plural(sum.Projects, "project"), plural(sum.Events, "event"), sum.Seconds, rate)
			return nil
		},
	}
	a.addJSONFlag(cmd)
	return cmd
}
