package aggregates

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/stretchr/testify/require"
)

var carrierID = uuid.MustParse("0b9d7c1a-5e2f-4a3b-8c6d-7e8f9a0b1c2d")

// carrier is the vendor master's record, as the repository would hand it over.
func carrier() *Vendor {
	return &Vendor{id: carrierID, ver: 1, registered: events.VendorRegistered{
		VendorID: carrierID.String(), Name: "Nordic Carrier AB", Contact: "am@carrier.example", Country: "SE"}}
}

const (
	sow = "Deliver and commission SIP trunks for the four regional offices, with number porting."
	// sowHash is the SHA-256 of sow, computed independently (sha256sum).
	sowHash = "c84ee22ecd9f08313fa1b3d4b88bd52c222296332beebf68e478efb6353b0aab"
)

// signCommand is the SignContract of signed(), before ids are assigned.
func signCommand() SignContract {
	return SignContract{VendorID: carrierID.String(), Title: "SIP trunk delivery", Value: eur(4_000_000),
		SignedOn: date("2026-03-10"), SOWText: sow, Deliverables: []events.Deliverable{
			{Title: "SIP trunks live in four offices", Due: date("2026-04-15"),
				Criteria: []events.Criterion{{Text: "test calls pass at all four sites"}, {Text: "all numbers ported"}}},
			{Title: "As-built documentation", Due: date("2026-05-01"), Criteria: []events.Criterion{{Text: "reviewed by network team"}}},
		}}
}

// sign attaches the carrier to a SignContract, as ExecProject does.
func sign(c SignContract) ProjectCommand { return c.withVendor(carrier()) }

// signed is contract C-1 with deliverables DL-1 (criteria K-1, K-2) and DL-2.
func signed() events.ContractSigned {
	return events.ContractSigned{ContractID: "C-1", VendorID: carrierID.String(), Title: "SIP trunk delivery", Value: eur(4_000_000),
		SignedOn: date("2026-03-10"), SOWText: sow, SOWHash: sowHash, Deliverables: []events.Deliverable{
			{DeliverableID: "DL-1", Title: "SIP trunks live in four offices", Due: date("2026-04-15"),
				Criteria: []events.Criterion{{CriterionID: "K-1", Text: "test calls pass at all four sites"}, {CriterionID: "K-2", Text: "all numbers ported"}}},
			{DeliverableID: "DL-2", Title: "As-built documentation", Due: date("2026-05-01"),
				Criteria: []events.Criterion{{CriterionID: "K-1", Text: "reviewed by network team"}}},
		}}
}

// signedSecond is contract C-2 (DL-3) with the same vendor.
func signedSecond() events.ContractSigned {
	return events.ContractSigned{ContractID: "C-2", VendorID: carrierID.String(), Title: "Handsets", Value: eur(2_000_000),
		SignedOn: date("2026-03-20"), SOWText: "800 handsets", SOWHash: "irrelevant in a given", Deliverables: []events.Deliverable{
			{DeliverableID: "DL-3", Title: "Handsets delivered", Due: date("2026-04-30"), Criteria: []events.Criterion{{CriterionID: "K-1", Text: "800 units"}}},
		}}
}

// followedBy is history and then more, in a slice of its own: cases built
// from one history must not share a backing array.
func followedBy(history []events.Payload, more ...events.Payload) []events.Payload {
	return append(slices.Clone(history), more...)
}

// hashOf is the hex SHA-256 of a statement of work.
func hashOf(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

func poIssued() events.PurchaseOrderIssued {
	return events.PurchaseOrderIssued{POID: "PO-1", ContractID: "C-1", VendorID: carrierID.String(), Category: events.CategoryServices,
		Amount: eur(3_000_000), Number: "4500012345"}
}

func receivedInvoice() events.InvoiceReceived {
	return events.InvoiceReceived{InvoiceID: "INV-1", ContractID: "C-1", POID: "PO-1", Number: "NC-2026-001",
		Amount: eur(1_000_000), IssuedOn: date("2026-04-20")}
}

func TestSignContract(t *testing.T) {
	second := SignContract{VendorID: carrierID.String(), Title: "Handsets", Value: eur(2_000_000), SignedOn: date("2026-03-20"),
		SOWText: "800 handsets", Deliverables: []events.Deliverable{
			{DeliverableID: "ignored", Title: "Handsets delivered", Due: date("2026-04-30"), Criteria: []events.Criterion{{CriterionID: "ignored", Text: "800 units"}}}}}
	with := func(change func(*SignContract)) ProjectCommand {
		c := signCommand()
		change(&c)
		return sign(c)
	}
	otherVendor := carrier()
	otherVendor.id = uuid.MustParse("11111111-2222-4333-8444-555555555555")
	runGWT(t, []gwt{
		{name: "sign", given: withCharter(), when: sign(signCommand()), then: []events.Payload{signed()}},
		{name: "no deliverables yet: they come by CR", given: withCharter(),
			when: with(func(c *SignContract) { c.Deliverables = nil }),
			then: []events.Payload{func() events.ContractSigned {
				e := signed()
				e.Deliverables = []events.Deliverable{}
				return e
			}()}},
		{name: "the vendor id is written in its canonical form", given: withCharter(),
			when: with(func(c *SignContract) { c.VendorID = strings.ToUpper(carrierID.String()) }), then: []events.Payload{signed()}},
		{name: "contract and deliverable ids follow on", given: withCharter(signed()), when: sign(second),
			then: []events.Payload{func() events.ContractSigned {
				e := signedSecond()
				e.SOWHash = hashOf("800 handsets")
				return e
			}()}},
		{name: "no vendor looked up", given: withCharter(), when: signCommand(),
			kind: ErrNotFound, rule: "vendor.not_found", field: "vendor_id"},
		{name: "a different vendor than named", given: withCharter(), when: signCommand().withVendor(otherVendor),
			kind: ErrNotFound, rule: "vendor.not_found", field: "vendor_id"},
		{name: "an unregistered vendor", given: withCharter(), when: signCommand().withVendor(&Vendor{id: carrierID}),
			kind: ErrNotFound, rule: "vendor.not_found", field: "vendor_id"},
		{name: "no title", given: withCharter(), when: with(func(c *SignContract) { c.Title = " " }),
			kind: ErrInvalid, rule: "required", field: "title"},
		{name: "value in another currency", given: withCharter(), when: with(func(c *SignContract) { c.Value = events.Money{Minor: 1, Currency: "SEK"} }),
			kind: ErrInvalid, rule: "currency_mismatch", field: "value.currency"},
		{name: "zero value", given: withCharter(), when: with(func(c *SignContract) { c.Value = eur(0) }),
			kind: ErrInvalid, rule: "positive", field: "value.minor"},
		{name: "not signed on a date", given: withCharter(), when: with(func(c *SignContract) { c.SignedOn = events.Date{} }),
			kind: ErrInvalid, rule: "required", field: "signed_on"},
		{name: "no statement of work", given: withCharter(), when: with(func(c *SignContract) { c.SOWText = "" }),
			kind: ErrInvalid, rule: "required", field: "sow_text"},
		{name: "a statement of work beyond the limit", given: withCharter(), when: with(func(c *SignContract) { c.SOWText = strings.Repeat("x", maxSOW+1) }),
			kind: ErrInvalid, rule: "text", field: "sow_text"},
		{name: "a long statement of work is fine", given: withCharter(), when: with(func(c *SignContract) { c.SOWText = strings.Repeat("x", maxText*4) }),
			then: []events.Payload{func() events.ContractSigned {
				e := signed()
				e.SOWText, e.SOWHash = strings.Repeat("x", maxText*4), hashOf(strings.Repeat("x", maxText*4))
				return e
			}()}},
		{name: "a deliverable without a title", given: withCharter(), when: with(func(c *SignContract) { c.Deliverables[1].Title = "" }),
			kind: ErrInvalid, rule: "required", field: "deliverables[1].title"},
		{name: "a deliverable without a due date", given: withCharter(), when: with(func(c *SignContract) { c.Deliverables[0].Due = events.Date{} }),
			kind: ErrInvalid, rule: "required", field: "deliverables[0].due"},
		{name: "a deliverable without criteria", given: withCharter(), when: with(func(c *SignContract) { c.Deliverables[0].Criteria = nil }),
			kind: ErrInvalid, rule: "required", field: "deliverables[0].criteria"},
		{name: "an empty criterion", given: withCharter(), when: with(func(c *SignContract) { c.Deliverables[0].Criteria[1].Text = "" }),
			kind: ErrInvalid, rule: "required", field: "deliverables[0].criteria[1].text"},
		{name: "a deliverable due before signing", given: withCharter(), when: with(func(c *SignContract) { c.Deliverables[1].Due = date("2026-03-09") }),
			kind: ErrInvalid, rule: "deliverable.due_before_signing", field: "deliverables[1].due"},
	})
}

func TestIssuePurchaseOrder(t *testing.T) {
	amended := events.ContractAmended{ContractID: "C-1", ValueDelta: eur(1_000_000), Value: eur(5_000_000), CRID: "CR-1"}
	runGWT(t, []gwt{
		{name: "issue", given: withCharter(signed()),
			when: IssuePurchaseOrder{ContractID: "C-1", Category: events.CategoryServices, Amount: eur(3_000_000), Number: "4500012345"},
			then: []events.Payload{poIssued()}},
		{name: "up to the contract value", given: withCharter(signed(), poIssued()),
			when: IssuePurchaseOrder{ContractID: "C-1", Category: events.CategoryServices, Amount: eur(1_000_000)},
			then: []events.Payload{events.PurchaseOrderIssued{POID: "PO-2", ContractID: "C-1", VendorID: carrierID.String(),
				Category: events.CategoryServices, Amount: eur(1_000_000)}}},
		{name: "beyond the contract value", given: withCharter(signed(), poIssued()),
			when: IssuePurchaseOrder{ContractID: "C-1", Category: events.CategoryServices, Amount: eur(1_000_001)},
			kind: ErrRuleViolated, rule: "po.exceeds_contract", field: "amount"},
		{name: "a single PO beyond the contract value", given: withCharter(signed()),
			when: IssuePurchaseOrder{ContractID: "C-1", Category: events.CategoryServices, Amount: eur(4_000_001)},
			kind: ErrRuleViolated, rule: "po.exceeds_contract", field: "amount"},
		{name: "POs on another contract do not count", given: withCharter(signed(), signedSecond(), poIssued()),
			when: IssuePurchaseOrder{ContractID: "C-2", Category: events.CategoryHardware, Amount: eur(2_000_000)},
			then: []events.Payload{events.PurchaseOrderIssued{POID: "PO-2", ContractID: "C-2", VendorID: carrierID.String(),
				Category: events.CategoryHardware, Amount: eur(2_000_000)}}},
		{name: "a CR raising the value makes room", given: withCharter(signed(), poIssued(), amended),
			when: IssuePurchaseOrder{ContractID: "C-1", Category: events.CategoryServices, Amount: eur(2_000_000)},
			then: []events.Payload{events.PurchaseOrderIssued{POID: "PO-2", ContractID: "C-1", VendorID: carrierID.String(),
				Category: events.CategoryServices, Amount: eur(2_000_000)}}},
		{name: "a PO number used twice", given: withCharter(signed(), poIssued()),
			when: IssuePurchaseOrder{ContractID: "C-1", Category: events.CategoryServices, Amount: eur(1), Number: " 4500012345"},
			kind: ErrRuleViolated, rule: "po.duplicate_number", field: "number"},
		{name: "unknown contract", given: withCharter(signed()),
			when: IssuePurchaseOrder{ContractID: "C-9", Category: events.CategoryServices, Amount: eur(1)},
			kind: ErrNotFound, rule: "contract.not_found", field: "contract_id"},
		{name: "unknown category", given: withCharter(signed()),
			when: IssuePurchaseOrder{ContractID: "C-1", Category: "travel", Amount: eur(1)},
			kind: ErrInvalid, rule: "one_of", field: "category"},
		{name: "zero", given: withCharter(signed()),
			when: IssuePurchaseOrder{ContractID: "C-1", Category: events.CategoryServices, Amount: eur(0)},
			kind: ErrInvalid, rule: "positive", field: "amount.minor"},
		{name: "another currency", given: withCharter(signed()),
			when: IssuePurchaseOrder{ContractID: "C-1", Category: events.CategoryServices, Amount: events.Money{Minor: 1, Currency: "SEK"}},
			kind: ErrInvalid, rule: "currency_mismatch", field: "amount.currency"},
	})
}

func TestDeliverables(t *testing.T) {
	submitted := events.DeliverableSubmitted{ContractID: "C-1", DeliverableID: "DL-1", SubmittedBy: "am@carrier.example",
		Note: "all four sites live", DocumentRef: "DOC-TPM-014 v1"}
	rejected := events.DeliverableRejected{ContractID: "C-1", DeliverableID: "DL-1", RejectedBy: "pm@example.com",
		CriterionID: "K-2", Finding: "112 numbers in Malmö not ported"}
	disputed := events.DeliverableDisputed{ContractID: "C-1", DeliverableID: "DL-1", RaisedBy: "am@carrier.example",
		Claim: "Malmö numbers belong to another carrier, out of scope"}
	accepted := events.DeliverableAccepted{ContractID: "C-1", DeliverableID: "DL-1", AcceptedBy: "pm@example.com"}
	why := Meta{Reason: "acceptance test report ATR-3"}
	open := withCharter(signed())
	atSubmitted := withCharter(signed(), submitted)
	atRejected := withCharter(signed(), submitted, rejected)
	atDisputed := withCharter(signed(), submitted, rejected, disputed)
	resolve := func(outcome string) ResolveDispute {
		return ResolveDispute{ContractID: "C-1", DeliverableID: "DL-1", Outcome: outcome, ResolvedBy: "CIO", Resolution: "numbers were listed in SOW annex B"}
	}
	runGWT(t, []gwt{
		// submit
		{name: "submit", given: open, when: SubmitDeliverable(submitted), then: []events.Payload{submitted}},
		{name: "resubmit after rejection", given: atRejected,
			when: SubmitDeliverable{ContractID: "C-1", DeliverableID: "DL-1", SubmittedBy: "am@carrier.example", Note: "Malmö ported"},
			then: []events.Payload{events.DeliverableSubmitted{ContractID: "C-1", DeliverableID: "DL-1", SubmittedBy: "am@carrier.example", Note: "Malmö ported"}}},
		{name: "resubmit after an upheld dispute", given: followedBy(atDisputed, events.DisputeResolved(resolve(events.DisputeUpheld))),
			when: SubmitDeliverable(submitted), then: []events.Payload{submitted}},
		{name: "submit twice", given: atSubmitted, when: SubmitDeliverable(submitted),
			kind: ErrRuleViolated, rule: "deliverable.not_submittable", field: "deliverable_id"},
		{name: "submit an accepted deliverable", given: followedBy(atSubmitted, accepted), when: SubmitDeliverable(submitted),
			kind: ErrRuleViolated, rule: "deliverable.not_submittable", field: "deliverable_id"},
		{name: "submit a disputed deliverable", given: atDisputed, when: SubmitDeliverable(submitted),
			kind: ErrRuleViolated, rule: "deliverable.not_submittable", field: "deliverable_id"},
		{name: "submit to an unknown contract", given: open, when: SubmitDeliverable{ContractID: "C-9", DeliverableID: "DL-1", SubmittedBy: "x"},
			kind: ErrNotFound, rule: "contract.not_found", field: "contract_id"},
		{name: "submit an unknown deliverable", given: open, when: SubmitDeliverable{ContractID: "C-1", DeliverableID: "DL-9", SubmittedBy: "x"},
			kind: ErrNotFound, rule: "deliverable.not_found", field: "deliverable_id"},
		{name: "a deliverable of another contract", given: withCharter(signed(), signedSecond()),
			when: SubmitDeliverable{ContractID: "C-1", DeliverableID: "DL-3", SubmittedBy: "x"},
			kind: ErrNotFound, rule: "deliverable.not_found", field: "deliverable_id"},
		{name: "submit by nobody", given: open, when: SubmitDeliverable{ContractID: "C-1", DeliverableID: "DL-1"},
			kind: ErrInvalid, rule: "required", field: "submitted_by"},

		// accept
		{name: "accept", given: atSubmitted, when: AcceptDeliverable(accepted), then: []events.Payload{accepted}},
		{name: "accept one never submitted", given: open, when: AcceptDeliverable(accepted),
			kind: ErrRuleViolated, rule: "deliverable.not_submitted", field: "deliverable_id"},
		{name: "accept a rejected one", given: atRejected, when: AcceptDeliverable(accepted),
			kind: ErrRuleViolated, rule: "deliverable.not_submitted", field: "deliverable_id"},
		{name: "accept twice", given: followedBy(atSubmitted, accepted), when: AcceptDeliverable(accepted),
			kind: ErrRuleViolated, rule: "deliverable.not_submitted", field: "deliverable_id"},
		{name: "accept by nobody", given: atSubmitted, when: AcceptDeliverable{ContractID: "C-1", DeliverableID: "DL-1"},
			kind: ErrInvalid, rule: "required", field: "accepted_by"},
		{name: "accept an unknown deliverable", given: atSubmitted, when: AcceptDeliverable{ContractID: "C-1", DeliverableID: "DL-7", AcceptedBy: "pm"},
			kind: ErrNotFound, rule: "deliverable.not_found", field: "deliverable_id"},

		// reject
		{name: "reject against a criterion", given: atSubmitted, meta: why, when: RejectDeliverable(rejected), then: []events.Payload{rejected}},
		{name: "reject without a reason", given: atSubmitted, when: RejectDeliverable(rejected),
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "reject against an unknown criterion", given: atSubmitted, meta: why,
			when: RejectDeliverable{ContractID: "C-1", DeliverableID: "DL-1", RejectedBy: "pm@example.com", CriterionID: "K-3", Finding: "f"},
			kind: ErrNotFound, rule: "criterion.not_found", field: "criterion_id"},
		{name: "reject against another deliverable's criterion", given: withCharter(signed(),
			events.DeliverableSubmitted{ContractID: "C-1", DeliverableID: "DL-2", SubmittedBy: "am@carrier.example"}), meta: why,
			when: RejectDeliverable{ContractID: "C-1", DeliverableID: "DL-2", RejectedBy: "pm@example.com", CriterionID: "K-2", Finding: "f"},
			kind: ErrNotFound, rule: "criterion.not_found", field: "criterion_id"},
		{name: "reject without a finding", given: atSubmitted, meta: why,
			when: RejectDeliverable{ContractID: "C-1", DeliverableID: "DL-1", RejectedBy: "pm@example.com", CriterionID: "K-1"},
			kind: ErrInvalid, rule: "required", field: "finding"},
		{name: "reject by nobody", given: atSubmitted, meta: why,
			when: RejectDeliverable{ContractID: "C-1", DeliverableID: "DL-1", CriterionID: "K-1", Finding: "f"},
			kind: ErrInvalid, rule: "required", field: "rejected_by"},
		{name: "reject one never submitted", given: open, meta: why, when: RejectDeliverable(rejected),
			kind: ErrRuleViolated, rule: "deliverable.not_submitted", field: "deliverable_id"},
		{name: "reject twice", given: atRejected, meta: why, when: RejectDeliverable(rejected),
			kind: ErrRuleViolated, rule: "deliverable.not_submitted", field: "deliverable_id"},
		{name: "criteria changed by CR are the ones that count", given: withCharter(signed(),
			events.ContractAmended{ContractID: "C-1", Value: eur(4_000_000), CRID: "CR-1", DeliverablesChanged: []events.DeliverableChange{
				{DeliverableID: "DL-1", Criteria: []events.Criterion{{CriterionID: "K-1", Text: "test calls pass at three sites"}}}}},
			submitted), meta: why,
			when: RejectDeliverable(rejected), kind: ErrNotFound, rule: "criterion.not_found", field: "criterion_id"},

		// dispute
		{name: "dispute a rejection", given: atRejected, when: DisputeDeliverable(disputed), then: []events.Payload{disputed}},
		{name: "dispute what was not rejected", given: atSubmitted, when: DisputeDeliverable(disputed),
			kind: ErrRuleViolated, rule: "deliverable.not_rejected", field: "deliverable_id"},
		{name: "dispute twice", given: atDisputed, when: DisputeDeliverable(disputed),
			kind: ErrRuleViolated, rule: "deliverable.not_rejected", field: "deliverable_id"},
		{name: "dispute without a claim", given: atRejected,
			when: DisputeDeliverable{ContractID: "C-1", DeliverableID: "DL-1", RaisedBy: "am@carrier.example"},
			kind: ErrInvalid, rule: "required", field: "claim"},
		{name: "dispute by nobody", given: atRejected, when: DisputeDeliverable{ContractID: "C-1", DeliverableID: "DL-1", Claim: "c"},
			kind: ErrInvalid, rule: "required", field: "raised_by"},

		// resolve
		{name: "resolve for the vendor", given: atDisputed, meta: why, when: resolve(events.DisputeAccepted),
			then: []events.Payload{events.DisputeResolved(resolve(events.DisputeAccepted))}},
		{name: "uphold the rejection", given: atDisputed, meta: why, when: resolve(events.DisputeUpheld),
			then: []events.Payload{events.DisputeResolved(resolve(events.DisputeUpheld))}},
		{name: "resolved for the vendor means accepted", given: followedBy(atDisputed, events.DisputeResolved(resolve(events.DisputeAccepted))),
			when: SubmitDeliverable(submitted), kind: ErrRuleViolated, rule: "deliverable.not_submittable", field: "deliverable_id"},
		{name: "resolve without a reason", given: atDisputed, when: resolve(events.DisputeAccepted),
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "resolve with an unknown outcome", given: atDisputed, meta: why, when: resolve("split"),
			kind: ErrInvalid, rule: "one_of", field: "outcome"},
		{name: "resolve without a resolution", given: atDisputed, meta: why,
			when: ResolveDispute{ContractID: "C-1", DeliverableID: "DL-1", Outcome: events.DisputeUpheld, ResolvedBy: "CIO"},
			kind: ErrInvalid, rule: "required", field: "resolution"},
		{name: "resolve by nobody", given: atDisputed, meta: why,
			when: ResolveDispute{ContractID: "C-1", DeliverableID: "DL-1", Outcome: events.DisputeUpheld, Resolution: "r"},
			kind: ErrInvalid, rule: "required", field: "resolved_by"},
		{name: "resolve what is not disputed", given: atRejected, meta: why, when: resolve(events.DisputeUpheld),
			kind: ErrRuleViolated, rule: "deliverable.not_disputed", field: "deliverable_id"},
		{name: "resolve twice", given: followedBy(atDisputed, events.DisputeResolved(resolve(events.DisputeUpheld))), meta: why,
			when: resolve(events.DisputeUpheld), kind: ErrRuleViolated, rule: "deliverable.not_disputed", field: "deliverable_id"},
	})
}

func TestReceiveInvoice(t *testing.T) {
	receive := ReceiveInvoice{ContractID: "C-1", POID: "PO-1", Number: "NC-2026-001", Amount: eur(1_000_000), IssuedOn: date("2026-04-20")}
	with := func(change func(*ReceiveInvoice)) ReceiveInvoice {
		c := receive
		change(&c)
		return c
	}
	secondPO := events.PurchaseOrderIssued{POID: "PO-2", ContractID: "C-2", VendorID: carrierID.String(), Category: events.CategoryHardware, Amount: eur(2_000_000)}
	ordered := withCharter(signed(), poIssued())
	billed := withCharter(signed(), poIssued(), receivedInvoice())
	second := func(minor int64, override string) events.InvoiceReceived {
		return events.InvoiceReceived{InvoiceID: "INV-2", ContractID: "C-1", POID: "PO-1", Number: "NC-2026-002",
			Amount: eur(minor), IssuedOn: date("2026-05-20"), Override: override}
	}
	receiveSecond := func(minor int64, override string) ReceiveInvoice {
		return ReceiveInvoice{ContractID: "C-1", POID: "PO-1", Number: "NC-2026-002", Amount: eur(minor), IssuedOn: date("2026-05-20"), Override: override}
	}
	override := Meta{Reason: "extra porting work agreed in steering committee"}
	runGWT(t, []gwt{
		{name: "receive", given: ordered, when: receive, then: []events.Payload{receivedInvoice()}},
		{name: "up to what remains on the PO", given: billed, when: receiveSecond(2_000_000, ""),
			then: []events.Payload{second(2_000_000, "")}},
		{name: "beyond what remains on the PO", given: billed, when: receiveSecond(2_000_001, ""),
			kind: ErrRuleViolated, rule: "invoice.exceeds_po", field: "amount"},
		{name: "beyond, with an override but no reason", given: billed, when: receiveSecond(2_500_000, "porting extras, see CR-2"),
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "beyond, with a reason but no override", given: billed, meta: override, when: receiveSecond(2_500_000, ""),
			kind: ErrRuleViolated, rule: "invoice.exceeds_po", field: "amount"},
		{name: "beyond, with an override and a reason", given: billed, meta: override, when: receiveSecond(2_500_000, "porting extras, see CR-2"),
			then: []events.Payload{second(2_500_000, "porting extras, see CR-2")}},
		{name: "a rejected invoice no longer uses the PO", given: followedBy(billed, events.InvoiceRejected{InvoiceID: "INV-1", RejectedBy: "pm@example.com"}),
			when: receiveSecond(3_000_000, ""), then: []events.Payload{second(3_000_000, "")}},
		{name: "an approved one still does", given: followedBy(billed, events.InvoiceApproved{InvoiceID: "INV-1", ApprovedBy: "pm@example.com"}),
			when: receiveSecond(2_000_001, ""), kind: ErrRuleViolated, rule: "invoice.exceeds_po", field: "amount"},
		{name: "an invoice number twice on a contract", given: billed, when: with(func(c *ReceiveInvoice) { c.Number = "nc-2026-001"; c.Amount = eur(1) }),
			kind: ErrRuleViolated, rule: "invoice.duplicate_number", field: "number"},
		{name: "a rejected invoice's number can be reissued",
			given: followedBy(billed, events.InvoiceRejected{InvoiceID: "INV-1", RejectedBy: "pm@example.com"}), when: receive,
			then: []events.Payload{func() events.InvoiceReceived { e := receivedInvoice(); e.InvoiceID = "INV-2"; return e }()}},
		{name: "the same number on another contract is another invoice",
			given: withCharter(signed(), signedSecond(), poIssued(), secondPO, receivedInvoice()),
			when:  with(func(c *ReceiveInvoice) { c.ContractID, c.POID = "C-2", "PO-2" }),
			then: []events.Payload{events.InvoiceReceived{InvoiceID: "INV-2", ContractID: "C-2", POID: "PO-2", Number: "NC-2026-001",
				Amount: eur(1_000_000), IssuedOn: date("2026-04-20")}}},
		{name: "a PO of another contract", given: withCharter(signed(), signedSecond(), poIssued(), secondPO),
			when: with(func(c *ReceiveInvoice) { c.POID = "PO-2" }),
			kind: ErrNotFound, rule: "po.not_found", field: "po_id"},
		{name: "an unknown PO", given: ordered, when: with(func(c *ReceiveInvoice) { c.POID = "PO-9" }),
			kind: ErrNotFound, rule: "po.not_found", field: "po_id"},
		{name: "an unknown contract", given: ordered, when: with(func(c *ReceiveInvoice) { c.ContractID = "C-9" }),
			kind: ErrNotFound, rule: "contract.not_found", field: "contract_id"},
		{name: "in another currency", given: ordered, when: with(func(c *ReceiveInvoice) { c.Amount = events.Money{Minor: 1_000_000, Currency: "SEK"} }),
			kind: ErrInvalid, rule: "currency_mismatch", field: "amount.currency"},
		{name: "zero", given: ordered, when: with(func(c *ReceiveInvoice) { c.Amount = eur(0) }),
			kind: ErrInvalid, rule: "positive", field: "amount.minor"},
		{name: "a credit note is not an invoice", given: ordered, when: with(func(c *ReceiveInvoice) { c.Amount = eur(-100) }),
			kind: ErrInvalid, rule: "non_negative", field: "amount.minor"},
		{name: "no number", given: ordered, when: with(func(c *ReceiveInvoice) { c.Number = "" }),
			kind: ErrInvalid, rule: "required", field: "number"},
		{name: "no issue date", given: ordered, when: with(func(c *ReceiveInvoice) { c.IssuedOn = events.Date{} }),
			kind: ErrInvalid, rule: "required", field: "issued_on"},
	})
}

func TestApproveRejectPayInvoice(t *testing.T) {
	approved := events.InvoiceApproved{InvoiceID: "INV-1", ApprovedBy: "pm@example.com"}
	paid := events.InvoicePaid{InvoiceID: "INV-1", PaidOn: date("2026-05-15"), PaymentRef: "BANK-77812"}
	rejected := events.InvoiceRejected{InvoiceID: "INV-1", RejectedBy: "pm@example.com"}
	billed := withCharter(signed(), poIssued(), receivedInvoice())
	atApproved := followedBy(billed, approved, invoiceActual())
	why := Meta{Reason: "porting not complete: DL-1 rejected"}
	runGWT(t, []gwt{
		// approve
		{name: "approve books the actual against the PO's category", given: billed, when: ApproveInvoice(approved),
			then: []events.Payload{approved, invoiceActual()}},
		{name: "the actual takes the next entry id", given: withCharter(signed(), poIssued(), timesheetActual(), receivedInvoice()),
			when: ApproveInvoice(approved),
			then: []events.Payload{approved, func() events.ActualRecorded { e := invoiceActual(); e.EntryID = "AC-2"; return e }()}},
		{name: "approve twice", given: atApproved, when: ApproveInvoice(approved),
			kind: ErrRuleViolated, rule: "invoice.not_received", field: "invoice_id"},
		{name: "approve a rejected invoice", given: followedBy(billed, rejected), when: ApproveInvoice(approved),
			kind: ErrRuleViolated, rule: "invoice.not_received", field: "invoice_id"},
		{name: "approve an unknown invoice", given: billed, when: ApproveInvoice{InvoiceID: "INV-9", ApprovedBy: "pm@example.com"},
			kind: ErrNotFound, rule: "invoice.not_found", field: "invoice_id"},
		{name: "approve by nobody", given: billed, when: ApproveInvoice{InvoiceID: "INV-1"},
			kind: ErrInvalid, rule: "required", field: "approved_by"},

		// reject
		{name: "reject", given: billed, meta: why, when: RejectInvoice(rejected), then: []events.Payload{rejected}},
		{name: "reject without a reason", given: billed, when: RejectInvoice(rejected),
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "reject by nobody", given: billed, meta: why, when: RejectInvoice{InvoiceID: "INV-1"},
			kind: ErrInvalid, rule: "required", field: "rejected_by"},
		{name: "reject an approved invoice", given: atApproved, meta: why, when: RejectInvoice(rejected),
			kind: ErrRuleViolated, rule: "invoice.not_received", field: "invoice_id"},
		{name: "reject twice", given: followedBy(billed, rejected), meta: why, when: RejectInvoice(rejected),
			kind: ErrRuleViolated, rule: "invoice.not_received", field: "invoice_id"},
		{name: "reject an unknown invoice", given: billed, meta: why, when: RejectInvoice{InvoiceID: "INV-2", RejectedBy: "pm"},
			kind: ErrNotFound, rule: "invoice.not_found", field: "invoice_id"},

		// pay
		{name: "pay", given: atApproved, when: PayInvoice(paid), then: []events.Payload{paid}},
		{name: "pay on the day it was issued", given: atApproved, when: PayInvoice{InvoiceID: "INV-1", PaidOn: date("2026-04-20")},
			then: []events.Payload{events.InvoicePaid{InvoiceID: "INV-1", PaidOn: date("2026-04-20")}}},
		{name: "pay an unapproved invoice", given: billed, when: PayInvoice(paid),
			kind: ErrRuleViolated, rule: "invoice.not_approved", field: "invoice_id"},
		{name: "pay a rejected invoice", given: followedBy(billed, rejected), when: PayInvoice(paid),
			kind: ErrRuleViolated, rule: "invoice.not_approved", field: "invoice_id"},
		{name: "pay twice", given: followedBy(atApproved, paid), when: PayInvoice(paid),
			kind: ErrRuleViolated, rule: "invoice.already_paid", field: "invoice_id"},
		{name: "pay before it was issued", given: atApproved, when: PayInvoice{InvoiceID: "INV-1", PaidOn: date("2026-04-19")},
			kind: ErrRuleViolated, rule: "invoice.paid_before_issued", field: "paid_on"},
		{name: "pay without a date", given: atApproved, when: PayInvoice{InvoiceID: "INV-1"},
			kind: ErrInvalid, rule: "required", field: "paid_on"},
		{name: "pay an unknown invoice", given: atApproved, when: PayInvoice{InvoiceID: "INV-4", PaidOn: date("2026-05-15")},
			kind: ErrNotFound, rule: "invoice.not_found", field: "invoice_id"},
	})
}

// There is no command to change a contract's value or deliverables: they
// move only when an approved change request is implemented.
func TestContractAmendedByChangeRequest(t *testing.T) {
	submitted := events.ChangeRequestSubmitted{CRID: "CR-1", Title: "Fifth office", Description: "Add the Tromsø office", RequestedBy: "CIO"}
	assessed := events.ChangeRequestAssessed{CRID: "CR-1", ScopeImpact: "one more office", ScheduleDays: 10, CostImpact: eur(500_000),
		ContractChanges: []events.ContractChange{{
			ContractID: "C-1", ValueDelta: eur(500_000),
			DeliverablesAdded: []events.Deliverable{{Title: "SIP trunk live in Tromsø", Due: date("2026-05-20"),
				Criteria: []events.Criterion{{Text: "test calls pass in Tromsø"}, {Text: "Tromsø numbers ported"}}}},
			DeliverablesChanged: []events.DeliverableChange{{DeliverableID: "DL-1", Due: date("2026-04-29")}},
		}}, AssessedBy: "pm@example.com"}
	approved := events.ChangeRequestApproved{CRID: "CR-1", Approver: "CIO", Rationale: "Tromsø joins the programme"}
	why := Meta{Reason: "CR-1 approved by the steering committee"}
	amended := events.ContractAmended{ContractID: "C-1", ValueDelta: eur(500_000), Value: eur(4_500_000),
		DeliverablesAdded: []events.Deliverable{{DeliverableID: "DL-3", Title: "SIP trunk live in Tromsø", Due: date("2026-05-20"),
			Criteria: []events.Criterion{{CriterionID: "K-1", Text: "test calls pass in Tromsø"}, {CriterionID: "K-2", Text: "Tromsø numbers ported"}}}},
		DeliverablesChanged: []events.DeliverableChange{{DeliverableID: "DL-1", Due: date("2026-04-29")}},
		CRID:                "CR-1"}
	history := withCharter(signed(), submitted, assessed, approved)
	done := followedBy(history, amended, events.ChangeRequestImplemented{CRID: "CR-1"})
	runGWT(t, []gwt{
		{name: "implementing the CR amends the contract", given: history, meta: why, when: ImplementChangeRequest{CRID: "CR-1"},
			then: []events.Payload{amended, events.ChangeRequestImplemented{CRID: "CR-1"}}},
		{name: "without a reason", given: history, when: ImplementChangeRequest{CRID: "CR-1"},
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "not before approval", given: withCharter(signed(), submitted, assessed), meta: why, when: ImplementChangeRequest{CRID: "CR-1"},
			kind: ErrRuleViolated, rule: "baseline.requires_approved_cr", field: "cr_id"},
		{name: "the added deliverable can be submitted", given: done,
			when: SubmitDeliverable{ContractID: "C-1", DeliverableID: "DL-3", SubmittedBy: "am@carrier.example"},
			then: []events.Payload{events.DeliverableSubmitted{ContractID: "C-1", DeliverableID: "DL-3", SubmittedBy: "am@carrier.example"}}},
		{name: "the new value makes room for orders", given: done,
			when: IssuePurchaseOrder{ContractID: "C-1", Category: events.CategoryServices, Amount: eur(4_500_000)},
			then: []events.Payload{events.PurchaseOrderIssued{POID: "PO-1", ContractID: "C-1", VendorID: carrierID.String(),
				Category: events.CategoryServices, Amount: eur(4_500_000)}}},
		{name: "the next contract's deliverables follow the added one", given: done, when: sign(SignContract{
			VendorID: carrierID.String(), Title: "Handsets", Value: eur(2_000_000), SignedOn: date("2026-03-20"), SOWText: "800 handsets",
			Deliverables: []events.Deliverable{{Title: "Handsets delivered", Due: date("2026-04-30"), Criteria: []events.Criterion{{Text: "800 units"}}}}}),
			then: []events.Payload{events.ContractSigned{ContractID: "C-2", VendorID: carrierID.String(), Title: "Handsets", Value: eur(2_000_000),
				SignedOn: date("2026-03-20"), SOWText: "800 handsets", SOWHash: hashOf("800 handsets"), Deliverables: []events.Deliverable{
					{DeliverableID: "DL-4", Title: "Handsets delivered", Due: date("2026-04-30"), Criteria: []events.Criterion{{CriterionID: "K-1", Text: "800 units"}}}}}}},
	})
}

// TestSignContractThroughRepository runs the vendor lookup for real: the
// repository reads the vendor master before the project decides.
func TestSignContractThroughRepository(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "l.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	catalogue := events.NewCatalogue()
	repo := NewRepository(store, catalogue)
	meta := Meta{Actor: "coord@example.com"}

	vendorID := uuid.New()
	_, err = repo.RegisterVendor(ctx, vendorID, RegisterVendor{Name: "Nordic Carrier AB", Contact: "am@carrier.example", Country: "SE"}, meta)
	require.NoError(t, err)
	projectID := uuid.New()
	_, err = repo.ExecProject(ctx, projectID, CharterProject{Code: "TPM", Name: "Teams Phone migration", Sponsor: "CIO",
		Manager: "pm@example.com", Coordinator: "coord@example.com", Start: date("2026-03-02"), End: date("2026-06-30"), Currency: "EUR"}, meta)
	require.NoError(t, err)

	cmd := signCommand()
	cmd.VendorID = vendorID.String()
	res, err := repo.ExecProject(ctx, projectID, cmd, meta)
	require.NoError(t, err)
	require.Len(t, res.Events, 1)
	require.Equal(t, uint64(2), res.Version())
	payload, err := catalogue.Decode(res.Events[0])
	require.NoError(t, err)
	want := signed()
	want.VendorID = vendorID.String()
	require.Equal(t, want, payload)

	for _, c := range []struct {
		vendorID string
		kind     error
		rule     string
	}{
		{uuid.New().String(), ErrNotFound, "vendor.not_found"},
		{"carrier", ErrInvalid, "uuid"},
	} {
		cmd.VendorID = c.vendorID
		_, err = repo.ExecProject(ctx, projectID, cmd, meta)
		require.ErrorIs(t, err, c.kind)
		var e *Error
		require.True(t, errors.As(err, &e))
		require.Equal(t, c.rule, e.Rule)
		require.Equal(t, "vendor_id", e.Field)
	}

	var stored int
	for _, err := range store.ReadStream(ctx, ProjectStream(projectID), events.ReadOptions{}) {
		require.NoError(t, err)
		stored++
	}
	require.Equal(t, 2, stored, "a refused contract writes nothing")
	p, err := repo.Project(ctx, projectID)
	require.NoError(t, err)
	require.Equal(t, uint64(2), p.Version())
	require.Len(t, p.vendors.contracts, 1)
	require.Equal(t, vendorID.String(), p.vendors.contracts["C-1"].vendorID)
}
