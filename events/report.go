package events

// Status reports. Stream: project-<uuid>.

// StatusReportPublished records what was reported to the steering committee:
// the period, the ledger position the report was computed at, the RAG status
// per area and the rendered text with its hash, so it can later be put beside
// what the ledger said that day.
type StatusReportPublished struct {
	ReportID    string            `json:"report_id"`
	PeriodFrom  Date              `json:"period_from"`
	PeriodTo    Date              `json:"period_to"`
	AsOf        uint64            `json:"as_of_position"`
	RAG         map[string]string `json:"rag"`
	Summary     string            `json:"summary"`
	Markdown    string            `json:"markdown"`
	ContentHash string            `json:"content_hash"`
}

func (StatusReportPublished) EventType() string { return "report.status_published" }
