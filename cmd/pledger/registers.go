package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/pledger/pledger/projections"
	"github.com/spf13/cobra"
)

func (a *app) scheduleCommand() *cobra.Command {
	return viewCommand(a, "schedule", "Milestones, tasks, the critical path and over-allocated people", nil,
		func(ctx context.Context, s *viewSession) (projections.Schedule, error) {
			return s.engine.Schedule(ctx, s.project, s.query)
		},
		func(w io.Writer, v projections.Schedule) {
			heading(w, "Schedule", v.Header)
			row(w, "MILESTONE", "STATUS", "BASELINE", "FORECAST", "ACTUAL", "SLIP", "ORIGINAL", "MOVED BY", "NAME")
			for _, m := range v.Milestones {
				row(w, m.ID, m.Status, m.Baseline, m.Forecast, m.Actual, fmt.Sprintf("%+dd", m.SlipDays), m.Original, strings.Join(m.CRs, ","), m.Name)
			}
			row(w)
			row(w, "TASK", "START", "FINISH", "DONE", "LATE", "CRITICAL", "FLOAT", "PLANNED VALUE", "NAME")
			for _, t := range v.Tasks {
				row(w, t.ID, t.Start, t.Finish, fmt.Sprintf("%d%%", t.Percent), t.Late, t.Critical, fmt.Sprintf("%dd", t.TotalFloatDays), money(t.PlannedValue), t.Name)
			}
			row(w)
			fmt.Fprintf(w, "critical path: %s (planned finish %s)\n", strings.Join(v.CriticalPath, " → "), v.PlannedFinish)
			for _, o := range v.OverAllocation {
				fmt.Fprintf(w, "over-allocated: %s at %d%% from %s to %s\n", o.Person, o.TotalPercent, o.From, o.To)
			}
		})
}

func (a *app) budgetCommand() *cobra.Command {
	return viewCommand(a, "budget", "The budget by category, threshold breaches and earned value", nil,
		func(ctx context.Context, s *viewSession) (projections.Budget, error) {
			return s.engine.Budget(ctx, s.project, s.query)
		},
		func(w io.Writer, v projections.Budget) {
			heading(w, "Budget ("+v.Currency+")", v.Header)
			row(w, "CATEGORY", "APPROVED", "COMMITTED", "ACTUAL", "EXPOSURE", "REMAINING", "FORECAST", "VARIANCE", "SPENT", "BURN/WEEK")
			for _, c := range append(v.Categories, v.Total) {
				name := c.Category
				if name == "" {
					name = "total"
				}
				row(w, name, money(c.Approved), money(c.Committed), money(c.Actual), money(c.Exposure), money(c.Remaining),
					money(c.ForecastAtCompletion), fmt.Sprintf("%s (%.2f%%)", money(c.Variance), c.VariancePct), fmt.Sprintf("%.2f%%", c.SpentPercent), money(c.BurnPerWeek))
			}
			row(w)
			for _, b := range v.Breaches {
				fmt.Fprintf(w, "%s: %s\n", strings.ToUpper(b.Level), b.Reason)
			}
			e := v.EVM
			fmt.Fprintf(w, "\nearned value: BAC %s  PV %s  EV %s  AC %s  CV %s  SV %s\n", money(e.BAC), money(e.PV), money(e.EV), money(e.AC), money(e.CV), money(e.SV))
			fmt.Fprintf(w, "              CPI %s  SPI %s  EAC %s  ETC %s  VAC %s  TCPI %s\n", ratio(e.CPI), ratio(e.SPI), amount(e.EAC), amount(e.ETC), amount(e.VAC), ratio(e.TCPI))
		})
}

func ratio(f *float64) string {
	if f == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.4f", *f)
}

func amount(m *int64) string {
	if m == nil {
		return "n/a"
	}
	return money(*m)
}

func (a *app) vendorsCommand() *cobra.Command {
	var vendor string
	return viewCommand(a, "vendors", "Contracts, deliverables, purchase orders, invoices and payments",
		func(cmd *cobra.Command) {
			cmd.Flags().StringVar(&vendor, "vendor", "", "only this vendor's contracts (vendor id)")
		},
		func(ctx context.Context, s *viewSession) (projections.Vendors, error) {
			return s.engine.Vendors(ctx, s.project, s.query, vendor)
		},
		func(w io.Writer, v projections.Vendors) {
			heading(w, "Vendors", v.Header)
			row(w, "CONTRACT", "VALUE", "COMMITTED", "INVOICED", "APPROVED", "PAID", "AMENDED BY", "TITLE")
			for _, c := range v.Contracts {
				row(w, c.ID, money(c.Value), money(c.Committed), money(c.Invoiced), money(c.Approved), money(c.Paid), strings.Join(c.Amendments, ","), c.Title)
			}
			row(w)
			row(w, "DELIVERABLE", "CONTRACT", "DUE", "STATUS", "OVERDUE", "SUBMISSIONS", "TITLE")
			for _, c := range v.Contracts {
				for _, d := range c.Deliverables {
					row(w, d.ID, c.ID, d.Due, d.Status, d.Overdue, d.Submissions, d.Title)
				}
			}
			row(w)
			row(w, "INVOICE", "CONTRACT", "PO", "NUMBER", "AMOUNT", "ISSUED", "STATUS", "PAID ON")
			for _, i := range v.Invoices {
				row(w, i.ID, i.ContractID, i.POID, i.Number, money(i.Amount), i.IssuedOn, i.Status, i.PaidOn)
			}
		})
}

func (a *app) decisionsCommand() *cobra.Command {
	return viewCommand(a, "decisions", "Decisions: the choice, rationale, who decided and what it rests on", nil,
		func(ctx context.Context, s *viewSession) (projections.Decisions, error) {
			return s.engine.Decisions(ctx, s.project, s.query)
		},
		func(w io.Writer, v projections.Decisions) {
			heading(w, "Decisions", v.Header)
			row(w, "DECISION", "STATUS", "DECIDED BY", "RECORDED", "CHOICE", "TITLE")
			for _, d := range v.Decisions {
				row(w, d.ID, d.Status, d.DecidedBy, d.Recorded.Effective, d.Choice, d.Title)
			}
		})
}

func (a *app) changesCommand() *cobra.Command {
	return viewCommand(a, "changes", "Change requests through their life", nil,
		func(ctx context.Context, s *viewSession) (projections.Changes, error) {
			return s.engine.Changes(ctx, s.project, s.query)
		},
		func(w io.Writer, v projections.Changes) {
			heading(w, "Change requests", v.Header)
			row(w, "CR", "STATUS", "REQUESTED BY", "DAYS OPEN", "APPROVER", "TITLE")
			for _, c := range v.Changes {
				row(w, c.ID, c.Status, c.RequestedBy, c.DaysOpen, c.Approver, c.Title)
			}
		})
}

func (a *app) actionsCommand() *cobra.Command {
	return viewCommand(a, "actions", "Open action items, and the overdue ones by owner", nil,
		func(ctx context.Context, s *viewSession) (projections.Actions, error) {
			return s.engine.Actions(ctx, s.project, s.query)
		},
		func(w io.Writer, v projections.Actions) {
			heading(w, "Action items", v.Header)
			row(w, "ACTION", "OWNER", "DUE", "OVERDUE", "MEETING", "TITLE")
			for _, x := range v.Open {
				overdue := ""
				if x.Overdue {
					overdue = fmt.Sprintf("%dd", x.DaysOverdue)
				}
				row(w, x.ID, x.Owner, x.Due, overdue, x.MeetingID, x.Title)
			}
			row(w)
			for _, owner := range slices.Sorted(maps.Keys(v.OverdueByOwner)) {
				fmt.Fprintf(w, "overdue for %s: %s\n", owner, strings.Join(v.OverdueByOwner[owner], ", "))
			}
		})
}

func (a *app) documentsCommand() *cobra.Command {
	return viewCommand(a, "documents", "The documents register", nil,
		func(ctx context.Context, s *viewSession) (projections.Documents, error) {
			return s.engine.Documents(ctx, s.project, s.query)
		},
		func(w io.Writer, v projections.Documents) {
			heading(w, "Documents", v.Header)
			row(w, "REF", "STATUS", "LATEST", "APPROVED", "APPROVED BY", "TYPE", "TITLE")
			for _, d := range v.Documents {
				row(w, d.Ref, d.Status, d.LatestVersion, d.ApprovedVersion, d.ApprovedBy, d.Type, d.Title)
			}
		})
}

func (a *app) teamCommand() *cobra.Command {
	return viewCommand(a, "team", "The team and their access", nil,
		func(ctx context.Context, s *viewSession) (projections.Team, error) {
			return s.engine.Team(ctx, s.project, s.query)
		},
		func(w io.Writer, v projections.Team) {
			heading(w, "Team", v.Header)
			row(w, "PERSON", "NAME", "ROLE", "STATUS", "ACCESS")
			for _, m := range v.Members {
				var access []string
				for _, x := range m.Access {
					access = append(access, x.System+": "+x.State)
				}
				row(w, m.Person, m.Name, m.Role, m.Status, strings.Join(access, "; "))
			}
		})
}

func (a *app) attentionCommand() *cobra.Command {
	var days int
	return viewCommand(a, "attention", "What to chase now: due soon or overdue, past review, over threshold, slipping, over-allocated",
		func(cmd *cobra.Command) {
			cmd.Flags().IntVar(&days, "days", 7, "look this many days ahead for things coming due")
		},
		func(ctx context.Context, s *viewSession) (projections.Attention, error) {
			if days < 0 {
				return projections.Attention{}, badInputf("--days must not be negative")
			}
			return s.engine.Attention(ctx, s.project, s.query, days)
		},
		func(w io.Writer, v projections.Attention) {
			heading(w, fmt.Sprintf("Attention (next %d days)", v.Days), v.Header)
			row(w, "SEVERITY", "KIND", "ID", "DUE", "OWNER", "REASON", "TITLE")
			for _, it := range v.Items {
				row(w, it.Severity, it.Kind, it.ID, it.Due, it.Owner, it.Reason, it.Title)
			}
		})
}
