package aggregates

import (
	"strings"
	"testing"

	"github.com/pledger/pledger/events"
)

var (
	hashA = strings.Repeat("a1", 32)
	hashB = strings.Repeat("b2", 32)
)

func registeredArchitecture() events.DocumentRegistered {
	return events.DocumentRegistered{DocumentID: "DOC-1", Ref: "TPM-ARC-001", DocType: "architecture",
		Title: "Target voice architecture", Version: "1.0", Location: "sharepoint://tpm/arc.docx", ContentHash: hashA}
}

func TestDocuments(t *testing.T) {
	retire := Meta{Reason: "superseded by the vendor's design"}
	registerReqs := RegisterDocument{DocType: "requirements", Title: "Requirements", Version: "0.1", Location: "sharepoint://tpm/req.docx", ContentHash: hashB}
	v11 := events.DocumentVersionAdded{DocumentID: "DOC-1", Version: "1.1", Location: "sharepoint://tpm/arc-1.1.docx", ContentHash: hashB}
	retired := events.DocumentRetired{DocumentID: "DOC-1"}
	runGWT(t, []gwt{
		{name: "register", given: withCharter(),
			when: RegisterDocument{DocType: "architecture", Title: "Target voice architecture", Version: "1.0", Location: "sharepoint://tpm/arc.docx", ContentHash: hashA},
			then: []events.Payload{registeredArchitecture()}},
		{name: "the number counts per type", given: withCharter(registeredArchitecture()),
			when: RegisterDocument{DocType: "architecture", Title: "Numbering plan", Version: "1.0", Location: "l", ContentHash: hashB},
			then: []events.Payload{events.DocumentRegistered{DocumentID: "DOC-2", Ref: "TPM-ARC-002", DocType: "architecture", Title: "Numbering plan", Version: "1.0", Location: "l", ContentHash: hashB}}},
		{name: "another type starts at 001", given: withCharter(registeredArchitecture()), when: registerReqs,
			then: []events.Payload{events.DocumentRegistered{DocumentID: "DOC-2", Ref: "TPM-REQ-001", DocType: "requirements", Title: "Requirements", Version: "0.1", Location: "sharepoint://tpm/req.docx", ContentHash: hashB}}},
		{name: "the number follows the highest ref", given: withCharter(events.DocumentRegistered{DocumentID: "DOC-1", Ref: "TPM-REQ-041", DocType: "requirements", Title: "t", Version: "1", Location: "l", ContentHash: hashA}),
			when: registerReqs,
			then: []events.Payload{events.DocumentRegistered{DocumentID: "DOC-2", Ref: "TPM-REQ-042", DocType: "requirements", Title: "Requirements", Version: "0.1", Location: "sharepoint://tpm/req.docx", ContentHash: hashB}}},
		{name: "retired documents keep their number", given: withCharter(registeredArchitecture(), retired),
			when: RegisterDocument{DocType: "architecture", Title: "t", Version: "2.0", Location: "l", ContentHash: hashA},
			then: []events.Payload{events.DocumentRegistered{DocumentID: "DOC-2", Ref: "TPM-ARC-002", DocType: "architecture", Title: "t", Version: "2.0", Location: "l", ContentHash: hashA}}},
		{name: "unknown type", given: withCharter(), when: RegisterDocument{DocType: "memo", Title: "t", Version: "1.0", Location: "l", ContentHash: hashA},
			kind: ErrInvalid, rule: "document.unknown_type", field: "doc_type"},
		{name: "no title", given: withCharter(), when: RegisterDocument{DocType: "other", Version: "1.0", Location: "l", ContentHash: hashA},
			kind: ErrInvalid, rule: "required", field: "title"},
		{name: "no version", given: withCharter(), when: RegisterDocument{DocType: "other", Title: "t", Location: "l", ContentHash: hashA},
			kind: ErrInvalid, rule: "required", field: "version"},
		{name: "a version with spaces", given: withCharter(), when: RegisterDocument{DocType: "other", Title: "t", Version: "final final", Location: "l", ContentHash: hashA},
			kind: ErrInvalid, rule: "document.version_format", field: "version"},
		{name: "no location", given: withCharter(), when: RegisterDocument{DocType: "other", Title: "t", Version: "1.0", ContentHash: hashA},
			kind: ErrInvalid, rule: "required", field: "location"},
		{name: "hash in upper case", given: withCharter(), when: RegisterDocument{DocType: "other", Title: "t", Version: "1.0", Location: "l", ContentHash: strings.ToUpper(hashA)},
			kind: ErrInvalid, rule: "sha256_hex", field: "content_hash"},
		{name: "hash too short", given: withCharter(), when: RegisterDocument{DocType: "other", Title: "t", Version: "1.0", Location: "l", ContentHash: hashA[:40]},
			kind: ErrInvalid, rule: "sha256_hex", field: "content_hash"},
		{name: "register before the charter", when: registerReqs, kind: ErrNotFound, rule: "project.not_found"},

		{name: "add a version", given: withCharter(registeredArchitecture()),
			when: AddDocumentVersion{DocumentID: "DOC-1", Version: "1.1", Location: "sharepoint://tpm/arc-1.1.docx", ContentHash: hashB},
			then: []events.Payload{v11}},
		{name: "back to earlier content as a new version", given: withCharter(registeredArchitecture(), v11),
			when: AddDocumentVersion{DocumentID: "DOC-1", Version: "1.2", Location: "l", ContentHash: hashA},
			then: []events.Payload{events.DocumentVersionAdded{DocumentID: "DOC-1", Version: "1.2", Location: "l", ContentHash: hashA}}},
		{name: "a version of an unknown document", given: withCharter(),
			when: AddDocumentVersion{DocumentID: "DOC-9", Version: "1.1", Location: "l", ContentHash: hashB},
			kind: ErrNotFound, rule: "document.not_found", field: "document_id"},
		{name: "a version that exists", given: withCharter(registeredArchitecture(), v11),
			when: AddDocumentVersion{DocumentID: "DOC-1", Version: "1.0", Location: "l", ContentHash: strings.Repeat("c3", 32)},
			kind: ErrRuleViolated, rule: "document.version_exists", field: "version"},
		{name: "the same content again", given: withCharter(registeredArchitecture(), v11),
			when: AddDocumentVersion{DocumentID: "DOC-1", Version: "1.2", Location: "l", ContentHash: hashB},
			kind: ErrRuleViolated, rule: "document.content_unchanged", field: "content_hash"},
		{name: "a version of a retired document", given: withCharter(registeredArchitecture(), retired),
			when: AddDocumentVersion{DocumentID: "DOC-1", Version: "1.1", Location: "l", ContentHash: hashB},
			kind: ErrRuleViolated, rule: "document.retired", field: "document_id"},
		{name: "a version with a bad hash", given: withCharter(registeredArchitecture()),
			when: AddDocumentVersion{DocumentID: "DOC-1", Version: "1.1", Location: "l", ContentHash: "sha256:" + hashB},
			kind: ErrInvalid, rule: "sha256_hex", field: "content_hash"},

		{name: "approve", given: withCharter(registeredArchitecture()),
			when: ApproveDocument{DocumentID: "DOC-1", Version: "1.0", ApprovedBy: "Design authority"},
			then: []events.Payload{events.DocumentApproved{DocumentID: "DOC-1", Version: "1.0", ApprovedBy: "Design authority"}}},
		{name: "approve the newer version after the older", given: withCharter(registeredArchitecture(),
			events.DocumentApproved{DocumentID: "DOC-1", Version: "1.0", ApprovedBy: "DA"}, v11),
			when: ApproveDocument{DocumentID: "DOC-1", Version: "1.1", ApprovedBy: "DA"},
			then: []events.Payload{events.DocumentApproved{DocumentID: "DOC-1", Version: "1.1", ApprovedBy: "DA"}}},
		{name: "approve without an approver", given: withCharter(registeredArchitecture()),
			when: ApproveDocument{DocumentID: "DOC-1", Version: "1.0"}, kind: ErrInvalid, rule: "required", field: "approved_by"},
		{name: "approve an unknown version", given: withCharter(registeredArchitecture()),
			when: ApproveDocument{DocumentID: "DOC-1", Version: "2.0", ApprovedBy: "DA"},
			kind: ErrNotFound, rule: "document.version_not_found", field: "version"},
		{name: "approve an unknown document", given: withCharter(),
			when: ApproveDocument{DocumentID: "DOC-1", Version: "1.0", ApprovedBy: "DA"},
			kind: ErrNotFound, rule: "document.not_found", field: "document_id"},
		{name: "approve twice", given: withCharter(registeredArchitecture(), events.DocumentApproved{DocumentID: "DOC-1", Version: "1.0", ApprovedBy: "DA"}),
			when: ApproveDocument{DocumentID: "DOC-1", Version: "1.0", ApprovedBy: "DA"},
			kind: ErrRuleViolated, rule: "document.already_approved", field: "version"},
		{name: "approve a retired document", given: withCharter(registeredArchitecture(), retired),
			when: ApproveDocument{DocumentID: "DOC-1", Version: "1.0", ApprovedBy: "DA"},
			kind: ErrRuleViolated, rule: "document.retired", field: "document_id"},

		{name: "retire", given: withCharter(registeredArchitecture()), when: RetireDocument{DocumentID: "DOC-1"}, meta: retire,
			then: []events.Payload{retired}},
		{name: "retire without a reason", given: withCharter(registeredArchitecture()), when: RetireDocument{DocumentID: "DOC-1"},
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "retire twice", given: withCharter(registeredArchitecture(), retired), when: RetireDocument{DocumentID: "DOC-1"}, meta: retire,
			kind: ErrRuleViolated, rule: "document.retired", field: "document_id"},
		{name: "retire an unknown document", given: withCharter(), when: RetireDocument{DocumentID: "DOC-3"}, meta: retire,
			kind: ErrNotFound, rule: "document.not_found", field: "document_id"},
	})
}
