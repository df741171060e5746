package main

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/spf13/cobra"
)

func (a *app) tokenCommand() *cobra.Command {
	token := &cobra.Command{Use: "token", Short: "Issue, list and revoke API tokens",
		RunE: func(*cobra.Command, []string) error {
			return badInputf("token needs a subcommand: create, list or revoke")
		}}
	var role, project, vendor, name string
	create := &cobra.Command{
		Use:   "create --role R [--project ID] [--vendor V] [--name N]",
		Short: "Issue a token and print it (alone, once) on stdout",
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			if name == "" {
				name = role
			}
			secret, _, err := api.IssueToken(cmd.Context(), aggregates.NewRepository(store, events.NewCatalogue()),
				aggregates.IssueToken{Name: name, Role: role, ProjectID: project, VendorID: vendor}, aggregates.Meta{Actor: a.actor, Reason: "pledger token create"})
			if err != nil {
				return domainError(err)
			}
			_, err = fmt.Fprintln(a.stdout, secret)
			return err
		},
	}
	create.Flags().StringVar(&role, "role", "", "admin, pm, coordinator, contributor, auditor or vendor")
	create.Flags().StringVar(&project, "project", "", "the project id the token is for (default: every project)")
	create.Flags().StringVar(&vendor, "vendor", "", "for a vendor token: the vendor's id")
	create.Flags().StringVar(&name, "name", "", "who holds it: recorded as the actor of everything it does")
	a.addActorFlag(create)

	list := &cobra.Command{
		Use:   "list",
		Short: "Every token issued and whether it is revoked (never the tokens themselves)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			all, err := aggregates.NewRepository(store, events.NewCatalogue()).ListTokens(cmd.Context())
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(all)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			row(tw, "TOKEN", "NAME", "ROLE", "PROJECT", "VENDOR", "REVOKED")
			for _, t := range all {
				row(tw, t.TokenID, t.Name, t.Role, t.ProjectID, t.VendorID, t.Revoked)
			}
			return tw.Flush()
		},
	}
	a.addJSONFlag(list)

	var reason string
	revoke := &cobra.Command{
		Use:   "revoke TOKEN_ID --reason WHY",
		Short: "Revoke a token",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			defer store.Close()
			_, err = aggregates.NewRepository(store, events.NewCatalogue()).RevokeToken(cmd.Context(), aggregates.RevokeToken{TokenID: args[0]},
				aggregates.Meta{Actor: a.actor, Reason: reason})
			if err != nil {
				return domainError(err)
			}
			fmt.Fprintf(a.stdout, "revoked %s\n", args[0])
			return nil
		},
	}
	revoke.Flags().StringVar(&reason, "reason", "", "why (required)")
	a.addActorFlag(revoke)
	token.AddCommand(create, list, revoke)
	for _, c := range token.Commands() {
		c.Args = wrapArgs(c.Args)
	}
	return token
}

// domainError makes a refused command bad input (exit 2).
func domainError(err error) error {
	var e *aggregates.Error
	if errors.As(err, &e) {
		return badInput{err}
	}
	return err
}
