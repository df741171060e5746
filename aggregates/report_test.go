package aggregates

import (
	"testing"

	"github.com/pledger/pledger/events"
)

func TestPublishStatusReport(t *testing.T) {
	ok := PublishStatusReport{PeriodFrom: date("2026-03-30"), PeriodTo: date("2026-04-10"), AsOf: 42,
		RAG: map[string]string{"schedule": "red", "budget": "amber"}, Summary: "carrier late", Markdown: "# TPM\n"}
	runGWT(t, []gwt{
		{name: "publish", given: withCharter(), when: ok, then: []events.Payload{events.StatusReportPublished{
			ReportID: "SR-1", PeriodFrom: ok.PeriodFrom, PeriodTo: ok.PeriodTo, AsOf: 42, RAG: ok.RAG, Summary: "carrier late", Markdown: "# TPM\n",
			ContentHash: "22560b1510dc991cb201a1eeb84b87f0482f1ff53255744a9f5fbf51f516e2f9"}}},
		{name: "without the position it was computed at", given: withCharter(),
			when: PublishStatusReport{PeriodFrom: ok.PeriodFrom, PeriodTo: ok.PeriodTo, RAG: ok.RAG, Summary: "s", Markdown: "m"},
			kind: ErrInvalid, rule: "position", field: "as_of"},
		{name: "period backwards", given: withCharter(),
			when: PublishStatusReport{PeriodFrom: ok.PeriodTo, PeriodTo: ok.PeriodFrom, AsOf: 1, Summary: "s", Markdown: "m"},
			kind: ErrInvalid, rule: "after_period_from", field: "period_to"},
		{name: "an unknown colour", given: withCharter(),
			when: PublishStatusReport{PeriodFrom: ok.PeriodFrom, PeriodTo: ok.PeriodTo, AsOf: 1, Summary: "s", Markdown: "m", RAG: map[string]string{"budget": "purple"}},
			kind: ErrInvalid, rule: "one_of", field: "rag.budget"},
	})
}
