package aggregates

import (
	"github.com/pledger/pledger/events"
)

type decisions struct {
	superseded map[string]bool // decision id → superseded
}

func newDecisions() decisions { return decisions{superseded: map[string]bool{}} }

func (d *decisions) apply(p *Project, payload events.Payload) {
	switch e := payload.(type) {
	case events.DecisionRecorded:
		d.superseded[e.DecisionID] = false
		p.count("DEC")
	case events.DecisionSuperseded:
		d.superseded[e.DecisionID] = true
	}
}
