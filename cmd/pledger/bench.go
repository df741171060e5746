package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"text/tabwriter"

	"github.com/pledger/pledger/api/apibench"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite/storebench"
	"github.com/pledger/pledger/projections/viewbench"
	"github.com/spf13/cobra"
)

func (a *app) benchCommand() *cobra.Command {
	bench := &cobra.Command{
		Use:         "bench",
		Short:       "Measure pledger against the raw engine's limit, in the same run",
		Annotations: embeddedOnly, // it makes its own files
		RunE: func(cmd *cobra.Command, _ []string) error {
			return badInputf("bench needs a subcommand: %s", "store")
		},
	}
	bench.AddCommand(a.benchStoreCommand(), a.benchViewsCommand(), a.benchAPICommand())
	return bench
}

type benchReport struct {
	Figures   []storebench.Figure `json:"figures"`
	Events    int                 `json:"events"`
	PeakRSSMB float64             `json:"peak_rss_mb"`
	Kept      string              `json:"kept,omitempty"`
}

func (a *app) benchStoreCommand() *cobra.Command {
	var n int
	var keep string
	cmd := &cobra.Command{
		Use:   "store",
		Short: "Write a synthetic ledger and compare append and read rates with raw SQLite",
		Long: "Writes a synthetic multi-stream ledger of N events (payloads of 300-1000 bytes) and reports\n" +
			"pledger beside plain SQLite on the same rows: batch_append (verified bulk import vs batched\n" +
			"INSERTs), concurrent_append (32 writers, durable: group commit vs one INSERT+commit per\n" +
			"event), read_all (decoded events vs a plain row scan). Rates are events per second.\n" +
			"The kept ledger holds the N imported events plus the concurrent phase's (N/10, 2,000 to\n" +
			"20,000, in 32 bench-writer streams) and a seal.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 1 {
				return badInputf("--events must be at least 1")
			}
			work, err := os.MkdirTemp("", "pledger-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(work)
			ledger := filepath.Join(work, "pledger.db")
			if keep != "" {
				for _, p := range []string{keep, privateKeyPath(keep), publicKeyPath(keep)} {
					if _, err := os.Stat(p); err == nil {
						return badInputf("--keep %s: %s exists; pick a new path", keep, p)
					}
				}
				if err := checkLedgerPath(keep); err != nil {
					return err
				}
				ledger = keep
			}
			stages := a.newStages()
			figures, err := storebench.Run(cmd.Context(), storebench.Options{
				Events: n, Ledger: ledger, WorkDir: work, Progress: stages.report,
			})
			stages.done()
			if err != nil {
				return err
			}
			report := benchReport{Figures: figures, Events: n, PeakRSSMB: peakRSSMB()}
			if keep != "" {
				if err := a.sealKept(cmd, keep); err != nil {
					return err
				}
				report.Kept = keep
			}
			return a.printBench(report)
		},
	}
	cmd.Flags().IntVar(&n, "events", 200000, "number of events in the synthetic ledger")
	cmd.Flags().StringVar(&keep, "keep", "", "leave the generated ledger (sealed, with its key) at this new path")
	a.addJSONFlag(cmd)
	return cmd
}

// sealKept gives a kept bench ledger a signing key and a seal, so it can be
// inspected and verified like any other.
func (a *app) sealKept(cmd *cobra.Command, db string) error {
	kept := *a
	kept.db, kept.store = db, storeSQLite
	if _, err := kept.initLedger(cmd.Context()); err != nil {
		return err
	}
	key, err := loadPrivateKey(db)
	if err != nil {
		return err
	}
	store, err := kept.openWrite(cmd.Context())
	if err != nil {
		return err
	}
	defer store.Close()
	_, err = events.SealLedger(cmd.Context(), store, key, "pledger-bench")
	return err
}

func (a *app) printBench(r benchReport) error {
	if a.jsonOut {
		return a.printJSON(r)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "figure\tevents\tpledger ev/s\traw limit ev/s\tratio\t")
	for _, f := range r.Figures {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%.2f\t\n", f.Name, f.Events, f.Rate, f.LimitRate, f.Ratio)
	}
	tw.Flush()
	fmt.Fprintf(a.stdout, "peak memory %.0f MB\n", r.PeakRSSMB)
	if r.Kept != "" {
		fmt.Fprintf(a.stdout, "ledger kept at %s (sealed; try: pledger verify --db %s)\n", r.Kept, r.Kept)
	}
	return nil
}

// peakRSSMB is the process's peak resident memory so far.
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}

type viewBenchReport struct {
	Figures   []viewbench.Figure `json:"figures"`
	Events    int                `json:"events"`
	PeakRSSMB float64            `json:"peak_rss_mb"`
}

func (a *app) benchViewsCommand() *cobra.Command {
	var n, queries int
	cmd := &cobra.Command{
		Use:   "views",
		Short: "Time as-of queries on a large project, and rebuilding views against a raw read of the log",
		Long: "Writes a synthetic project of N events (risk reviews, issues, progress, costs, actions) and\n" +
			"reports as_of_p50_ms and as_of_p99_ms (a random as-of RAID + budget question) and rebuild\n" +
			"(events folded per second from the log, next to a raw scan of the same log).",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 300 {
				return badInputf("--events must be at least 300")
			}
			if queries < 1 {
				return badInputf("--queries must be at least 1")
			}
			work, err := os.MkdirTemp("", "pledger-bench-views-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(work)
			stages := a.newStages()
			figures, err := viewbench.Run(cmd.Context(), viewbench.Options{Events: n, Queries: queries, Ledger: filepath.Join(work, "views.db"),
				Progress: stages.report})
			stages.done()
			if err != nil {
				return err
			}
			r := viewBenchReport{Figures: figures, Events: n, PeakRSSMB: peakRSSMB()}
			if a.jsonOut {
				return a.printJSON(r)
			}
			for _, f := range r.Figures {
				if f.Rate > 0 {
					fmt.Fprintf(a.stdout, "%-14s %10.0f events/s  (raw read %.0f events/s, ratio %.2f)\n", f.Name, f.Rate, f.LimitRate, f.Ratio)
				} else {
					fmt.Fprintf(a.stdout, "%-14s %10.2f ms  (%d queries on %d events)\n", f.Name, f.Value, f.Queries, f.Events)
				}
			}
			fmt.Fprintf(a.stdout, "peak memory %.0f MB\n", r.PeakRSSMB)
			return nil
		},
	}
	cmd.Flags().IntVar(&n, "events", 100000, "number of events in the synthetic project")
	cmd.Flags().IntVar(&queries, "queries", 1000, "number of as-of queries to time")
	a.addJSONFlag(cmd)
	return cmd
}

type apiBenchReport struct {
	Figures   []apibench.Figure `json:"figures"`
	PeakRSSMB float64           `json:"peak_rss_mb"`
}

func (a *app) benchAPICommand() *cobra.Command {
	var opts apibench.Options
	cmd := &cobra.Command{
		Use:   "api",
		Short: "Serve the API on loopback and load it: writes, current reads, as-of reads",
		Long: "Starts the server on 127.0.0.1 over a new ledger holding the demo, then measures write (clients\n" +
			"creating risks on one project: requests/s, p50/p99 ms), read (the demo's RAID log now) and\n" +
			"read_as_of (the RAID log as of past days), with the load generator in the same process.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Writes < 0 || opts.Reads < 0 || opts.Clients < 0 {
				return badInputf("--writes, --reads and --clients must not be negative")
			}
			work, err := os.MkdirTemp("", "pledger-bench-api-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(work)
			opts.Ledger = filepath.Join(work, "api.db")
			figures, err := apibench.Run(cmd.Context(), opts)
			if err != nil {
				return err
			}
			r := apiBenchReport{Figures: figures, PeakRSSMB: peakRSSMB()}
			if a.jsonOut {
				return a.printJSON(r)
			}
			for _, f := range r.Figures {
				fmt.Fprintf(a.stdout, "%-11s %8.0f requests/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d clients)\n", f.Name, f.Rate, f.P50ms, f.P99ms, f.Requests, f.Clients)
			}
			fmt.Fprintf(a.stdout, "peak memory %.0f MB\n", r.PeakRSSMB)
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.Writes, "writes", 6400, "risk creations")
	cmd.Flags().IntVar(&opts.Reads, "reads", 20000, "reads of each kind")
	cmd.Flags().IntVar(&opts.Clients, "clients", 32, "concurrent clients")
	a.addJSONFlag(cmd)
	return cmd
}
