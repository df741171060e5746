package projections

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// StatusReport is a status report for a period, as of a moment: RAG per
// area with the rule that set it, the key changes since the last published
// report, top risks, budget and earned value, milestones, decisions taken
// in the period and overdue actions.
type StatusReport struct {
	Header
	PeriodFrom     events.Date    `json:"period_from"`
	PeriodTo       events.Date    `json:"period_to"`
	RAG            []RAGArea      `json:"rag"`
	Summary        string         `json:"summary"`
	ChangesSince   string         `json:"changes_since"` // the last published report, or the period's start
	KeyChanges     Diff           `json:"key_changes"`
	TopRisks       []RiskRow      `json:"top_risks"`
	Budget         CategoryRow    `json:"budget"`
	EVM            EVM            `json:"evm"`
	Breaches       []Breach       `json:"breaches"`
	Milestones     []MilestoneRow `json:"milestones"`
	Decisions      []DecisionRow  `json:"decisions"`
	OverdueActions []ActionRow    `json:"overdue_actions"`
	LastReport     *Report        `json:"last_report,omitempty"`
}

// RAGArea is one area's colour and the rule that set it.
type RAGArea struct {
	Area   string `json:"area"`
	Colour string `json:"colour"` // green, amber, red
	Rule   string `json:"rule"`
}

// topRisks is how many risks a report lists.
const topRisks = 5

// StatusReport builds the status report of project id for a period, as q
// asks. Key changes run from the last report published before q's moment
// (its as-of position), or else from the start of the period.
func (e *Engine) StatusReport(ctx context.Context, id uuid.UUID, q Query, from, to events.Date) (StatusReport, error) {
	schedule, err := e.Schedule(ctx, id, q)
	if err != nil {
		return StatusReport{}, err
	}
	var r StatusReport
	var since Query
	err = e.At(ctx, id, q, func(s *State, moment time.Time) error {
		r = statusReport(s, q, moment, from, to, schedule)
		since = Query{AsOf: Bound{Time: from.Time().Add(-time.Nanosecond)}}
		r.ChangesSince = fmt.Sprintf("the start of the period (%s)", from)
		if last := r.LastReport; last != nil {
			at := last.AsOf
			if at == 0 || at > last.Published.Position {
				at = last.Published.Position // what the ledger held when it was published
			}
			since = Query{AsOf: Bound{Position: at}}
			r.ChangesSince = fmt.Sprintf("report %s (published %s, as of pos:%d)", last.ID, events.DateOf(last.Published.Effective), at)
		}
		return nil
	})
	if err != nil {
		return StatusReport{}, err
	}
	if r.KeyChanges, err = e.Diff(ctx, id, since, q); err != nil && err != ErrNoProject {
		return StatusReport{}, err
	}
	r.Summary = summarise(r)
	return r, nil
}

func statusReport(s *State, q Query, moment time.Time, from, to events.Date, schedule Schedule) StatusReport {
	today := events.DateOf(moment)
	budget := BudgetView(s, q, moment)
	raid := RAIDView(s, q, moment, RAIDFilter{Status: "open"})
	vendors := VendorsView(s, q, moment, "")
	actions := ActionsView(s, q, moment)
	r := StatusReport{Header: header(s, q, moment), PeriodFrom: from, PeriodTo: to, Budget: budget.Total, EVM: budget.EVM,
		Breaches: budget.Breaches, Milestones: schedule.Milestones, TopRisks: []RiskRow{}, Decisions: []DecisionRow{}, OverdueActions: []ActionRow{}}

	risks := slices.Clone(raid.Risks)
	slices.SortStableFunc(risks, func(a, b RiskRow) int { return cmp.Compare(b.Score, a.Score) })
	r.TopRisks = append(r.TopRisks, risks[:min(topRisks, len(risks))]...)
	for _, d := range DecisionsView(s, q, moment).Decisions {
		if day := events.DateOf(d.Recorded.Effective); !day.Before(from) && !day.After(to) {
			r.Decisions = append(r.Decisions, d)
		}
	}
	for _, a := range actions.Open {
		if a.Overdue {
			r.OverdueActions = append(r.OverdueActions, a)
		}
	}
	for _, rep := range sortedByID(s.Reports.All(), func(x Report) string { return x.ID }) {
		if r.LastReport == nil || rep.Published.Position > r.LastReport.Published.Position {
			rep := rep
			r.LastReport = &rep
		}
	}
	r.RAG = []RAGArea{
		ragScope(s, today),
		ragSchedule(schedule, budget.EVM),
		ragBudget(budget),
		ragRAID(raid),
		ragVendors(vendors),
	}
	return r
}

// The RAG rules. Each returns the first rule that fires, red before amber.

func ragScope(s *State, today events.Date) RAGArea {
	var pending []string
	for _, c := range sortedByID(s.Changes.All(), func(c ChangeRequest) string { return c.ID }) {
		if c.Status == "submitted" || c.Status == "assessed" {
			if age := daysFrom(events.DateOf(c.Submitted.Effective), today); age > 14 {
				return RAGArea{"scope", "red", fmt.Sprintf("%s has waited %d days for a decision (more than 14)", c.ID, age)}
			}
			pending = append(pending, c.ID)
		}
	}
	if len(pending) > 0 {
		return RAGArea{"scope", "amber", fmt.Sprintf("change requests awaiting a decision: %s", strings.Join(pending, ", "))}
	}
	return RAGArea{"scope", "green", "no change request awaits a decision"}
}

func ragSchedule(v Schedule, evm EVM) RAGArea {
	for _, m := range v.Milestones {
		if m.Status == "late" {
			return RAGArea{"schedule", "red", fmt.Sprintf("%s (%s) is late: its forecast %s has passed", m.ID, m.Name, m.Forecast)}
		}
		if m.Status == "slipping" && m.SlipDays > 10 {
			return RAGArea{"schedule", "red", fmt.Sprintf("%s slips %d days past its baseline (more than 10)", m.ID, m.SlipDays)}
		}
	}
	for _, m := range v.Milestones {
		if m.Status == "slipping" {
			return RAGArea{"schedule", "amber", fmt.Sprintf("%s slips %d days past its baseline", m.ID, m.SlipDays)}
		}
	}
	if evm.SPI != nil && *evm.SPI < 0.95 {
		return RAGArea{"schedule", "amber", fmt.Sprintf("SPI %.2f is below 0.95", *evm.SPI)}
	}
	return RAGArea{"schedule", "green", "no milestone late or slipping, SPI at least 0.95"}
}

func ragBudget(b Budget) RAGArea {
	for _, level := range []string{"alert", "warn"} {
		for _, br := range b.Breaches {
			if br.Level == level {
				colour := map[string]string{"alert": "red", "warn": "amber"}[level]
				return RAGArea{"budget", colour, br.Reason}
			}
		}
		if level == "alert" && b.EVM.CPI != nil && *b.EVM.CPI < 0.9 {
			return RAGArea{"budget", "red", fmt.Sprintf("CPI %.2f is below 0.90", *b.EVM.CPI)}
		}
	}
	if b.EVM.CPI != nil && *b.EVM.CPI < 0.95 {
		return RAGArea{"budget", "amber", fmt.Sprintf("CPI %.2f is below 0.95", *b.EVM.CPI)}
	}
	return RAGArea{"budget", "green", "no threshold breached, CPI at least 0.95"}
}

func ragRAID(v RAID) RAGArea {
	for _, r := range v.Risks {
		if r.Score >= 20 {
			return RAGArea{"raid", "red", fmt.Sprintf("%s is open with score %d (20 or more)", r.ID, r.Score)}
		}
	}
	for _, i := range v.Issues {
		if i.Severity == events.SeverityCritical || i.Overdue && i.Severity == events.SeverityHigh {
			return RAGArea{"raid", "red", fmt.Sprintf("%s is a %s issue, open%s", i.ID, i.Severity, map[bool]string{true: " and overdue"}[i.Overdue])}
		}
	}
	for _, i := range v.Issues {
		if i.Severity == events.SeverityHigh || i.Overdue {
			return RAGArea{"raid", "amber", fmt.Sprintf("%s (%s) is open%s", i.ID, i.Severity, map[bool]string{true: " and overdue"}[i.Overdue])}
		}
	}
	for _, r := range v.Risks {
		if r.ReviewOverdue || r.EscalatedTo != "" {
			return RAGArea{"raid", "amber", fmt.Sprintf("%s needs attention: %s", r.ID, map[bool]string{true: "its review is overdue", false: "escalated to " + r.EscalatedTo}[r.ReviewOverdue])}
		}
	}
	return RAGArea{"raid", "green", "no high-scoring risk, no high or overdue issue"}
}

func ragVendors(v Vendors) RAGArea {
	for _, c := range v.Contracts {
		for _, d := range c.Deliverables {
			if d.Status == "disputed" {
				return RAGArea{"vendors", "red", fmt.Sprintf("%s (%s) is disputed", d.ID, c.ID)}
			}
			if d.Overdue && d.DaysOverdue > 7 {
				return RAGArea{"vendors", "red", fmt.Sprintf("%s (%s) is %d days overdue (more than 7)", d.ID, c.ID, d.DaysOverdue)}
			}
		}
	}
	for _, c := range v.Contracts {
		for _, d := range c.Deliverables {
			if d.Status == "rejected" || d.Overdue {
				return RAGArea{"vendors", "amber", fmt.Sprintf("%s (%s) is %s", d.ID, c.ID, map[bool]string{true: "overdue", false: "rejected"}[d.Overdue])}
			}
		}
	}
	for _, i := range v.Invoices {
		if i.Status == "received" && i.DaysOutstanding > staleInvoiceDays {
			return RAGArea{"vendors", "amber", fmt.Sprintf("invoice %s has waited %d days for approval", i.Number, i.DaysOutstanding)}
		}
	}
	return RAGArea{"vendors", "green", "no deliverable disputed, rejected or overdue; invoices handled"}
}

func summarise(r StatusReport) string {
	var parts []string
	for _, a := range r.RAG {
		if a.Colour != "green" {
			parts = append(parts, a.Area+" "+a.Colour)
		}
	}
	rag := "all areas green"
	if len(parts) > 0 {
		rag = strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s; %d added, %d changed, %d closed since %s; %s overdue.", rag,
		len(r.KeyChanges.Added), len(r.KeyChanges.Changed), len(r.KeyChanges.Closed), r.ChangesSince, plural(len(r.OverdueActions), "action"))
}

// RAGMap returns the colours by area, as a published report records them.
func (r StatusReport) RAGMap() map[string]string {
	out := map[string]string{}
	for _, a := range r.RAG {
		out[a.Area] = a.Colour
	}
	return out
}

// Markdown renders the report as Markdown.
func (r StatusReport) Markdown() string {
	var b bytes.Buffer
	if err := markdownReport.Execute(&b, r); err != nil {
		panic(err) // the template is fixed and the data is ours: a failure is a bug
	}
	return b.String()
}

// HTML renders the report as a standalone HTML page, every value escaped.
func (r StatusReport) HTML() string {
	var b bytes.Buffer
	if err := htmlReport.Execute(&b, r); err != nil {
		panic(err)
	}
	return b.String()
}

var reportFuncs = map[string]any{
	"money": FormatMoney,
	"ratio": func(f *float64) string {
		if f == nil {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", *f)
	},
	"amount": func(m *int64) string {
		if m == nil {
			return "n/a"
		}
		return FormatMoney(*m)
	},
	"upper": strings.ToUpper,
}

// FormatMoney formats minor units with two decimals and thousands
// separators: 1234567 → "12,345.67".
func FormatMoney(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	whole := fmt.Sprint(minor / 100)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return fmt.Sprintf("%s%s.%02d", sign, whole, minor%100)
}

const reportMarkdown = `# Status report: {{.Code}} {{.Name}}

Period {{.PeriodFrom}} to {{.PeriodTo}}, as the ledger stood {{if eq .AsOf "now"}}on {{.Today}}{{else}}as of {{.AsOf}}{{end}} (position {{.Position}}).

{{.Summary}}

## RAG

| area | status | why |
|---|---|---|
{{range .RAG}}| {{.Area}} | **{{upper .Colour}}** | {{.Rule}} |
{{end}}
## Key changes since {{.ChangesSince}}

{{range .KeyChanges.Added}}- added {{.Kind}} {{.ID}}: {{.Title}}
{{end}}{{range .KeyChanges.Closed}}- closed {{.Kind}} {{.ID}} ({{.Status}}): {{.Title}}
{{end}}{{range .KeyChanges.Changed}}- changed {{.Kind}} {{.ID}}: {{.Title}}{{range .Fields}}; {{.Field}} {{printf "%s" .Old}} → {{printf "%s" .New}}{{end}}
{{end}}{{if not (or .KeyChanges.Added .KeyChanges.Closed .KeyChanges.Changed)}}No changes.
{{end}}
## Top risks

| risk | score | owner | status | title |
|---|---|---|---|---|
{{range .TopRisks}}| {{.ID}} | {{.Score}} | {{.Owner}} | {{.Status}}{{if .ReviewOverdue}}, review overdue{{end}} | {{.Title}} |
{{end}}
## Budget and earned value ({{.Currency}})

Approved {{money .Budget.Approved}}, actual {{money .Budget.Actual}}, open commitments {{money .Budget.OpenCommitments}}, forecast at completion {{money .Budget.ForecastAtCompletion}} ({{.Budget.SpentPercent}}% spent or committed).

| BAC | PV | EV | AC | CPI | SPI | EAC | VAC |
|---|---|---|---|---|---|---|---|
| {{money .EVM.BAC}} | {{money .EVM.PV}} | {{money .EVM.EV}} | {{money .EVM.AC}} | {{ratio .EVM.CPI}} | {{ratio .EVM.SPI}} | {{amount .EVM.EAC}} | {{amount .EVM.VAC}} |
{{range .Breaches}}
- {{upper .Level}}: {{.Reason}}{{end}}

## Milestones

| milestone | baseline | forecast | actual | status |
|---|---|---|---|---|
{{range .Milestones}}| {{.ID}} {{.Name}} | {{.Baseline}} | {{.Forecast}} | {{.Actual}} | {{.Status}} |
{{end}}
## Decisions in the period

{{range .Decisions}}- {{.ID}} {{.Title}}: {{.Choice}} ({{.DecidedBy}}; {{.Rationale}})
{{else}}None.
{{end}}
## Overdue actions

{{range .OverdueActions}}- {{.ID}} {{.Title}}: {{.Owner}}, due {{.Due}} ({{.DaysOverdue}} days overdue)
{{else}}None.
{{end}}`

var markdownReport = template.Must(template.New("md").Funcs(reportFuncs).Parse(reportMarkdown))

const reportHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Status report: {{.Code}} {{.Name}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}.red{background:#f8d0d0}.amber{background:#fbe7c0}.green{background:#d6f0d6}</style>
</head><body>
<h1>Status report: {{.Code}} {{.Name}}</h1>
<p>Period {{.PeriodFrom}} to {{.PeriodTo}}, as the ledger stood {{if eq .AsOf "now"}}on {{.Today}}{{else}}as of {{.AsOf}}{{end}} (position {{.Position}}).</p>
<p>{{.Summary}}</p>
<h2>RAG</h2>
<table><tr><th>area</th><th>status</th><th>why</th></tr>
{{range .RAG}}<tr class="{{.Colour}}"><td>{{.Area}}</td><td>{{upper .Colour}}</td><td>{{.Rule}}</td></tr>
{{end}}</table>
<h2>Key changes since {{.ChangesSince}}</h2>
<ul>{{range .KeyChanges.Added}}<li>added {{.Kind}} {{.ID}}: {{.Title}}</li>{{end}}{{range .KeyChanges.Closed}}<li>closed {{.Kind}} {{.ID}} ({{.Status}}): {{.Title}}</li>{{end}}{{range .KeyChanges.Changed}}<li>changed {{.Kind}} {{.ID}}: {{.Title}}</li>{{end}}</ul>
<h2>Top risks</h2>
<table><tr><th>risk</th><th>score</th><th>owner</th><th>status</th><th>title</th></tr>
{{range .TopRisks}}<tr><td>{{.ID}}</td><td>{{.Score}}</td><td>{{.Owner}}</td><td>{{.Status}}</td><td>{{.Title}}</td></tr>
{{end}}</table>
<h2>Budget and earned value ({{.Currency}})</h2>
<p>Approved {{money .Budget.Approved}}, actual {{money .Budget.Actual}}, open commitments {{money .Budget.OpenCommitments}}, forecast at completion {{money .Budget.ForecastAtCompletion}}.</p>
<table><tr><th>BAC</th><th>PV</th><th>EV</th><th>AC</th><th>CPI</th><th>SPI</th><th>EAC</th><th>VAC</th></tr>
<tr><td>{{money .EVM.BAC}}</td><td>{{money .EVM.PV}}</td><td>{{money .EVM.EV}}</td><td>{{money .EVM.AC}}</td><td>{{ratio .EVM.CPI}}</td><td>{{ratio .EVM.SPI}}</td><td>{{amount .EVM.EAC}}</td><td>{{amount .EVM.VAC}}</td></tr></table>
<ul>{{range .Breaches}}<li>{{upper .Level}}: {{.Reason}}</li>{{end}}</ul>
<h2>Milestones</h2>
<table><tr><th>milestone</th><th>baseline</th><th>forecast</th><th>actual</th><th>status</th></tr>
{{range .Milestones}}<tr><td>{{.ID}} {{.Name}}</td><td>{{.Baseline}}</td><td>{{.Forecast}}</td><td>{{.Actual}}</td><td>{{.Status}}</td></tr>
{{end}}</table>
<h2>Decisions in the period</h2>
<ul>{{range .Decisions}}<li>{{.ID}} {{.Title}}: {{.Choice}} ({{.DecidedBy}})</li>{{else}}<li>None.</li>{{end}}</ul>
<h2>Overdue actions</h2>
<ul>{{range .OverdueActions}}<li>{{.ID}} {{.Title}}: {{.Owner}}, due {{.Due}}</li>{{else}}<li>None.</li>{{end}}</ul>
</body></html>
`

var htmlReport = htmltemplate.Must(htmltemplate.New("html").Funcs(reportFuncs).Parse(reportHTML))
