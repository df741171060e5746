package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/pledger/pledger/events/esdb"
	"github.com/spf13/cobra"
)

// Exit codes: 0 success, 1 the ledger (or file) failed a check or the work
// failed, 2 bad input (flags, arguments, a malformed file); nothing is
// written in the last case.
const (
	exitOK       = 0
	exitFailed   = 1
	exitBadInput = 2
)

// badInput marks an error as the user's input being wrong (exit code 2).
type badInput struct{ err error }

func (e badInput) Error() string { return e.err.Error() }
func (e badInput) Unwrap() error { return e.err }

func badInputf(format string, args ...any) error { return badInput{fmt.Errorf(format, args...)} }

// errCheckFailed is an error whose message has already been printed (a failed
// verification): exit 1 without printing it again.
var errCheckFailed = errors.New("check failed")

// app carries what every command needs; nothing is global.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time

	db         string
	store      string // storeSQLite or storeESDB
	esdbURL    string
	esdbLedger string
	jsonOut    bool
	actor      string
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, now: time.Now}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errCheckFailed):
		return exitFailed
	case errors.Is(err, syscall.EPIPE):
		return exitOK // the reader went away (pledger export | head): nothing more to say
	case errors.As(err, new(badInput)), strings.HasPrefix(err.Error(), "unknown command"):
		fmt.Fprintln(stderr, "pledger:", err)
		return exitBadInput
	default:
		fmt.Fprintln(stderr, "pledger:", err)
		return exitFailed
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "pledger",
		Short:         "An event-sourced project ledger with an audit trail",
		Long:          "pledger records every scope change, risk, budget entry, vendor deliverable, decision and action\nof an IT project as an immutable, hash-chained event, and proves nothing was altered.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	defaultDB := a.getenv("PLEDGER_DB")
	if defaultDB == "" {
		defaultDB = "pledger.db"
	}
	root.PersistentFlags().StringVar(&a.db, "db", defaultDB, "ledger file; with --store esdb, where this node keeps its key and relay checkpoints (env PLEDGER_DB)")
	root.PersistentFlags().StringVar(&a.store, "store", a.envOr("PLEDGER_STORE", storeSQLite),
		"where the log lives: sqlite (the --db file) or esdb (a KurrentDB ledger) (env PLEDGER_STORE)")
	root.PersistentFlags().StringVar(&a.esdbURL, "esdb-url", a.getenv("PLEDGER_ESDB_URL"),
		"KurrentDB connection string for --store esdb, e.g. esdb://127.0.0.1:2113?tls=false (env PLEDGER_ESDB_URL)")
	root.PersistentFlags().StringVar(&a.esdbLedger, "esdb-ledger", a.envOr("PLEDGER_ESDB_LEDGER", esdb.DefaultLedger),
		"the ledger's name in KurrentDB, the prefix of its streams (env PLEDGER_ESDB_LEDGER)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return a.checkStoreFlags(cmd) }
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput{err} })
	root.AddCommand(
		a.initCommand(),
		a.keyCommand(),
		a.sealCommand(),
		a.verifyCommand(),
		a.exportCommand(),
		a.importCommand(),
		a.benchCommand(),
		a.eventsCommand(),
		a.projectsCommand(),
		a.demoCommand(),
		a.raidCommand(),
		a.budgetCommand(),
		a.scheduleCommand(),
		a.vendorsCommand(),
		a.decisionsCommand(),
		a.changesCommand(),
		a.actionsCommand(),
		a.documentsCommand(),
		a.teamCommand(),
		a.attentionCommand(),
		a.diffCommand(),
		a.historyCommand(),
		a.whyCommand(),
		a.dossierCommand(),
		a.reportCommand(),
		a.serveCommand(),
		a.tokenCommand(),
		a.rebuildCommand(),
	)
	for _, c := range root.Commands() {
		c.Args = wrapArgs(c.Args)
	}
	return root
}

// wrapArgs makes argument-count errors bad input.
func wrapArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	if check == nil {
		check = cobra.NoArgs
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return badInput{err}
		}
		return nil
	}
}

// envOr is the environment variable's value, or def when it is unset.
func (a *app) envOr(name, def string) string {
	if v := a.getenv(name); v != "" {
		return v
	}
	return def
}

func (a *app) addJSONFlag(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&a.jsonOut, "json", false, "print JSON instead of text")
}

func (a *app) addActorFlag(cmd *cobra.Command) {
	actor := a.getenv("PLEDGER_ACTOR")
	if actor == "" {
		actor = a.getenv("USER")
	}
	if actor == "" {
		actor = "pledger-cli"
	}
	cmd.Flags().StringVar(&a.actor, "actor", actor, "who is acting, recorded in the envelope (env PLEDGER_ACTOR)")
}

// printJSON writes v as indented JSON on stdout.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// isTerminal reports whether w is a terminal, so progress is shown only to people.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
