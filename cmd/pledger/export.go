package main

import (
	"os"

	"github.com/pledger/pledger/events"
	"github.com/spf13/cobra"
)

func (a *app) exportCommand() *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the whole log as JSON Lines, one event per line, in global order",
		Long:  "Export every event with its full envelope and hashes (format: docs/format.md). The file can be\nverified offline (pledger verify --file) and restored (pledger import).",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "jsonl" {
				return badInputf("--format %q: the only format is jsonl", format)
			}
			ctx := cmd.Context()
			store, err := a.openRead(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			out := a.stdout
			if output != "" && output != "-" {
				f, err := os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
				if err != nil {
					return badInput{err}
				}
				defer f.Close()
				out = f
			}
			total, err := store.LastPosition(ctx)
			if err != nil {
				return err
			}
			bar := a.newProgress("exporting", eventsUpTo(store, total))
			defer bar.Done()
			err = exportLog(out, upTo(store.ReadAll(ctx, 0), total), func(events.Event) { bar.Step() })
			if err != nil {
				return err
			}
			if f, ok := out.(*os.File); ok && out != a.stdout {
				return f.Sync()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "jsonl", "export format (jsonl)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this new file instead of stdout")
	return cmd
}
