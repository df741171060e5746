package aggregates

import (
	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

var categories = []string{events.CategoryLabour, events.CategoryHardware, events.CategorySoftware, events.CategoryServices, events.CategoryContingency}

type actual struct {
	event    uuid.UUID // the ActualRecorded, or the latest correction
	category string
	amount   int64
}

type budget struct {
	approved   map[string]int64 // category → approved amount (baseline)
	actuals    map[string]*actual
	entryByEvt map[uuid.UUID]string // ActualRecorded event id → entry id
	spent      map[string]int64     // category → actual cost
}

func newBudget() budget {
	return budget{approved: map[string]int64{}, actuals: map[string]*actual{}, entryByEvt: map[uuid.UUID]string{}, spent: map[string]int64{}}
}

func (b *budget) apply(p *Project, ev events.Event, payload events.Payload) {
	switch e := payload.(type) {
	case events.BudgetApproved:
		b.approved[e.Category] = e.Amount.Minor
	case events.BudgetBaselineChanged:
		b.approved[e.Category] = e.Approved.Minor
	case events.ActualRecorded:
		b.actuals[e.EntryID] = &actual{event: ev.ID, category: e.Category, amount: e.Amount.Minor}
		b.entryByEvt[ev.ID] = e.EntryID
		b.spent[e.Category] += e.Amount.Minor
		p.count("AC")
	case events.EntryCorrected:
		a := b.actuals[e.EntryID]
		b.spent[a.category] -= a.amount
		a.event, a.category, a.amount = ev.ID, e.Category, e.Amount.Minor
		b.spent[a.category] += a.amount
		b.entryByEvt[ev.ID] = e.EntryID
	}
}
