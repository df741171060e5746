package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/projections"
	"github.com/spf13/cobra"
)

// viewFlags are what every view command takes: which project, and when.
type viewFlags struct {
	project   string
	asOf      string
	effective string
}

func (a *app) addViewFlags(cmd *cobra.Command, f *viewFlags) {
	cmd.Flags().StringVar(&f.project, "project", "", "project id or code (default: the only project)")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "what the ledger knew at T: RFC 3339, a date (its end, UTC) or pos:N")
	cmd.Flags().StringVar(&f.effective, "effective", "", "the state of the world at business time T, by what is known (as of --as-of)")
	a.addJSONFlag(cmd)
}

// query reads --as-of and --effective.
func (f viewFlags) query() (projections.Query, error) {
	var q projections.Query
	var err error
	if q.AsOf, err = projections.ParseBound(f.asOf); err != nil {
		return q, badInputf("--as-of %w", err)
	}
	if f.effective != "" {
		if q.Effective, err = projections.ParseTime(f.effective); err != nil {
			return q, badInputf("--effective %w", err)
		}
	}
	return q, nil
}

// viewSession is an open ledger, an engine over it and the project asked about.
type viewSession struct {
	store   ledger
	engine  *projections.Engine
	project uuid.UUID
	query   projections.Query
}

// openViews opens the ledger read-only for a view command.
func (a *app) openViews(ctx context.Context, f viewFlags) (*viewSession, error) {
	q, err := f.query()
	if err != nil {
		return nil, err
	}
	store, err := a.openRead(ctx)
	if err != nil {
		return nil, err
	}
	engine := projections.NewEngine(store, events.NewCatalogue(), a.now, 0)
	id, err := pickProject(ctx, engine, f.project)
	if err != nil {
		store.Close()
		return nil, err
	}
	return &viewSession{store: store, engine: engine, project: id, query: q}, nil
}

func (v *viewSession) Close() error { return v.store.Close() }

// pickProject resolves --project (an id or a code), or the only project.
func pickProject(ctx context.Context, e *projections.Engine, ref string) (uuid.UUID, error) {
	projects, err := e.Projects(ctx)
	if err != nil {
		return uuid.Nil, err
	}
	if ref == "" {
		if len(projects) != 1 {
			return uuid.Nil, badInputf("--project is required: the ledger holds %d projects (see pledger projects)", len(projects))
		}
		return uuid.Parse(projects[0].ProjectID)
	}
	for _, p := range projects {
		if p.ProjectID == ref || strings.EqualFold(p.Code, ref) {
			return uuid.Parse(p.ProjectID)
		}
	}
	return uuid.Nil, badInputf("--project %q: no project with that id or code (see pledger projects)", ref)
}

// viewCommand builds a read-only command that computes a view and prints
// it as JSON or as text.
func viewCommand[V any](a *app, use, short string, extra func(*cobra.Command), compute func(ctx context.Context, s *viewSession) (V, error), text func(w io.Writer, v V)) *cobra.Command {
	cmd := explainCommand(a, &cobra.Command{Use: use, Short: short},
		func(ctx context.Context, s *viewSession, _ []string) (V, error) { return compute(ctx, s) }, text)
	if extra != nil {
		extra(cmd)
	}
	return cmd
}

// viewError turns "nothing there" into bad input.
func viewError(err error) error {
	if err == projections.ErrNoProject {
		return badInputf("the project did not exist at that moment")
	}
	return err
}

// heading prints a view's header line.
func heading(w io.Writer, title string, h projections.Header) {
	when := "now"
	if h.AsOf != "now" {
		when = "as of " + h.AsOf
	}
	if h.Effective != "" {
		when += ", effective " + h.Effective
	}
	fmt.Fprintf(w, "%s — %s %s (%s; %s, version %d)\n\n", title, h.Code, h.Name, when, h.Today, h.Version)
}

// row prints tab-separated cells as one table row.
func row(w io.Writer, cells ...any) {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = cell(c)
	}
	fmt.Fprintln(w, strings.Join(parts, "\t"))
}

func cell(c any) string {
	switch v := c.(type) {
	case events.Date:
		if v.IsZero() {
			return "-"
		}
		return v.String()
	case bool:
		if v {
			return "yes"
		}
		return ""
	case string:
		if v == "" {
			return "-"
		}
		return oneLine(v)
	case time.Time:
		return v.Format("2006-01-02 15:04")
	}
	return fmt.Sprint(c)
}

// money formats minor units as the views do: 12,345.67.
func money(minor int64) string { return projections.FormatMoney(minor) }

func (a *app) raidCommand() *cobra.Command {
	var filter projections.RAIDFilter
	return viewCommand(a, "raid", "The RAID log: risks, assumptions, issues, dependencies",
		func(cmd *cobra.Command) {
			cmd.Flags().StringVar(&filter.Status, "status", "", "only items in this status (open: everything still open)")
			cmd.Flags().StringVar(&filter.Owner, "owner", "", "only items of this owner")
			cmd.Flags().StringVar(&filter.Severity, "severity", "", "only issues of this severity")
		},
		func(ctx context.Context, s *viewSession) (projections.RAID, error) {
			return s.engine.RAID(ctx, s.project, s.query, filter)
		},
		func(w io.Writer, v projections.RAID) {
			heading(w, "RAID log", v.Header)
			row(w, "RISK", "SCORE", "P×I", "STATUS", "OWNER", "REVIEW", "OVERDUE", "AGE", "TITLE")
			for _, r := range v.Risks {
				row(w, r.ID, r.Score, fmt.Sprintf("%d×%d", r.Probability, r.Impact), r.Status, r.Owner, r.ReviewDate, r.ReviewOverdue, fmt.Sprintf("%dd", r.AgeDays), r.Title)
			}
			row(w)
			row(w, "ISSUE", "SEVERITY", "STATUS", "OWNER", "DUE", "OVERDUE", "FROM", "TITLE")
			for _, i := range v.Issues {
				row(w, i.ID, i.Severity, i.Status, i.Owner, i.Due, i.Overdue, i.FromRisk, i.Title)
			}
			row(w)
			row(w, "ASSUMPTION", "STATUS", "OWNER", "VALIDATE BY", "OVERDUE", "TEXT")
			for _, x := range v.Assumptions {
				row(w, x.ID, x.Status, x.Owner, x.ValidateBy, x.ValidationOverdue, x.Text)
			}
			row(w)
			row(w, "DEPENDENCY", "STATUS", "PROVIDER", "NEEDED BY", "LATE", "DESCRIPTION")
			for _, d := range v.Dependencies {
				row(w, d.ID, d.Status, d.Provider, d.NeededBy, d.Late, d.Description)
			}
		})
}
