// Package viewbench measures the projections: as-of queries on a large
// project, and rebuilding views from the log against a raw read of it.
// It backs `pledger bench views` and the package's go test benchmarks.
package viewbench

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// generator writes a synthetic project: a charter, a budget and a plan,
// then a long working life of risk reviews, issues, progress, timesheets
// and actions, with bounded numbers of items (as a real project has).
type generator struct {
	rng      *rand.Rand
	registry *events.Registry
	project  uuid.UUID
	stream   string
	start    events.Date
	head     events.StreamHead
	position uint64
	clock    time.Time

	risks, issues, actions, entries int
	openRisks, openIssues           []string
	openActions                     []string
	tasks                           int
	progress                        map[string]int
}

// ProjectID is the id of the synthetic project.
func ProjectID() uuid.UUID { return uuid.MustParse("5b1e7c9a-0d3f-4e6a-9b2c-7f8e1d0a4c55") }

func newGenerator(seed uint64) *generator {
	id := ProjectID()
	return &generator{
		rng: rand.New(rand.NewPCG(seed, 99)), registry: events.NewCatalogue(), project: id, stream: "project-" + id.String(),
		start: events.NewDate(2026, 1, 5), clock: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), progress: map[string]int{},
	}
}

func (g *generator) eur(euros int) events.Money {
	return events.Money{Minor: int64(euros) * 100, Currency: "EUR"}
}

// day is the business day n days after the start.
func (g *generator) day(n int) events.Date { return g.start.AddDays(n) }

// log yields n events of the synthetic project, chained and positioned.
func (g *generator) log(n int) iter.Seq2[events.Event, error] {
	return func(yield func(events.Event, error) bool) {
		for i := 0; i < n; i++ {
			p := g.next(i)
			prop, err := g.registry.Propose(p)
			if err != nil {
				yield(events.Event{}, err)
				return
			}
			var id uuid.UUID
			for j := range id {
				id[j] = byte(g.rng.UintN(256))
			}
			id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80
			prop.ID, prop.Actor, prop.Reason = id, "coord@example.com", "synthetic"
			g.clock = g.clock.Add(time.Duration(60+g.rng.IntN(600)) * time.Second)
			g.position++
			ev := events.Stamp(prop, g.stream, g.head.Version+1, g.position, g.clock, g.head.Hash)
			g.head = events.StreamHead{Stream: g.stream, Version: ev.Version, Hash: ev.Hash}
			if !yield(ev, nil) {
				return
			}
		}
	}
}

// next returns the i-th payload: the set-up first, then a steady mix.
func (g *generator) next(i int) events.Payload {
	switch {
	case i == 0:
		return events.ProjectChartered{ProjectID: g.project.String(), Code: "BIG", Name: "Synthetic programme", Sponsor: "CIO",
			Manager: "pm@example.com", Coordinator: "coord@example.com", Start: g.start, End: g.day(720), Currency: "EUR"}
	case i <= 5:
		cats := []string{"labour", "hardware", "software", "services", "contingency"}
		return events.BudgetApproved{Category: cats[i-1], Amount: g.eur(2_000_000)}
	case i <= 205:
		g.tasks++
		start := g.day((g.tasks - 1) * 3)
		return events.TaskPlanned{TaskID: fmt.Sprintf("T-%d", g.tasks), Name: fmt.Sprintf("work package %d", g.tasks),
			Start: start, Finish: start.AddDays(20 + g.rng.IntN(40)), PlannedValue: g.eur(20_000 + g.rng.IntN(30_000))}
	}
	switch k := g.rng.IntN(100); {
	case k < 8 && g.risks < 1500 || len(g.openRisks) == 0:
		g.risks++
		id := fmt.Sprintf("R-%d", g.risks)
		g.openRisks = append(g.openRisks, id)
		p, im := 1+g.rng.IntN(5), 1+g.rng.IntN(5)
		return events.RiskRaised{RiskID: id, Title: "synthetic risk " + id, Probability: p, Impact: im, Score: p * im,
			Owner: fmt.Sprintf("owner-%d@example.com", g.rng.IntN(40)), ReviewDate: g.day(g.rng.IntN(700))}
	case k < 30:
		id := g.openRisks[g.rng.IntN(len(g.openRisks))]
		p, im := 1+g.rng.IntN(5), 1+g.rng.IntN(5)
		return events.RiskAssessed{RiskID: id, Probability: p, Impact: im, Score: p * im, ReviewDate: g.day(g.rng.IntN(700))}
	case k < 33 && len(g.openRisks) > 50:
		j := g.rng.IntN(len(g.openRisks))
		id := g.openRisks[j]
		g.openRisks = append(g.openRisks[:j], g.openRisks[j+1:]...)
		return events.RiskClosed{RiskID: id, Resolution: "mitigated"}
	case k < 37 && g.issues < 400:
		g.issues++
		id := fmt.Sprintf("I-%d", g.issues)
		g.openIssues = append(g.openIssues, id)
		return events.IssueRaised{IssueID: id, Title: "synthetic issue", Severity: []string{"low", "medium", "high", "critical"}[g.rng.IntN(4)],
			Owner: fmt.Sprintf("owner-%d@example.com", g.rng.IntN(40)), Due: g.day(g.rng.IntN(700))}
	case k < 40 && len(g.openIssues) > 0:
		id := g.openIssues[0]
		g.openIssues = g.openIssues[1:]
		return events.IssueResolved{IssueID: id, Resolution: "fixed"}
	case k < 65:
		id := fmt.Sprintf("T-%d", 1+g.rng.IntN(g.tasks))
		g.progress[id] = min(100, g.progress[id]+1+g.rng.IntN(5))
		return events.TaskProgressed{TaskID: id, PercentComplete: g.progress[id]}
	case k < 80 && g.entries < 3000:
		g.entries++
		return events.ActualRecorded{EntryID: fmt.Sprintf("AC-%d", g.entries), Category: []string{"labour", "services", "hardware"}[g.rng.IntN(3)],
			Amount: g.eur(500 + g.rng.IntN(5000)), Source: "expense", Description: "synthetic cost"}
	case k < 92 && g.actions < 3000 || len(g.openActions) == 0:
		g.actions++
		id := fmt.Sprintf("AI-%d", g.actions)
		g.openActions = append(g.openActions, id)
		return events.ActionItemAdded{ActionID: id, Title: "synthetic action", Owner: fmt.Sprintf("member-%d@example.com", g.rng.IntN(30)), Due: g.day(g.rng.IntN(700))}
	default:
		id := g.openActions[0]
		g.openActions = g.openActions[1:]
		return events.ActionItemDone{ActionID: id}
	}
}

// Generate imports a synthetic project of n events into an empty ledger.
func Generate(ctx context.Context, importer interface {
	Import(context.Context, iter.Seq2[events.Event, error], events.VerifyOptions, func(events.Event)) (events.Summary, error)
}, n int, progress func(events.Event)) error {
	_, err := importer.Import(ctx, newGenerator(1).log(n), events.VerifyOptions{}, progress)
	return err
}
