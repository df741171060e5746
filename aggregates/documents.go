package aggregates

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pledger/pledger/events"
)

type document struct {
	docType    string
	versions   map[string]bool // version → approved
	latest     string
	latestHash string // content hash of the latest version
	retired    bool
}

type documents struct {
	docs    map[string]*document
	refs    map[string]string // naming-convention ref → document id
	numbers map[string]int    // type code (ARC) → highest number used in a ref
}

func newDocuments() documents {
	return documents{docs: map[string]*document{}, refs: map[string]string{}, numbers: map[string]int{}}
}

func (d *documents) apply(p *Project, payload events.Payload) {
	switch e := payload.(type) {
	case events.DocumentRegistered:
		d.docs[e.DocumentID] = &document{docType: e.DocType, versions: map[string]bool{e.Version: false},
			latest: e.Version, latestHash: e.ContentHash}
		d.refs[e.Ref] = e.DocumentID
		if code, n, ok := refNumber(e.Ref); ok && n > d.numbers[code] {
			d.numbers[code] = n
		}
		p.count("DOC")
	case events.DocumentVersionAdded:
		doc := d.docs[e.DocumentID]
		doc.versions[e.Version], doc.latest, doc.latestHash = false, e.Version, e.ContentHash
	case events.DocumentApproved:
		d.docs[e.DocumentID].versions[e.Version] = true
	case events.DocumentRetired:
		d.docs[e.DocumentID].retired = true
	}
}

// refNumber splits a naming-convention ref (TPM-ARC-007) into its type code
// and number.
func refNumber(ref string) (code string, n int, ok bool) {
	parts := strings.Split(ref, "-")
	if len(parts) < 3 {
		return "", 0, false
	}
	n, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil {
		return "", 0, false
	}
	return parts[len(parts)-2], n, true
}

// nextRef is the naming-convention ref the next document of a type gets:
// PROJECTCODE-TYPECODE-NNN, numbered per type within the project.
func (d *documents) nextRef(project, code string) string {
	n := d.numbers[code] + 1
	ref := fmt.Sprintf("%s-%s-%03d", project, code, n)
	for d.refs[ref] != "" { // never reuse a ref, whatever the history holds
		n++
		ref = fmt.Sprintf("%s-%s-%03d", project, code, n)
	}
	return ref
}

// find returns a document, or not found.
func (d *documents) find(id string) (*document, error) {
	doc, ok := d.docs[id]
	if !ok {
		return nil, notFound("document_id", "document", id)
	}
	return doc, nil
}

// live returns a document that can still change: registered and not retired.
func (d *documents) live(id string) (*document, error) {
	doc, err := d.find(id)
	if err != nil {
		return nil, err
	}
	if doc.retired {
		return nil, violatesField("document_id", "document.retired", "document %s is retired", id)
	}
	return doc, nil
}

var documentHashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// documentVersion checks the fields every version of a document carries.
func (c *check) documentVersion(version, location, contentHash string) {
	c.text("version", version)
	if len(version) > 32 || strings.ContainsAny(version, " \t\r\n") {
		c.fail(invalid("version", "document.version_format", "must be a short label without spaces such as 1.0, got %q", version))
	}
	c.text("location", location)
	if !documentHashPattern.MatchString(contentHash) {
		c.fail(invalid("content_hash", "sha256_hex", "must be a SHA-256 in 64 lower-case hex digits, got %q", contentHash))
	}
}

// RegisterDocument adds a document to the register. Its ref follows the
// naming convention PROJECTCODE-TYPECODE-NNN (TPM-ARC-001), numbered per
// type within the project.
type RegisterDocument struct {
	DocType     string
	Title       string
	Version     string
	Location    string
	ContentHash string // SHA-256 of the content, 64 lower-case hex digits
}

// Decide implements ProjectCommand.
func (c RegisterDocument) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	code, known := events.DocumentTypeCode(c.DocType)
	if !known {
		v.fail(invalid("doc_type", "document.unknown_type", "must be a known document type (requirements, architecture, change_request, test_plan, design, contract, minutes, report, runbook, other), got %q", c.DocType))
	}
	v.text("title", c.Title)
	v.documentVersion(c.Version, c.Location, c.ContentHash)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.DocumentRegistered{
		DocumentID: p.nextID("DOC"), Ref: p.documents.nextRef(p.charter.Code, code), DocType: c.DocType,
		Title: c.Title, Version: c.Version, Location: c.Location, ContentHash: c.ContentHash,
	}}, nil
}

// AddDocumentVersion records a new version of a document that is not retired.
type AddDocumentVersion struct {
	DocumentID  string
	Version     string
	Location    string
	ContentHash string
}

// Decide implements ProjectCommand.
func (c AddDocumentVersion) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.documentVersion(c.Version, c.Location, c.ContentHash)
	if v.err != nil {
		return nil, v.err
	}
	doc, err := p.documents.live(c.DocumentID)
	if err != nil {
		return nil, err
	}
	if _, exists := doc.versions[c.Version]; exists {
		return nil, violatesField("version", "document.version_exists", "document %s already has a version %s", c.DocumentID, c.Version)
	}
	if c.ContentHash == doc.latestHash {
		return nil, violatesField("content_hash", "document.content_unchanged", "the content is the same as version %s of document %s", doc.latest, c.DocumentID)
	}
	return []events.Payload{events.DocumentVersionAdded(c)}, nil
}

// ApproveDocument approves one version of a document.
type ApproveDocument struct {
	DocumentID string
	Version    string
	ApprovedBy string
}

// Decide implements ProjectCommand.
func (c ApproveDocument) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.text("version", c.Version)
	v.text("approved_by", c.ApprovedBy)
	if v.err != nil {
		return nil, v.err
	}
	doc, err := p.documents.live(c.DocumentID)
	if err != nil {
		return nil, err
	}
	approved, exists := doc.versions[c.Version]
	switch {
	case !exists:
		return nil, &Error{Kind: ErrNotFound, Rule: "document.version_not_found", Field: "version",
			Message: fmt.Sprintf("document %s has no version %q", c.DocumentID, c.Version)}
	case approved:
		return nil, violatesField("version", "document.already_approved", "version %s of document %s is already approved", c.Version, c.DocumentID)
	}
	return []events.Payload{events.DocumentApproved(c)}, nil
}

// RetireDocument withdraws a document; the reason is required.
type RetireDocument struct {
	DocumentID string
}

// Decide implements ProjectCommand.
func (c RetireDocument) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.reason(meta, "retire a document")
	if v.err != nil {
		return nil, v.err
	}
	if _, err := p.documents.live(c.DocumentID); err != nil {
		return nil, err
	}
	return []events.Payload{events.DocumentRetired(c)}, nil
}
