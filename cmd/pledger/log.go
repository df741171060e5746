package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
	"github.com/spf13/cobra"
)

func (a *app) eventsCommand() *cobra.Command {
	var project, eventType string
	cmd := &cobra.Command{
		Use:   "events",
		Short: "List the raw log: time, actor, type, reason",
		Long: "List events in log order, optionally of one project (--project ID or code) and of one type\n" +
			"(--type raid.risk_raised, or a prefix ending in '.' such as raid.). --json prints a JSON\n" +
			"array of objects with the export's keys (docs/format.md).",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, err := a.openRead(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			log := store.ReadAll(ctx, 0)
			if project != "" {
				id, err := resolveProject(ctx, store, project)
				if err != nil {
					return err
				}
				log = store.ReadStream(ctx, aggregates.ProjectStream(id), events.ReadOptions{})
			}
			var list []events.Event
			for ev, err := range log {
				if err != nil {
					return err
				}
				if matchesType(ev.Type, eventType) {
					list = append(list, ev)
				}
			}
			if a.jsonOut {
				return a.printEventsJSON(list)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "POSITION\tRECORDED\tEFFECTIVE\tACTOR\tTYPE\tREASON")
			for _, ev := range list {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", ev.Position, ev.RecordedAt.Format("2006-01-02 15:04"),
					ev.EffectiveAt.Format(time.DateOnly), ev.Actor, ev.Type, oneLine(ev.Reason))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&project, "project", "", "only this project's events (id or code)")
	cmd.Flags().StringVar(&eventType, "type", "", "only events of this type, or of a prefix ending in '.'")
	a.addJSONFlag(cmd)
	return cmd
}

func matchesType(t, filter string) bool {
	if filter == "" {
		return true
	}
	if strings.HasSuffix(filter, ".") {
		return strings.HasPrefix(t, filter)
	}
	return t == filter
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// printEventsJSON prints events as a JSON array of export records.
func (a *app) printEventsJSON(list []events.Event) error {
	out := make([]json.RawMessage, len(list))
	for i, ev := range list {
		out[i] = json.RawMessage(events.AppendLine(nil, ev))
	}
	return a.printJSON(out)
}

type projectRow struct {
	ID       string      `json:"id"`
	Code     string      `json:"code"`
	Name     string      `json:"name"`
	Manager  string      `json:"manager"`
	Start    events.Date `json:"start"`
	End      events.Date `json:"end"`
	Currency string      `json:"currency"`
	Events   uint64      `json:"events"`
}

func (a *app) projectsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "projects",
		Short: "List the projects in the ledger",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, err := a.openRead(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			rows, err := listProjects(ctx, store)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(rows)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tNAME\tMANAGER\tSTART\tEND\tEVENTS\tID")
			for _, p := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", p.Code, p.Name, p.Manager, p.Start, p.End, p.Events, p.ID)
			}
			return tw.Flush()
		},
	}
	a.addJSONFlag(cmd)
	return cmd
}

// listProjects reads each project stream's charter, sorted by code.
func listProjects(ctx context.Context, store events.Store) ([]projectRow, error) {
	_, heads, err := store.Heads(ctx)
	if err != nil {
		return nil, err
	}
	rows := []projectRow{}
	for _, h := range heads { // sorted by stream name; re-sorted by code below
		if !strings.HasPrefix(h.Stream, "project-") {
			continue
		}
		for ev, err := range store.ReadStream(ctx, h.Stream, events.ReadOptions{ToVersion: 1}) {
			if err != nil {
				return nil, err
			}
			var c events.ProjectChartered
			if ev.Type != c.EventType() || json.Unmarshal(ev.Data, &c) != nil {
				continue
			}
			rows = append(rows, projectRow{ID: c.ProjectID, Code: c.Code, Name: c.Name, Manager: c.Manager,
				Start: c.Start, End: c.End, Currency: c.Currency, Events: h.Version})
		}
	}
	slices.SortFunc(rows, func(a, b projectRow) int { return strings.Compare(a.Code, b.Code) })
	return rows, nil
}

// resolveProject accepts a project's UUID or its code.
func resolveProject(ctx context.Context, store events.Store, ref string) (uuid.UUID, error) {
	if id, err := uuid.Parse(ref); err == nil {
		return id, nil
	}
	rows, err := listProjects(ctx, store)
	if err != nil {
		return uuid.Nil, err
	}
	for _, p := range rows {
		if strings.EqualFold(p.Code, ref) {
			return uuid.Parse(p.ID)
		}
	}
	return uuid.Nil, badInputf("--project %q: no project with that id or code (see pledger projects)", ref)
}
