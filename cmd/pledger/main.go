// Command pledger is the event-sourced project ledger: one binary for
// creating, sealing, verifying, exporting, importing and benchmarking a
// ledger. Run `pledger --help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// A closed pipe on stdout becomes an EPIPE error to handle, not a kill.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
