package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
	"github.com/spf13/cobra"
)

// explainCommand is a read command with its own arguments and flags,
// printing JSON or text.
func explainCommand[V any](a *app, cmd *cobra.Command, compute func(ctx context.Context, s *viewSession, args []string) (V, error), text func(w io.Writer, v V)) *cobra.Command {
	var f viewFlags
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		s, err := a.openViews(cmd.Context(), f)
		if err != nil {
			return err
		}
		defer s.Close()
		v, err := compute(cmd.Context(), s, args)
		switch {
		case errors.Is(err, projections.ErrNoSuchItem), errors.Is(err, projections.ErrNoSuchEvent):
			return badInput{err}
		case err != nil:
			return viewError(err)
		}
		if a.jsonOut {
			return a.printJSON(v)
		}
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		text(tw, v)
		return tw.Flush()
	}
	a.addViewFlags(cmd, &f)
	return cmd
}

func (a *app) diffCommand() *cobra.Command {
	var from, to string
	cmd := explainCommand(a, &cobra.Command{
		Use:   "diff --from T --to T",
		Short: "What was added, changed and closed between two moments, grouped by item",
	}, func(ctx context.Context, s *viewSession, _ []string) (projections.Diff, error) {
		fromQ, err := boundQuery("--from", from, s.query)
		if err != nil {
			return projections.Diff{}, err
		}
		toQ, err := boundQuery("--to", to, s.query)
		if err != nil {
			return projections.Diff{}, err
		}
		return s.engine.Diff(ctx, s.project, fromQ, toQ)
	}, func(w io.Writer, d projections.Diff) {
		fmt.Fprintf(w, "Changes in %s %s from %s to %s\n\n", d.To.Code, d.To.Name, d.From.AsOf, d.To.AsOf)
		for _, section := range []struct {
			name  string
			items []projections.DiffItem
		}{{"added", d.Added}, {"changed", d.Changed}, {"closed", d.Closed}, {"removed", d.Removed}} {
			for _, it := range section.items {
				status := ""
				if it.Status != "" {
					status = " (" + it.Status + ")"
				}
				fmt.Fprintf(w, "%s %s %s%s: %s\n", section.name, it.Kind, it.ID, status, oneLine(it.Title))
				for _, f := range it.Fields {
					fmt.Fprintf(w, "    %s: %s → %s\n", f.Field, string(f.Old), string(f.New))
				}
			}
		}
	})
	cmd.Flags().StringVar(&from, "from", "", "the earlier moment (RFC 3339, a date or pos:N)")
	cmd.Flags().StringVar(&to, "to", "", "the later moment (default: now)")
	return cmd
}

// boundQuery reads a moment flag into a query that keeps --effective.
func boundQuery(flag, value string, base projections.Query) (projections.Query, error) {
	b, err := projections.ParseBound(value)
	if err != nil {
		return base, badInputf("%s %w", flag, err)
	}
	if flag == "--from" && b.IsZero() {
		return base, badInputf("--from is required")
	}
	return projections.Query{AsOf: b, Effective: base.Effective}, nil
}

func (a *app) historyCommand() *cobra.Command {
	return explainCommand(a, &cobra.Command{
		Use:   "history ITEM",
		Short: "Every event that touched an item (R-1, CR-1, DL-2, INV-3, a person's e-mail…)",
		Args:  cobra.ExactArgs(1),
	}, func(ctx context.Context, s *viewSession, args []string) (projections.History, error) {
		return s.engine.History(ctx, s.project, args[0], s.query.AsOf)
	}, func(w io.Writer, h projections.History) {
		fmt.Fprintf(w, "History of %s %s %s\n\n", h.Kind, h.Item, h.Title)
		row(w, "POSITION", "RECORDED", "EFFECTIVE", "ACTOR", "TYPE", "WHAT", "REASON")
		for _, e := range h.Events {
			row(w, e.Position, e.RecordedAt, events.DateOf(e.EffectiveAt), e.Actor, e.Type, e.Summary, e.Reason)
		}
	})
}

func (a *app) whyCommand() *cobra.Command {
	return explainCommand(a, &cobra.Command{
		Use:   "why ITEM|EVENT",
		Short: "The causal chain behind an item or an event: causes, the CR and decision it rests on, who approved",
		Args:  cobra.ExactArgs(1),
	}, func(ctx context.Context, s *viewSession, args []string) (projections.WhyTree, error) {
		return s.engine.Why(ctx, s.project, args[0], s.query.AsOf)
	}, func(w io.Writer, t projections.WhyTree) {
		fmt.Fprintf(w, "Why %s %s %s\n\n", t.Kind, t.Ref, t.Title)
		for _, root := range t.Roots {
			printWhy(w, root, "")
		}
	})
}

func printWhy(w io.Writer, n projections.WhyNode, indent string) {
	via := ""
	if len(n.Via) > 0 {
		via = " [" + strings.Join(n.Via, ", ") + "]"
	}
	mark := ""
	switch {
	case n.Missing:
		mark = " (not in this project's log)"
	case n.Repeat:
		mark = " (shown above)"
	}
	fmt.Fprintf(w, "%s%s  %s by %s at pos %d%s%s\n", indent, n.Summary, events.DateOf(n.EffectiveAt), n.Actor, n.Position, via, mark)
	if n.Reason != "" && !n.Repeat {
		fmt.Fprintf(w, "%s  reason: %s\n", indent, oneLine(n.Reason))
	}
	for _, c := range n.Children {
		printWhy(w, c, indent+"    ")
	}
}

func (a *app) dossierCommand() *cobra.Command {
	var vendor, contract string
	cmd := explainCommand(a, &cobra.Command{
		Use:   "dossier --vendor V | --contract C",
		Short: "A vendor's or contract's whole story: as signed, amendments and their CRs, submissions, rejections, disputes, invoices, payments",
	}, func(ctx context.Context, s *viewSession, _ []string) (projections.Dossier, error) {
		if (vendor == "") == (contract == "") {
			return projections.Dossier{}, badInputf("give exactly one of --vendor and --contract")
		}
		return s.engine.Dossier(ctx, s.project, vendor, contract, s.query.AsOf)
	}, func(w io.Writer, d projections.Dossier) {
		name := d.VendorID
		if d.Vendor != nil {
			name = d.Vendor.Name
		}
		fmt.Fprintf(w, "Dossier: %s, project %s (%s)\n", name, d.Code, d.AsOf)
		for _, c := range d.Contracts {
			fmt.Fprintf(w, "\n%s %s: value %s %s (signed %s at %s %s)\n", c.ContractID, c.Title, c.Currency, money(c.Value),
				c.AsSigned.SignedOn, c.Currency, money(c.AsSigned.Value))
			for _, am := range c.Amendments {
				cr := am.ChangeRequest
				fmt.Fprintf(w, "  amended by %s (%s): value %+.2f, approved by %s: %s\n", cr.CRID, cr.Title, float64(am.ValueDelta)/100, cr.Approver, cr.Rationale)
			}
			for _, dl := range c.Deliverables {
				fmt.Fprintf(w, "  %s %s — due %s, %s\n", dl.DeliverableID, dl.Title, dl.Due, dl.Status)
				for _, st := range dl.Timeline {
					detail := st.Text
					if st.CriterionID != "" {
						detail = fmt.Sprintf("on %s %q: %s", st.CriterionID, st.CriterionText, st.Text)
					}
					fmt.Fprintf(w, "    %s  %-9s %s %s\n", events.DateOf(st.EffectiveAt), st.Step, st.Person, oneLine(detail))
				}
			}
			for _, inv := range c.Invoices {
				var stages []string
				for _, st := range inv.Stages {
					stages = append(stages, fmt.Sprintf("%s %s", st.Type[strings.LastIndex(st.Type, "_")+1:], events.DateOf(st.EffectiveAt)))
				}
				fmt.Fprintf(w, "  invoice %s %s %s: %s\n", inv.Number, c.Currency, money(inv.Amount), strings.Join(stages, ", "))
			}
		}
	})
	cmd.Flags().StringVar(&vendor, "vendor", "", "the vendor's id")
	cmd.Flags().StringVar(&contract, "contract", "", "the contract's id (C-1…)")
	return cmd
}

func (a *app) reportCommand() *cobra.Command {
	report := &cobra.Command{Use: "report", Short: "Reports computed from the ledger",
		RunE: func(*cobra.Command, []string) error { return badInputf("report needs a subcommand: status") }}
	var from, to, format string
	var publish bool
	var f viewFlags
	status := &cobra.Command{
		Use:   "status",
		Short: "A status report for a period, as of a date: RAG with its rules, key changes, risks, budget and EVM, milestones, decisions, overdue actions",
		Long: "Render a status report in Markdown (default) or HTML. The period defaults to the two weeks ending on\n" +
			"the --as-of date (or today). --publish records it as an event, so what was reported can later be\n" +
			"put beside what the ledger said that day.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "md" && format != "html" {
				return badInputf("--format %q: md or html", format)
			}
			ctx := cmd.Context()
			s, err := a.openViews(ctx, f)
			if err != nil {
				return err
			}
			r, err := a.statusReport(ctx, s, from, to)
			s.Close()
			if err != nil {
				return err
			}
			if publish {
				if err := a.publishReport(ctx, s.project, r); err != nil {
					return err
				}
			}
			switch {
			case a.jsonOut:
				return a.printJSON(r)
			case format == "html":
				_, err = io.WriteString(a.stdout, r.HTML())
			default:
				_, err = io.WriteString(a.stdout, r.Markdown())
			}
			return err
		},
	}
	a.addViewFlags(status, &f)
	status.Flags().StringVar(&from, "from", "", "first day of the period (default: 13 days before --to)")
	status.Flags().StringVar(&to, "to", "", "last day of the period (default: the --as-of date, or today)")
	status.Flags().StringVar(&format, "format", "md", "md or html")
	status.Flags().BoolVar(&publish, "publish", false, "record the report as a report.status_published event")
	a.addActorFlag(status)
	report.AddCommand(status)
	return report
}

func (a *app) statusReport(ctx context.Context, s *viewSession, from, to string) (projections.StatusReport, error) {
	end := events.DateOf(a.now())
	if !s.query.AsOf.Time.IsZero() {
		end = events.DateOf(s.query.AsOf.Time)
	}
	var err error
	if to != "" {
		if end, err = events.ParseDate(to); err != nil {
			return projections.StatusReport{}, badInputf("--to %w", err)
		}
	}
	start := end.AddDays(-13)
	if from != "" {
		if start, err = events.ParseDate(from); err != nil {
			return projections.StatusReport{}, badInputf("--from %w", err)
		}
	}
	if end.Before(start) {
		return projections.StatusReport{}, badInputf("--to %s is before --from %s", end, start)
	}
	r, err := s.engine.StatusReport(ctx, s.project, s.query, start, end)
	return r, viewError(err)
}

// publishReport records a rendered report through the same command users run.
func (a *app) publishReport(ctx context.Context, project uuid.UUID, r projections.StatusReport) error {
	store, err := a.openWrite(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	repo := aggregates.NewRepository(store, events.NewCatalogue())
	res, err := repo.ExecProject(ctx, project, aggregates.PublishStatusReport{PeriodFrom: r.PeriodFrom, PeriodTo: r.PeriodTo,
		AsOf: r.Position, RAG: r.RAGMap(), Summary: r.Summary, Markdown: r.Markdown()},
		aggregates.Meta{Actor: a.actor, Reason: "status report published"})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "published as %s at position %d\n", res.Events[0].Type, res.Events[0].Position)
	return nil
}
