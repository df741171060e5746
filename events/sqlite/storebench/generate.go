// Package storebench measures the SQLite store against the raw SQLite engine
// on the same rows, in the same run: the figures of `pledger bench store`
// and of the package's go test benchmarks.
package storebench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Generator makes a deterministic synthetic ledger: events spread over many
// project streams, with realistic payloads of 300 to 1000 bytes.
type Generator struct {
	rng      *rand.Rand
	streams  int
	heads    map[string]events.StreamHead
	position uint64
	clock    time.Time
}

// NewGenerator returns a generator spreading events over streams streams.
func NewGenerator(seed uint64, streams int) *Generator {
	return &Generator{
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		streams: max(streams, 1),
		heads:   map[string]events.StreamHead{},
		clock:   time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC),
	}
}

var words = strings.Fields(`carrier SIP trunk delivery slipped regional office Teams Phone migration
	porting numbers emergency calling location update pilot users handsets headsets licence E5 calling plan
	change request contingency budget steering committee approved deferred vendor deliverable acceptance
	criterion rejected disputed invoice purchase order milestone baseline forecast risk owner mitigation
	trigger review escalated realised issue dependency network readiness QoS firewall session border
	controller cutover weekend rollback plan training floor walkers helpdesk tickets survey adoption`)

type money struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// payload looks like a risk or budget entry; its shape does not matter to
// the store, its size does.
type payload struct {
	ItemID      string `json:"item_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Owner       string `json:"owner"`
	Probability int    `json:"probability"`
	Impact      int    `json:"impact"`
	Amount      money  `json:"amount"`
	ReviewDate  string `json:"review_date"`
}

var types = []string{"raid.risk_raised", "raid.risk_assessed", "budget.actual_recorded", "vendor.invoice_received",
	"schedule.task_progressed", "meeting.action_item_added", "scope.change_request_submitted", "decision.recorded"}

// Next returns the stream and proposed event of the next append.
func (g *Generator) Next() (string, events.Proposed) {
	stream := fmt.Sprintf("project-%08d-0000-4000-8000-000000000000", g.rng.IntN(g.streams))
	var id uuid.UUID
	for i := range id {
		id[i] = byte(g.rng.UintN(256))
	}
	id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80
	data, _ := json.Marshal(payload{
		ItemID:      fmt.Sprintf("R-%05d", g.rng.IntN(100000)),
		Title:       g.text(4, 10),
		Description: g.text(12, 80),
		Owner:       fmt.Sprintf("person-%03d@example.com", g.rng.IntN(300)),
		Probability: 1 + g.rng.IntN(5),
		Impact:      1 + g.rng.IntN(5),
		Amount:      money{Minor: int64(g.rng.IntN(10_000_000)), Currency: "EUR"},
		ReviewDate:  g.clock.AddDate(0, 0, g.rng.IntN(60)).Format(time.DateOnly),
	})
	return stream, events.Proposed{
		ID:            id,
		Type:          types[g.rng.IntN(len(types))],
		SchemaVersion: 1,
		Data:          data,
		Actor:         fmt.Sprintf("coordinator-%02d@example.com", g.rng.IntN(20)),
		Reason:        g.text(3, 12),
	}
}

// NextEvent returns the next event as stored, chained to its stream's head,
// at the next dense position: what an import reads.
func (g *Generator) NextEvent() events.Event {
	stream, p := g.Next() // valid and compact by construction
	head := g.heads[stream]
	g.position++
	g.clock = g.clock.Add(time.Duration(1+g.rng.IntN(2000)) * time.Millisecond)
	ev := events.Stamp(p, stream, head.Version+1, g.position, g.clock, head.Hash)
	g.heads[stream] = events.StreamHead{Stream: stream, Version: ev.Version, Hash: ev.Hash}
	return ev
}

func (g *Generator) text(minWords, maxWords int) string {
	n := minWords + g.rng.IntN(maxWords-minWords+1)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[g.rng.IntN(len(words))])
	}
	return b.String()
}
