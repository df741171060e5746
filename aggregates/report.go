package aggregates

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/pledger/pledger/events"
)

// RAG colours and the areas a status report rates.
var (
	ragColours = []string{"green", "amber", "red"}
	ragAreas   = []string{"scope", "schedule", "budget", "raid", "vendors"}
)

// PublishStatusReport records what was reported: the rendered report, its
// period, the ledger position it was computed at, and a RAG colour per area.
type PublishStatusReport struct {
	PeriodFrom events.Date
	PeriodTo   events.Date
	AsOf       uint64
	RAG        map[string]string
	Summary    string
	Markdown   string
}

// Decide implements ProjectCommand.
func (c PublishStatusReport) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.date("period_from", c.PeriodFrom)
	v.date("period_to", c.PeriodTo)
	if v.err == nil && c.PeriodTo.Before(c.PeriodFrom) {
		v.fail(invalid("period_to", "after_period_from", "must not be before period_from %s", c.PeriodFrom))
	}
	if c.AsOf == 0 {
		v.fail(invalid("as_of", "position", "must be the ledger position the report was computed at (1 or more)"))
	}
	v.text("summary", c.Summary)
	if c.Markdown == "" {
		v.fail(invalid("markdown", "required", "is required"))
	}
	for _, area := range slices.Sorted(maps.Keys(c.RAG)) {
		v.oneOf("rag", area, ragAreas...)
		v.oneOf(fmt.Sprintf("rag.%s", area), c.RAG[area], ragColours...)
	}
	if v.err != nil {
		return nil, v.err
	}
	sum := sha256.Sum256([]byte(c.Markdown))
	return []events.Payload{events.StatusReportPublished{
		ReportID: p.nextID("SR"), PeriodFrom: c.PeriodFrom, PeriodTo: c.PeriodTo, AsOf: c.AsOf, RAG: maps.Clone(c.RAG),
		Summary: c.Summary, Markdown: c.Markdown, ContentHash: hex.EncodeToString(sum[:]),
	}}, nil
}
