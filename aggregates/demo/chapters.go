package demo

import (
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
)

// execution: March. Design, the first steering committee, porting prep.
func (r *run) execution() {
	p := r.plan
	core := []string{petra, chris, nils, aylin}
	r.on("2026-03-09")
	r.do(petra, "charter and plan approved", aggregates.ChangePhase{Phase: events.PhasePlanning})
	a := r.meeting("2026-03-09", core, []string{"Kick-off follow-ups", "Carrier onboarding", "Design workshop dates"},
		action("Send site survey template to all offices", chris, "2026-03-13"),
		action("Book SBC capacity review with NordTel", nils, "2026-03-13"))
	r.progress("trunks", 0+10)
	r.docs("architecture", "Solution architecture", "0.9", "2026-03-10")
	r.on("2026-03-12")
	r.done(a[0], "template sent")
	r.done(a[1], "review booked for 17 March")
	r.progress("design", 70)

	r.on("2026-03-16")
	r.do(chris, "kick-off for the porting workstream", aggregates.JoinMember{Person: jonas, Name: "Jonas Weber", Role: "Porting specialist (contractor)"})
	r.do(chris, "onboarding", aggregates.RequestAccess{Person: jonas, System: "NordTel porting portal", Level: "submitter"})
	r.do(petra, "steering committee 16 March", aggregates.RecordDecision{Title: "Connect through Operator Connect with NordTel",
		Context: "Three ways to bring PSTN to Teams; NordTel offers both Direct Routing and Operator Connect",
		Options: []string{"Direct Routing via our own SBCs", "Operator Connect with NordTel", "Microsoft Calling Plans"},
		Choice:  "Operator Connect with NordTel", Rationale: "no SBCs to run, Austrian numbers supported, lowest three-year cost",
		DecidedBy: helena})
	a = r.meeting("2026-03-16", append(core, jonas), []string{"Steering committee outcomes", "Porting list", "Security review of design"},
		action("Collect number ranges per office", jonas, "2026-03-20"),
		action("Security review of the draft design", markus, "2026-03-19"))
	r.do(chris, "access ticket closed", aggregates.ProvisionAccess{Person: jonas, System: "NordTel porting portal"})
	p.named["jonas assignment"] = r.id(jonas, "porting workstream", "assignment_id", aggregates.AssignResource{Person: jonas, TaskID: p.tasks["porting"], AllocationPercent: 80, From: date("2026-03-16"), To: date("2026-06-05")})
	r.on("2026-03-18")
	r.do(chris, "weekly risk review", aggregates.AssessRisk{RiskID: p.risks["carrier"], Probability: 4, Impact: 4, ReviewDate: date("2026-03-25")})
	r.on("2026-03-19")
	r.done(a[1], "two findings, both fixed in v1.0")
	r.newVersion("Solution architecture", "1.0")
	r.do(farah, "60 shared-device users are on E3, not E5", aggregates.InvalidateAssumption{AssumptionID: "A-2", Note: "licence gap of 60 users: bought under software"})
	r.do(aylin, "design handed over", aggregates.SubmitDeliverable{ContractID: p.contracts["ucp"], DeliverableID: "DL-6", SubmittedBy: "mia.lang@ucpartners.example", DocumentRef: "TPM-ARC-001 v1.0"})
	r.on("2026-03-20")
	r.done(a[0], "ranges in the porting list")
	r.do(petra, "design meets both criteria", aggregates.AcceptDeliverable{ContractID: p.contracts["ucp"], DeliverableID: "DL-6", AcceptedBy: petra})
	r.do(petra, "design board", aggregates.ApproveDocument{DocumentID: p.docs["Solution architecture"], Version: "1.0", ApprovedBy: petra})
	r.progress("design", 100)
	r.progress("trunks", 25)
	r.do(petra, "design signed off", aggregates.AchieveMilestone{MilestoneID: p.milestones["Design signed off"], Actual: date("2026-03-20")})

	r.on("2026-03-23")
	a = r.meeting("2026-03-23", core, []string{"Design sign-off", "Trunk test date", "Porting documents"},
		action("Get a trunk test date from NordTel in writing", nils, "2026-03-27"),
		action("Draft the interim porting plan", jonas, "2026-03-27"))
	p.named["trunk date action"] = a[0]
	r.progress("porting", 0+10)
	r.on("2026-03-25")
	r.do(chris, "weekly risk review", aggregates.AssessRisk{RiskID: p.risks["emergency"], Probability: 2, Impact: 5, ReviewDate: date("2026-04-15")})
	p.risks["porting"] = r.id(chris, "risk workshop follow-up", "risk_id", aggregates.RaiseRisk{Title: "Number porting rejected for Vienna ranges",
		Probability: 2, Impact: 4, Owner: jonas, Mitigation: "pre-validate the letters of authorisation with the losing carrier", ReviewDate: date("2026-04-22")})
	r.docs("other", "Interim porting plan", "0.1", "2026-03-25")
	r.on("2026-03-26")
	r.do(nils, "QoS measured in all four offices", aggregates.ValidateAssumption{AssumptionID: "A-1", Note: "jitter below 10 ms everywhere"})
	r.done(a[1], "plan drafted")
	r.on("2026-03-27")
	r.do(chris, "network team behind on SBC rules", aggregates.ChangeDependencyStatus{DependencyID: "D-1", Status: events.DependencyAtRisk})
	r.progress("trunks", 40)
	r.progress("porting", 30)
	r.do(nils, "NordTel gave no date", aggregates.UpdateAction{ActionID: a[0], Due: date("2026-04-01"), Note: "NordTel promised an answer by 1 April"})
}

// carrierDelay: the SIP trunks slip; a change request moves the schedule
// and shifts contingency to services.
func (r *run) carrierDelay() {
	p := r.plan
	core := []string{petra, chris, nils, aylin}
	r.on("2026-03-30")
	r.do(chris, "NordTel now says 1 May for Austria", aggregates.AssessRisk{RiskID: p.risks["carrier"], Probability: 5, Impact: 5, ReviewDate: date("2026-04-06")})
	r.do(petra, "carrier slip", aggregates.ForecastMilestone{MilestoneID: p.milestones["SIP trunks live"], Forecast: date("2026-05-01")})
	a := r.meeting("2026-03-30", core, []string{"Carrier delay", "Pilot options", "Budget check"},
		action("Price a three-week extension", farah, "2026-04-03"),
		action("Ask UC Partners for the pilot without Vienna", aylin, "2026-04-03"))
	r.on("2026-04-01")
	r.do(petra, "design done, build starts", aggregates.ChangePhase{Phase: events.PhaseExecution})
	r.done(p.named["trunk date action"], "NordTel confirmed 1 May in writing")
	r.on("2026-04-02")
	r.do(petra, "the carrier delay blocks the pilot and both waves", aggregates.EscalateRisk{RiskID: p.risks["carrier"], To: "steering committee"})
	r.do(nils, "rules deployed", aggregates.ResolveDependency{DependencyID: "D-1", Note: "firewall and SBC rules live"})
	p.named["carrier setup invoice"] = r.idAt(farah, "invoice arrived by post", "2026-03-31", "invoice_id", aggregates.ReceiveInvoice{ContractID: p.contracts["nordtel"], POID: p.pos["nordtel"], Number: "NT-2026-0412", Amount: eur(20_000), IssuedOn: date("2026-03-31")})
	p.named["design invoice"] = r.idAt(farah, "invoice arrived by e-mail", "2026-03-31", "invoice_id", aggregates.ReceiveInvoice{ContractID: p.contracts["ucp"], POID: p.pos["ucp"], Number: "UCP-1107", Amount: eur(36_000), IssuedOn: date("2026-03-31")})
	r.on("2026-04-03")
	r.done(a[0], "EUR 18,000 from contingency")
	r.done(a[1], "possible from 4 May")
	r.do(farah, "design phase delivered", aggregates.ApproveInvoice{InvoiceID: p.named["design invoice"], ApprovedBy: farah})
	r.progress("trunks", 55)
	r.progress("porting", 60)
	r.timesheets("2026-03-31", map[string]int{petra: 120, chris: 140, nils: 70, aylin: 150, sam: 10, lena: 8})
	r.do(farah, "month-end forecast", aggregates.UpdateForecast{Category: events.CategoryServices, EstimateAtCompletion: eur(168_000)})

	r.on("2026-04-06")
	issue := r.do(nils, "no trunks for the pilot date", aggregates.RealiseRisk{RiskID: p.risks["carrier"], Severity: events.SeverityHigh, Owner: nils, Due: date("2026-05-01")})
	issueID := first(issue, "issue_id")
	p.named["trunk issue"] = issueID
	r.do(farah, "setup fee matches the contract", aggregates.ApproveInvoice{InvoiceID: p.named["carrier setup invoice"], ApprovedBy: farah})
	r.docs("test_plan", "Pilot test plan", "1.0", "2026-04-06")
	a = r.meeting("2026-04-06", core, []string{"Issue I-1 (trunks)", "Change request", "Test plan"},
		action("Write CR-1 for the extension", petra, "2026-04-08"),
		action("Review the pilot test plan", sam, "2026-04-09"))
	r.on("2026-04-08")
	r.do(petra, "the sponsor must know before the steering committee", aggregates.EscalateIssue{IssueID: issueID, To: "sponsor"})
	cr := r.id(petra, "carrier delay", "cr_id", aggregates.SubmitChangeRequest{Title: "Extend the schedule three weeks for the SIP trunk delay",
		Description: "NordTel delivers Austrian trunks on 1 May instead of 10 April; pilot and both waves move; the carrier charges an expedite fee",
		RequestedBy: petra})
	r.docs("change_request", "CR-1 schedule extension", "1.0", "2026-04-08")
	r.done(a[0], "CR-1 submitted")
	r.on("2026-04-09")
	r.done(a[1], "two test cases added")
	r.do(aylin, "licences assigned", aggregates.ResolveDependency{DependencyID: "D-2", Note: "all 800 users licensed"})
	r.on("2026-04-10")
	assessed := r.do(petra, "impact analysis", aggregates.AssessChangeRequest{CRID: cr, ScopeImpact: "none: same offices, same users",
		ScheduleDays: 21, CostImpact: eur(18_000), AssessedBy: petra,
		BudgetChanges: []events.BudgetChange{{Category: events.CategoryContingency, Delta: eur(-18_000)}, {Category: events.CategoryServices, Delta: eur(18_000)}},
		MilestoneChanges: []events.MilestoneChange{
			{MilestoneID: p.milestones["SIP trunks live"], Baseline: date("2026-05-01")},
			{MilestoneID: p.milestones["Pilot complete"], Baseline: date("2026-05-15")},
			{MilestoneID: p.milestones["Wave 1 cutover (Berlin, Hamburg)"], Baseline: date("2026-06-05")},
			{MilestoneID: p.milestones["Wave 2 cutover (Munich, Vienna)"], Baseline: date("2026-06-26")},
		},
		ContractChanges: []events.ContractChange{{ContractID: p.contracts["nordtel"], ValueDelta: eur(6_000),
			DeliverablesChanged: []events.DeliverableChange{{DeliverableID: "DL-2", Due: date("2026-05-01")}, {DeliverableID: "DL-3", Due: date("2026-06-19")}}}},
	})
	r.progress("trunks", 70)
	r.progress("porting", 100)
	r.do(sam, "test plan reviewed", aggregates.ApproveDocument{DocumentID: p.docs["Pilot test plan"], Version: "1.0", ApprovedBy: sam})

	r.on("2026-04-13")
	approval := r.do(helena, "steering committee 13 April", aggregates.ApproveChangeRequest{CRID: cr, Approver: helena,
		Rationale: "three weeks cost less than a second carrier, and contingency covers the fee"})
	r.do(petra, "steering committee 13 April", aggregates.RecordDecision{Title: "Accept the three-week extension (CR-1)",
		Context: "NordTel slipped Austrian trunks to 1 May; a second carrier would take six weeks to onboard",
		Options: []string{"Extend three weeks", "Onboard a second carrier", "Pilot without Vienna and keep dates"},
		Choice:  "Extend three weeks", Rationale: "lowest risk and cost; contingency covers the expedite fee", DecidedBy: helena,
		RestsOn: []string{eventID(assessed, 0), eventID(approval, 0)}})
	r.do(petra, "steering committee 13 April", aggregates.PublishStatusReport{PeriodFrom: date("2026-03-30"), PeriodTo: date("2026-04-10"), AsOf: r.position,
		RAG:     map[string]string{"scope": "green", "schedule": "red", "budget": "amber", "raid": "red", "vendors": "amber"},
		Summary: "Carrier delay moves the pilot and both waves by three weeks; CR-1 asks for EUR 18,000 from contingency.",
		Markdown: "# TPM status, 13 April 2026\n\n**Schedule: red.** NordTel delivers Austrian SIP trunks on 1 May, not 10 April (risk R-1 realised as issue I-1).\n\n" +
			"**Budget: amber.** CR-1 moves EUR 18,000 from contingency to services for the carrier's expedite fee and UC Partners' replanning.\n\n" +
			"**Decision needed:** approve CR-1 (three-week extension) or onboard a second carrier (six weeks).\n"})
	r.on("2026-04-14")
	r.do(petra, "CR-1 approved by the steering committee on 13 April", aggregates.ImplementChangeRequest{CRID: cr})
	r.on("2026-04-15")
	r.newVersion("Solution architecture", "1.1")
	r.do(chris, "mitigation after design", aggregates.UpdateRiskMitigation{RiskID: p.risks["emergency"],
		Mitigation: "civic addresses loaded for all four offices; network sites mapped", Contingency: "route emergency calls via legacy lines until validated"})
	r.on("2026-04-16")
	r.do(petra, "CR-1 changes approved", aggregates.ApproveDocument{DocumentID: p.docs["Solution architecture"], Version: "1.1", ApprovedBy: petra})
	r.on("2026-04-17")
	r.progress("trunks", 80)
}

// pilotAndWaveOne: late April to late May. Headsets, the pilot, a rejected
// and disputed deliverable, wave 1.
func (r *run) pilotAndWaveOne() {
	p := r.plan
	core := []string{petra, chris, nils, aylin, sam}
	r.on("2026-04-20")
	p.risks["headsets"] = r.id(chris, "supplier warns about batch 2", "risk_id", aggregates.RaiseRisk{Title: "Headset supply shortage for batch 2", Probability: 4, Impact: 3,
		Owner: "Tom Hale (Headset Direct)", Mitigation: "allow a second certified model", ReviewDate: date("2026-05-04")})
	p.risks["adoption"] = r.id(chris, "adoption survey results", "risk_id", aggregates.RaiseRisk{Title: "Low user adoption in the regional offices", Probability: 3, Impact: 3,
		Owner: lena, Mitigation: "floor walkers in the first week of every wave", ReviewDate: date("2026-05-13")})
	a := r.meeting("2026-04-20", core, []string{"CR-1 replan", "Headsets", "Training plan"},
		action("Publish the new wave dates to all staff", chris, "2026-04-22"),
		action("Confirm training rooms in Munich and Vienna", lena, "2026-04-24"))
	r.on("2026-04-22")
	r.done(a[0], "intranet post and e-mail")
	r.on("2026-04-24")
	r.done(a[1], "rooms booked")
	r.do(aylin, "Berlin trunks handed over", aggregates.SubmitDeliverable{ContractID: p.contracts["nordtel"], DeliverableID: "DL-1", SubmittedBy: "ines.kraft@nordtel.example"})
	r.do(sam, "400 headsets delivered", aggregates.SubmitDeliverable{ContractID: p.contracts["headsets"], DeliverableID: "DL-4", SubmittedBy: "tom.hale@headsetdirect.example"})
	r.progress("trunks", 90)
	r.progress("headsets", 10)
	r.progress("training", 10)

	r.on("2026-04-27")
	r.do(nils, "both trunks tested, failover works", aggregates.AcceptDeliverable{ContractID: p.contracts["nordtel"], DeliverableID: "DL-1", AcceptedBy: nils})
	a = r.meeting("2026-04-27", core, []string{"Berlin trunks", "Headset batch 1", "Porting"},
		action("Check batch 1 serial numbers against the delivery note", sam, "2026-04-29"))
	r.on("2026-04-28")
	r.do(sam, "count and certification checked", aggregates.AcceptDeliverable{ContractID: p.contracts["headsets"], DeliverableID: "DL-4", AcceptedBy: sam})
	r.on("2026-04-29")
	r.done(a[0], "all 400 match")
	r.do(lena, "survey says regional staff fear the change", aggregates.UpdateRiskMitigation{RiskID: p.risks["adoption"],
		Mitigation: "floor walkers plus a champion per team", Contingency: "extra drop-in sessions in the second week"})
	porting := r.do(jonas, "losing carrier rejected two Vienna blocks", aggregates.RaiseIssue{Title: "Porting of two Vienna number blocks rejected",
		Description: "letters of authorisation named the old company name", Severity: events.SeverityMedium, Owner: jonas, Due: date("2026-05-13")})
	p.named["headset invoice"] = r.idAt(farah, "invoice arrived", "2026-04-27", "invoice_id", aggregates.ReceiveInvoice{ContractID: p.contracts["headsets"], POID: p.pos["headsets"], Number: "HD-88120", Amount: eur(48_000), IssuedOn: date("2026-04-27")})
	r.on("2026-04-30")
	r.doAt(farah, "payment run", "2026-04-30", aggregates.PayInvoice{InvoiceID: p.named["carrier setup invoice"], PaidOn: date("2026-04-30"), PaymentRef: "PAY-2026-04-117"})
	april := r.timesheets("2026-04-30", map[string]int{petra: 125, chris: 150, nils: 90, aylin: 160, sam: 40, lena: 50})
	p.named["chris april timesheet"] = april[chris]

	r.on("2026-05-01")
	r.do(aylin, "regional trunks handed over", aggregates.SubmitDeliverable{ContractID: p.contracts["nordtel"], DeliverableID: "DL-2", SubmittedBy: "ines.kraft@nordtel.example", Note: "failover tested 30 April"})
	r.progress("trunks", 100)
	r.do(nils, "trunks live in all offices", aggregates.AchieveMilestone{MilestoneID: p.milestones["SIP trunks live"], Actual: date("2026-05-01")})
	r.do(nils, "trunks live", aggregates.ResolveIssue{IssueID: p.named["trunk issue"], Resolution: "trunks live after CR-1; pilot starts 4 May"})
	r.progress("headsets", 20)
	p.named["duplicate invoice"] = r.idAt(farah, "duplicate of HD-88120", "2026-05-02", "invoice_id", aggregates.ReceiveInvoice{ContractID: p.contracts["headsets"], POID: p.pos["headsets"], Number: "HD-88127", Amount: eur(48_000), IssuedOn: date("2026-05-02")})

	r.on("2026-05-04")
	r.do(nils, "failover test log shows only one trunk", aggregates.RejectDeliverable{ContractID: p.contracts["nordtel"], DeliverableID: "DL-2", RejectedBy: nils,
		CriterionID: "K-2", Finding: "the 30 April test log covers the primary trunk only; no failover was exercised"})
	r.do(farah, "batch 1 accepted on 28 April", aggregates.ApproveInvoice{InvoiceID: p.named["headset invoice"], ApprovedBy: farah})
	a = r.meeting("2026-05-04", core, []string{"Pilot go", "DL-2 rejection", "Wave 1 readiness"},
		action("Send NordTel the rejection with the test log", nils, "2026-05-05"),
		action("Prepare the wave 1 communication pack", lena, "2026-05-08"),
		action("Reconcile headset invoices against deliveries", farah, "2026-05-08"))
	r.on("2026-05-05")
	r.done(a[0], "sent with the log")
	r.do(farah, "HD-88127 bills batch 1 a second time", aggregates.RejectInvoice{InvoiceID: p.named["duplicate invoice"], RejectedBy: farah})
	p.risks["close"] = r.id(chris, "quarter-end close clashes with cutover weekends", "risk_id", aggregates.RaiseRisk{Title: "Wave 1 cutover clashes with the quarter-end close",
		Probability: 2, Impact: 4, Owner: petra, Mitigation: "no cutover in finance's close week", ReviewDate: date("2026-05-20")})
	r.on("2026-05-06")
	r.do(chris, "NordTel disputes the rejection", aggregates.DisputeDeliverable{ContractID: p.contracts["nordtel"], DeliverableID: "DL-2",
		RaisedBy: "ines.kraft@nordtel.example", Claim: "failover was tested on 30 April by our NOC; the customer log is incomplete"})
	r.do(chris, "finance confirmed the close week", aggregates.AssessRisk{RiskID: p.risks["close"], Probability: 1, Impact: 4, ReviewDate: date("2026-05-27")})
	r.on("2026-05-08")
	r.done(a[2], "one duplicate found and rejected")
	r.progress("pilot", 50)
	r.progress("headsets", 30)
	r.progress("training", 25)
	r.doAt(jonas, "letters re-issued", "2026-05-08", aggregates.UpdateIssue{IssueID: first(porting, "issue_id"), Note: "new letters of authorisation sent"})

	r.on("2026-05-11")
	r.do(petra, "steering committee 11 May", aggregates.PublishStatusReport{PeriodFrom: date("2026-04-13"), PeriodTo: date("2026-05-08"), AsOf: r.position,
		RAG:     map[string]string{"scope": "green", "schedule": "amber", "budget": "green", "raid": "amber", "vendors": "red"},
		Summary: "Trunks live on 1 May; pilot running; regional trunks rejected on failover and disputed by NordTel.",
		Markdown: "# TPM status, 11 May 2026\n\n**Schedule: amber.** Trunks live on the CR-1 date; pilot completes 15 May.\n\n" +
			"**Vendors: red.** DL-2 rejected against criterion K-2 (failover); NordTel disputes. A duplicate headset invoice was rejected.\n"})
	p.named["split decision"] = r.id(petra, "steering committee 11 May", "decision_id", aggregates.RecordDecision{Title: "Split headset batch 2 across offices",
		Context: "Headset Direct can ship 250 in May and 150 in June", Options: []string{"Wait for all 400", "Split by office"},
		Choice: "Split by office", Rationale: "wave 1 offices are covered by batch 1; wave 2 can start with 250", DecidedBy: helena})
	a = r.meeting("2026-05-11", core, []string{"Pilot results so far", "Dispute on DL-2", "Headset batch 2"},
		action("Run a joint failover test with NordTel", nils, "2026-05-13"),
		action("Update the cutover runbook for the split batch", aylin, "2026-05-15"))
	r.on("2026-05-13")
	r.done(a[0], "joint test: failover works only after a NordTel config fix")
	r.do(petra, "joint test showed the fix was made after 30 April", aggregates.ResolveDispute{ContractID: p.contracts["nordtel"], DeliverableID: "DL-2",
		Outcome: events.DisputeUpheld, ResolvedBy: petra, Resolution: "rejection stands: failover needed a NordTel fix on 12 May; resubmit with a clean test"})
	r.do(jonas, "blocks ported", aggregates.ResolveIssue{IssueID: first(porting, "issue_id"), Resolution: "ported on 12 May"})
	r.do(jonas, "the porting risk did happen and is dealt with", aggregates.CloseRisk{RiskID: p.risks["porting"], Resolution: "the rejection occurred (I-2) and is resolved"})
	r.do(chris, "superseded by the cutover runbook", aggregates.RetireDocument{DocumentID: p.docs["Interim porting plan"]})
	r.on("2026-05-15")
	r.do(aylin, "clean failover test attached", aggregates.SubmitDeliverable{ContractID: p.contracts["nordtel"], DeliverableID: "DL-2", SubmittedBy: "ines.kraft@nordtel.example", Note: "joint test 13 May"})
	r.progress("pilot", 100)
	r.do(aylin, "pilot sign-off", aggregates.AchieveMilestone{MilestoneID: p.milestones["Pilot complete"], Actual: date("2026-05-15")})
	r.progress("headsets", 45)

	r.on("2026-05-18")
	r.do(nils, "clean test, both criteria met", aggregates.AcceptDeliverable{ContractID: p.contracts["nordtel"], DeliverableID: "DL-2", AcceptedBy: nils})
	r.do(aylin, "pilot report delivered", aggregates.SubmitDeliverable{ContractID: p.contracts["ucp"], DeliverableID: "DL-7", SubmittedBy: "mia.lang@ucpartners.example"})
	a = r.meeting("2026-05-18", append(core, lena), []string{"Wave 1 go/no-go", "Pilot report", "Runbook"},
		action("Book floor walkers for Berlin and Hamburg", lena, "2026-05-22"),
		action("Freeze the wave 1 user list", chris, "2026-05-20"),
		action("Confirm emergency location data for Hamburg", markus, "2026-05-21"))
	r.on("2026-05-20")
	r.do(petra, "MOS 4.2 over two weeks", aggregates.AcceptDeliverable{ContractID: p.contracts["ucp"], DeliverableID: "DL-7", AcceptedBy: petra})
	r.do(aylin, "runbook delivered late", aggregates.SubmitDeliverable{ContractID: p.contracts["ucp"], DeliverableID: "DL-8", SubmittedBy: "mia.lang@ucpartners.example", DocumentRef: "TPM-RUN-001"})
	r.docs("runbook", "Cutover runbook", "1.0", "2026-05-20")
	r.done(a[1], "list frozen: 530 users")
	r.do(chris, "NordTel has no Vienna porting slot before June", aggregates.ChangeDependencyStatus{DependencyID: "D-3", Status: events.DependencyAtRisk})
	cr2 := r.id(aylin, "Vienna reception asks for attendant consoles", "cr_id", aggregates.SubmitChangeRequest{Title: "Add attendant consoles for Vienna reception",
		Description: "two attendant console licences and a day of configuration", RequestedBy: "Vienna office manager"})
	r.on("2026-05-21")
	r.do(petra, "impact analysis", aggregates.AssessChangeRequest{CRID: cr2, ScopeImpact: "adds attendant consoles to the Vienna scope", ScheduleDays: 0,
		CostImpact: eur(7_500), AssessedBy: petra,
		ScopeItems: []events.ScopeItem{{ItemID: "S-1", Title: "Berlin HQ: 350 users to Teams Phone"}, {ItemID: "S-2", Title: "Hamburg office: 180 users"},
			{ItemID: "S-3", Title: "Munich office: 170 users"}, {ItemID: "S-4", Title: "Vienna office: 100 users"}, {ItemID: "S-5", Title: "Headsets for every user"},
			{ItemID: "S-6", Title: "Training and floor-walking in every office"}, {Title: "Attendant consoles for Vienna reception"}},
		BudgetChanges: []events.BudgetChange{{Category: events.CategoryContingency, Delta: eur(-7_500)}, {Category: events.CategorySoftware, Delta: eur(7_500)}}})
	p.named["consoles CR"] = cr2
	r.on("2026-05-22")
	r.do(petra, "runbook meets the criterion", aggregates.AcceptDeliverable{ContractID: p.contracts["ucp"], DeliverableID: "DL-8", AcceptedBy: petra})
	r.done(a[0], "floor walkers booked")
	r.progress("wave1", 30)
	r.progress("headsets", 60)
	r.progress("training", 45)
}

// waveTwoAndClosing: late May to the end of June. People leave, wave 2,
// the project moves to closing with things still open.
func (r *run) waveTwoAndClosing() {
	p := r.plan
	core := []string{petra, chris, nils, aylin, sam}
	r.on("2026-05-25")
	realised := r.do(sam, "batch 2 will ship 150 short", aggregates.RealiseRisk{RiskID: p.risks["headsets"], Severity: events.SeverityMedium, Owner: sam, Due: date("2026-06-12")})
	headsetIssue := first(realised, "issue_id")
	r.do(petra, "wave 2 needs Aylin part-time on the cutover too", aggregates.AssignResource{Person: aylin, TaskID: p.tasks["wave2"], AllocationPercent: 30, From: date("2026-05-25"), To: date("2026-06-12")})
	a := r.meeting("2026-05-25", core, []string{"Wave 1 hypercare", "Headset shortage", "Markus leaving"},
		action("Hand security review duties to Aylin", markus, "2026-05-27"),
		action("Agree a delivery date for the missing 150 headsets", sam, "2026-05-29"))
	r.on("2026-05-27")
	r.done(a[0], "handover done")
	r.do(chris, "Markus leaves the project", aggregates.ChangeRiskOwner{RiskID: p.risks["emergency"], Owner: aylin})
	r.do(chris, "close week passed without a clash", aggregates.CloseRisk{RiskID: p.risks["close"], Resolution: "no cutover in the close week"})
	r.do(lena, "wave 1 adoption is good", aggregates.AssessRisk{RiskID: p.risks["adoption"], Probability: 2, Impact: 3, ReviewDate: date("2026-06-10")})
	r.on("2026-05-29")
	r.do(chris, "offboarding: Markus moves to another programme", aggregates.RevokeAccess{Person: markus, System: "Teams admin centre"})
	r.do(chris, "offboarding", aggregates.LeaveMember{Person: markus})
	if r.err == nil {
		res, err := r.repo.ExecPerson(r.ctx, PersonID(markus), aggregates.RevokeRole{GrantID: "G-1"}, r.meta(chris, "left the project", ""))
		r.record(res, err, "revoke Markus's role")
	}
	r.doAt(farah, "payment run", "2026-05-29", aggregates.PayInvoice{InvoiceID: p.named["headset invoice"], PaidOn: date("2026-05-29"), PaymentRef: "PAY-2026-05-203"})
	p.named["trunk invoice"] = r.idAt(farah, "invoice arrived", "2026-05-29", "invoice_id", aggregates.ReceiveInvoice{ContractID: p.contracts["nordtel"], POID: p.pos["nordtel"], Number: "NT-2026-0588", Amount: eur(30_000), IssuedOn: date("2026-05-29")})
	r.progress("wave1", 60)
	r.progress("headsets", 75)
	r.timesheets("2026-05-29", map[string]int{petra: 130, chris: 150, nils: 85, aylin: 165, sam: 70, lena: 90})
	r.do(farah, "labour runs over: 600 hours a month instead of 350", aggregates.UpdateForecast{Category: events.CategoryLabour, EstimateAtCompletion: eur(205_000)})

	r.on("2026-06-01")
	r.do(chris, "contract ended: porting handed to NordTel", aggregates.RevokeAccess{Person: jonas, System: "NordTel porting portal"})
	r.do(petra, "contract ended", aggregates.ReleaseResource{AssignmentID: p.named["jonas assignment"]})
	r.do(helena, "steering committee by e-mail", aggregates.RejectChangeRequest{CRID: p.named["consoles CR"], Approver: helena, Rationale: "Vienna reception can use a call queue; revisit after go-live"})
	r.doAt(farah, "invoice arrived", "2026-06-01", aggregates.ReceiveInvoice{ContractID: p.contracts["ucp"], POID: p.pos["ucp"], Number: "UCP-1188", Amount: eur(30_000), IssuedOn: date("2026-06-01"),
		Override: "CR-1 expedite work agreed on 13 April; PO top-up requested from procurement"})
	r.newVersion("Cutover runbook", "1.1")
	r.on("2026-06-02")
	r.do(petra, "wave 2 version", aggregates.ApproveDocument{DocumentID: p.docs["Cutover runbook"], Version: "1.1", ApprovedBy: petra})
	r.do(sam, "needs the supplier's director", aggregates.EscalateIssue{IssueID: headsetIssue, To: "Headset Direct sales director"})
	r.do(sam, "the escalation replaces it", aggregates.CancelAction{ActionID: a[1]})
	r.on("2026-06-03")
	r.do(farah, "trunk charges match the contract", aggregates.ApproveInvoice{InvoiceID: p.named["trunk invoice"], ApprovedBy: farah})
	r.on("2026-06-05")
	r.progress("wave1", 100)
	r.do(aylin, "wave 1 live", aggregates.AchieveMilestone{MilestoneID: p.milestones["Wave 1 cutover (Berlin, Hamburg)"], Actual: date("2026-06-05")})
	r.progress("headsets", 90)
	r.progress("training", 65)

	r.on("2026-06-08")
	r.do(chris, "NordTel missed the porting window", aggregates.ChangeDependencyStatus{DependencyID: "D-3", Status: events.DependencyLate})
	munich := r.do(aylin, "Munich call queues misroute after the first cutover test", aggregates.RaiseIssue{Title: "Call queue routing errors in Munich",
		Severity: events.SeverityHigh, Owner: aylin, Due: date("2026-06-12")})
	a = r.meeting("2026-06-08", core, []string{"Wave 2 readiness", "Munich routing issue", "Vienna porting"},
		action("Fix Munich call queue routing", aylin, "2026-06-12"),
		action("Get a new Vienna porting date from NordTel", nils, "2026-06-10"),
		action("Collect wave 1 lessons learned", chris, "2026-06-12"))
	r.on("2026-06-10")
	r.do(aylin, "affects the reception line", aggregates.UpdateIssue{IssueID: first(munich, "issue_id"), Severity: events.SeverityCritical, Note: "reception line affected"})
	r.do(aylin, "all four offices validated", aggregates.CloseRisk{RiskID: p.risks["emergency"], Resolution: "emergency location data validated in every office"})
	r.on("2026-06-12")
	r.progress("wave2", 40)
	r.progress("headsets", 100)
	r.done(a[2], "lessons in the closure report draft")

	r.on("2026-06-15")
	r.do(petra, "steering committee 15 June", aggregates.RecordDecision{Title: "Deliver the rest of batch 2 to Munich first",
		Context: "150 headsets arrive on 22 June; Munich cuts over before Vienna", Options: []string{"Split evenly", "Munich first"},
		Choice: "Munich first", Rationale: "Munich has more users without headsets", DecidedBy: helena, Supersedes: p.named["split decision"]})
	r.meeting("2026-06-15", core, []string{"Steering committee outcomes", "Wave 2 progress", "Closure planning"},
		action("Draft the closure report", petra, "2026-06-26"),
		action("Plan the handover to operations", sam, "2026-06-24"))
	r.on("2026-06-17")
	r.do(aylin, "routing rules corrected", aggregates.ResolveIssue{IssueID: first(munich, "issue_id"), Resolution: "call queue routing fixed and tested"})
	r.done(a[0], "fixed")
	r.on("2026-06-19")
	r.do(aylin, "porting complete for the agreed blocks", aggregates.SubmitDeliverable{ContractID: p.contracts["nordtel"], DeliverableID: "DL-3", SubmittedBy: "ines.kraft@nordtel.example"})
	r.progress("wave2", 80)
	r.progress("training", 85)

	r.on("2026-06-22")
	r.do(petra, "both waves done but Vienna; closure starts", aggregates.ChangePhase{Phase: events.PhaseClosing})
	r.meeting("2026-06-22", core, []string{"Vienna porting", "Closure report", "Open invoices"},
		action("Chase NordTel for the last Vienna blocks", nils, "2026-06-26"))
	r.on("2026-06-24")
	r.do(nils, "all listed numbers reach Teams", aggregates.AcceptDeliverable{ContractID: p.contracts["nordtel"], DeliverableID: "DL-3", AcceptedBy: nils})
	r.on("2026-06-26")
	r.progress("wave2", 100)
	r.do(aylin, "wave 2 live", aggregates.AchieveMilestone{MilestoneID: p.milestones["Wave 2 cutover (Munich, Vienna)"], Actual: date("2026-06-26")})
	r.progress("training", 95)
	r.progress("closure", 50)
	r.doAt(farah, "invoice arrived", "2026-06-26", aggregates.ReceiveInvoice{ContractID: p.contracts["nordtel"], POID: p.pos["nordtel"], Number: "NT-2026-0711", Amount: eur(25_000), IssuedOn: date("2026-06-26")})
	r.on("2026-06-30")
	r.timesheets("2026-06-30", map[string]int{petra: 110, chris: 130, nils: 60, aylin: 140, sam: 80, lena: 70})
	r.doAt(farah, "travel to Vienna for wave 2", "2026-06-24", aggregates.RecordActual{Category: events.CategoryServices, Amount: eur(2_350), Source: events.SourceExpense, Description: "travel and hotel, Vienna cutover"})
	r.do(farah, "timesheet for April was imported twice for Chris", aggregates.CorrectEntry{EntryID: p.named["chris april timesheet"], Category: events.CategoryLabour, Amount: eur(int64(75) * 85)})
	r.do(farah, "month-end forecast", aggregates.UpdateForecast{Category: events.CategoryHardware, EstimateAtCompletion: eur(96_000)})
	r.do(farah, "month-end forecast", aggregates.UpdateForecast{Category: events.CategoryServices, EstimateAtCompletion: eur(171_000)})
}
