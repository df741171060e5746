package events

// Documents register. Stream: project-<uuid>.

// DocumentTypeCode returns the naming-convention code of a document type
// (requirements → REQ), and whether the type is known.
func DocumentTypeCode(docType string) (string, bool) {
	code, ok := map[string]string{
		"requirements":   "REQ",
		"architecture":   "ARC",
		"change_request": "CRQ",
		"test_plan":      "TPL",
		"design":         "DES",
		"contract":       "CON",
		"minutes":        "MIN",
		"report":         "RPT",
		"runbook":        "RUN",
		"other":          "DOC",
	}[docType]
	return code, ok
}

// DocumentRegistered adds a document to the register. Ref follows the naming
// convention PROJECTCODE-TYPECODE-NNN, e.g. TPM-ARC-001.
type DocumentRegistered struct {
	DocumentID  string `json:"document_id"`
	Ref         string `json:"ref"`
	DocType     string `json:"doc_type"`
	Title       string `json:"title"`
	Version     string `json:"version"`
	Location    string `json:"location"`
	ContentHash string `json:"content_hash"`
}

// DocumentVersionAdded records a new version of a document.
type DocumentVersionAdded struct {
	DocumentID  string `json:"document_id"`
	Version     string `json:"version"`
	Location    string `json:"location"`
	ContentHash string `json:"content_hash"`
}

// DocumentApproved approves one version of a document.
type DocumentApproved struct {
	DocumentID string `json:"document_id"`
	Version    string `json:"version"`
	ApprovedBy string `json:"approved_by"`
}

// DocumentRetired withdraws a document.
type DocumentRetired struct {
	DocumentID string `json:"document_id"`
}

func (DocumentRegistered) EventType() string   { return "document.registered" }
func (DocumentVersionAdded) EventType() string { return "document.version_added" }
func (DocumentApproved) EventType() string     { return "document.approved" }
func (DocumentRetired) EventType() string      { return "document.retired" }
