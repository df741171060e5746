package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/relay"
	"github.com/pledger/pledger/events/relay/natsrelay"
	"github.com/spf13/cobra"
)

func (a *app) serveCommand() *cobra.Command {
	var addr string
	var withDemo bool
	var grace, dedupWindow time.Duration
	var publishURL string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API on the ledger",
		Long: "Serve the HTTP API (docs/api.md) on the ledger: the --db file, or a KurrentDB ledger shared with\n" +
			"other nodes (--store esdb, docs/operations.md). --demo first writes the demo project\n" +
			"into an empty ledger and prints one token per role. On SIGINT or SIGTERM the server stops\n" +
			"taking connections and finishes the requests in flight (up to --grace) before it exits.\n\n" +
			"--publish nats://HOST:PORT also relays every event, at least once and in log order, to NATS\n" +
			"JetStream (subjects pledger.events.<type> in stream PLEDGER_EVENTS, the message id being the\n" +
			"event id); its checkpoint is the file beside the ledger ending in .nats.relay. A broker that is\n" +
			"down never blocks an append: the relay retries, and its lag is on /metrics.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if publishURL != "" && !strings.HasPrefix(publishURL, "nats://") {
				return badInputf("--publish %q: the broker URL must start with nats://", publishURL)
			}
			seeded := false
			if withDemo {
				var err error
				if seeded, err = a.seedIfEmpty(cmd); err != nil {
					return err
				}
			}
			store, err := a.openWrite(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			log := slog.New(slog.NewTextHandler(a.stderr, nil))
			metrics := api.NewMetrics()
			// The relay publishes every committed event, from its checkpoint, to
			// an in-process watermill channel; the live event stream reads it.
			quiet := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})) // watermill says much at info
			channel := relay.NewGoChannel(watermill.NewSlogLogger(quiet))
			defer channel.Close()
			publisher := relay.New(store, channel, relay.NewFileCheckpoint(relay.CheckpointPath(a.db)),
				relay.Options{Log: log, Lag: metrics.RelayLag("embedded")})
			var toBroker *relay.Relay
			if publishURL != "" {
				broker, err := natsrelay.New(natsrelay.Config{URL: publishURL, DuplicateWindow: dedupWindow}, watermill.NewSlogLogger(quiet))
				if err != nil {
					return err
				}
				defer broker.Close() // deferred before the workers stop, so it runs after
				toBroker = relay.New(store, broker, relay.NewFileCheckpoint(natsrelay.CheckpointPath(a.db)),
					relay.Options{Log: log.With("relay", "nats"), Lag: metrics.RelayLag("nats")})
			}
			server := api.New(api.Config{Store: metrics.Store(store), Clock: a.now, Log: log, Metrics: metrics,
				Feed: api.NewWatermillFeed(channel, publisher.Topic())})
			if seeded {
				if err := a.printDemoTokens(ctx, store, addr); err != nil {
					return err
				}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return badInputf("--addr %s: %v", addr, err)
			}
			ln.Close() // checked early: a taken port is bad input, not a crash after seeding
			background, stopBackground := context.WithCancel(ctx)
			var workers sync.WaitGroup
			workers.Go(func() { server.Engine().Run(background, 0) }) // keeps loaded views current
			workers.Go(func() { publisher.Run(background) })          // feeds the event stream
			if toBroker != nil {
				workers.Go(func() { toBroker.Run(background) }) // feeds the broker
				fmt.Fprintf(a.stdout, "publishing every event to %s\n", publishURL)
			}
			defer func() { stopBackground(); workers.Wait() }()
			fmt.Fprintf(a.stdout, "pledger serving %s on http://%s\n", a.location(), addr)
			err = server.Run(ctx, addr, grace)
			if errors.Is(err, context.Canceled) {
				err = nil
			}
			return err
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&withDemo, "demo", false, "write the demo project into an empty ledger first and print a token per role")
	cmd.Flags().StringVar(&publishURL, "publish", "", "also publish every event to NATS JetStream at this nats:// URL")
	cmd.Flags().DurationVar(&dedupWindow, "publish-dedup-window", natsrelay.DefaultDuplicateWindow, "JetStream de-duplication window for --publish")
	cmd.Flags().DurationVar(&grace, "grace", 30*time.Second, "how long shutdown waits for requests in flight")
	return cmd
}

// seedIfEmpty writes the demo into the ledger if it holds nothing yet.
func (a *app) seedIfEmpty(cmd *cobra.Command) (bool, error) {
	_, err := a.seedDemo(cmd)
	if errors.As(err, new(errNotEmpty)) {
		return false, nil // not empty: serve it as it is
	}
	return err == nil, err
}

// printDemoTokens issues and prints one token per role for the demo.
func (a *app) printDemoTokens(ctx context.Context, store aggregates.Store, addr string) error {
	repo := aggregates.NewRepository(store, events.NewCatalogue())
	project := demo.ProjectID().String()
	fmt.Fprintf(a.stdout, "demo project TPM: http://%s/v1/projects/%s\ntokens (shown once):\n", addr, project)
	for _, g := range []struct{ role, project, vendor string }{
		{events.RoleAdmin, "", ""}, {events.RolePM, project, ""}, {events.RoleCoordinator, project, ""},
		{events.RoleContributor, project, ""}, {events.RoleAuditor, project, ""},
		{events.RoleVendor, project, demo.VendorID("NordTel Carrier GmbH").String()},
	} {
		token, _, err := api.IssueToken(ctx, repo, aggregates.IssueToken{Name: "demo " + g.role, Role: g.role, ProjectID: g.project, VendorID: g.vendor},
			aggregates.Meta{Actor: "pledger serve --demo", Reason: "demo tokens"})
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "  %-12s %s\n", g.role, token)
	}
	return nil
}
