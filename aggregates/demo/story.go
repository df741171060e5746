package demo

import (
	"context"
	"fmt"

	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
)

// The cast. Everyone on the team is keyed by e-mail.
const (
	petra  = "petra.maier@example.com"   // project manager
	chris  = "chris.ortega@example.com"  // project coordinator
	nils   = "nils.brandt@example.com"   // network lead
	aylin  = "aylin.demir@example.com"   // UC engineer
	sam    = "sam.okafor@example.com"    // service desk lead
	lena   = "lena.vogt@example.com"     // trainer
	markus = "markus.roth@example.com"   // security architect, leaves in May
	farah  = "farah.idris@example.com"   // finance controller
	jonas  = "jonas.weber@example.com"   // porting specialist (contractor), access revoked in June
	helena = "helena.schulz@example.com" // CIO, sponsor
	olaf   = "olaf.berg@example.com"     // internal auditor
)

// Vendors.
const (
	nordtel  = "NordTel Carrier GmbH"
	headsets = "Headset Direct Ltd"
	ucp      = "UC Partners AG"
)

// Seed writes the demo into an empty ledger through repo. The store behind
// repo must stamp recorded times with clock.Now.
func Seed(ctx context.Context, repo *aggregates.Repository, clock *Clock) (Summary, error) {
	r := &run{ctx: ctx, repo: repo, clock: clock, project: ProjectID()}
	r.directory()
	r.initiation()
	r.planning()
	r.execution()
	r.carrierDelay()
	r.pilotAndWaveOne()
	r.waveTwoAndClosing()
	if r.err != nil {
		return Summary{}, r.err
	}
	return Summary{ProjectID: r.project, Code: "TPM", Commands: r.step, Events: r.events}, nil
}

// directory registers the people and vendors.
func (r *run) directory() {
	r.on("2026-02-23")
	people := []struct{ email, name, org string }{
		{petra, "Petra Maier", "IT"}, {chris, "Chris Ortega", "IT"}, {nils, "Nils Brandt", "IT Networks"},
		{aylin, "Aylin Demir", "IT Collaboration"}, {sam, "Sam Okafor", "Service Desk"}, {lena, "Lena Vogt", "HR Learning"},
		{markus, "Markus Roth", "IT Security"}, {farah, "Farah Idris", "Finance"}, {jonas, "Jonas Weber", "Contractor"},
		{helena, "Helena Schulz", "Executive"}, {olaf, "Olaf Berg", "Internal Audit"},
	}
	for _, p := range people {
		r.person(p.email, aggregates.RegisterPerson{Email: p.email, Name: p.name, Organisation: p.org})
	}
	for _, v := range []struct{ name, contact, country string }{
		{nordtel, "ines.kraft@nordtel.example", "DE"}, {headsets, "tom.hale@headsetdirect.example", "GB"}, {ucp, "mia.lang@ucpartners.example", "AT"},
	} {
		if r.err != nil {
			return
		}
		res, err := r.repo.RegisterVendor(r.ctx, VendorID(v.name), aggregates.RegisterVendor{Name: v.name, Contact: v.contact, Country: v.country},
			r.meta(chris, "vendor onboarding for TPM", ""))
		r.record(res, err, v)
	}
}

// grantRoles gives the team their pledger roles on the project.
func (r *run) grantRoles() {
	project := ProjectID().String()
	grants := []struct{ email, role string }{
		{petra, events.RolePM}, {chris, events.RoleCoordinator}, {nils, events.RoleContributor}, {aylin, events.RoleContributor},
		{farah, events.RoleContributor}, {markus, events.RoleContributor}, {olaf, events.RoleAuditor}, {helena, events.RoleAdmin},
	}
	for _, g := range grants {
		r.person(g.email, aggregates.GrantRole{Role: g.role, ProjectID: project})
	}
}

func (r *run) person(email string, cmd aggregates.PersonCommand) {
	if r.err != nil {
		return
	}
	res, err := r.repo.ExecPerson(r.ctx, PersonID(email), cmd, r.meta(chris, "directory for TPM", ""))
	r.record(res, err, cmd)
}

func (r *run) initiation() {
	r.on("2026-03-02")
	r.do(petra, "project charter signed by the CIO", aggregates.CharterProject{
		Code: "TPM", Name: "Teams Phone migration", Sponsor: "Helena Schulz (CIO)", Manager: petra, Coordinator: chris,
		Description: "Move 800 users in four offices (Berlin, Hamburg, Munich, Vienna) from the legacy PBX to Teams Phone with Direct Routing.",
		Start:       date("2026-03-02"), End: date("2026-06-30"), Currency: "EUR",
	})
	r.grantRoles()
	team := []struct{ email, name, role string }{
		{petra, "Petra Maier", "Project manager"}, {chris, "Chris Ortega", "Project coordinator"},
		{nils, "Nils Brandt", "Network lead"}, {aylin, "Aylin Demir", "UC engineer"}, {sam, "Sam Okafor", "Service desk lead"},
		{lena, "Lena Vogt", "Trainer"}, {markus, "Markus Roth", "Security architect"}, {farah, "Farah Idris", "Finance controller"},
	}
	for _, m := range team {
		r.do(chris, "kick-off", aggregates.JoinMember{Person: m.email, Name: m.name, Role: m.role})
	}
	for _, a := range []struct{ email, system, level string }{
		{aylin, "Teams admin centre", "Teams Communications Administrator"}, {nils, "Session border controllers", "admin"},
		{chris, "ServiceNow", "change manager"}, {sam, "ServiceNow", "agent"}, {markus, "Teams admin centre", "reader"},
	} {
		r.do(chris, "onboarding", aggregates.RequestAccess{Person: a.email, System: a.system, Level: a.level})
	}
	r.on("2026-03-03")
	for _, a := range []struct{ email, system string }{
		{aylin, "Teams admin centre"}, {nils, "Session border controllers"}, {chris, "ServiceNow"}, {sam, "ServiceNow"}, {markus, "Teams admin centre"},
	} {
		r.do(chris, "access ticket closed", aggregates.ProvisionAccess{Person: a.email, System: a.system})
	}
	r.do(petra, "scope agreed in the charter", aggregates.BaselineScope{Items: []events.ScopeItem{
		{Title: "Berlin HQ: 350 users to Teams Phone", Description: "including reception and 12 call queues"},
		{Title: "Hamburg office: 180 users"}, {Title: "Munich office: 170 users"}, {Title: "Vienna office: 100 users", Description: "Austrian number ranges ported"},
		{Title: "Headsets for every user"}, {Title: "Training and floor-walking in every office"},
	}})
	for _, b := range []struct {
		category string
		amount   int64
	}{{events.CategoryLabour, 120_000}, {events.CategoryHardware, 96_000}, {events.CategorySoftware, 40_000},
		{events.CategoryServices, 150_000}, {events.CategoryContingency, 60_000}} {
		r.do(helena, "budget approved with the charter", aggregates.ApproveBudget{Category: b.category, Amount: eur(b.amount)})
	}
	r.do(farah, "finance policy", aggregates.SetVarianceThreshold{WarnPercent: 80, AlertPercent: 95})
	r.do(farah, "services carry most vendor risk", aggregates.SetVarianceThreshold{Category: events.CategoryServices, WarnPercent: 85, AlertPercent: 100})
}

// milestones and tasks are filled in as they are planned, by name.
type plan struct {
	milestones map[string]string
	tasks      map[string]string
	contracts  map[string]string
	pos        map[string]string
	risks      map[string]string
	docs       map[string]string
	named      map[string]string // other ids the story refers back to
	actions    []string
}

func (r *run) planning() {
	r.on("2026-03-04")
	p := &plan{milestones: map[string]string{}, tasks: map[string]string{}, contracts: map[string]string{}, pos: map[string]string{}, risks: map[string]string{}, docs: map[string]string{}, named: map[string]string{}}
	r.plan = p
	for _, m := range []struct{ name, baseline string }{
		{"Design signed off", "2026-03-20"}, {"SIP trunks live", "2026-04-10"}, {"Pilot complete", "2026-04-24"},
		{"Wave 1 cutover (Berlin, Hamburg)", "2026-05-22"}, {"Wave 2 cutover (Munich, Vienna)", "2026-06-12"}, {"Project closed", "2026-06-30"},
	} {
		p.milestones[m.name] = r.id(petra, "schedule baseline", "milestone_id", aggregates.PlanMilestone{Name: m.name, Baseline: date(m.baseline)})
	}
	ms := p.milestones
	for _, t := range []struct {
		key, name, start, finish string
		pv                       int64
		deps                     []string
		milestone                string
	}{
		{"design", "Solution design", "2026-03-02", "2026-03-20", 36_000, nil, ms["Design signed off"]},
		{"trunks", "SIP trunk provisioning", "2026-03-09", "2026-04-10", 48_000, nil, ms["SIP trunks live"]},
		{"porting", "Number porting preparation", "2026-03-23", "2026-04-10", 30_000, []string{"design"}, ""},
		{"pilot", "Pilot with 50 users", "2026-04-13", "2026-04-24", 32_000, []string{"trunks", "porting"}, ms["Pilot complete"]},
		{"headsets", "Headset rollout", "2026-04-20", "2026-06-05", 96_000, nil, ""},
		{"wave1", "Wave 1: Berlin and Hamburg", "2026-04-27", "2026-05-22", 70_000, []string{"pilot"}, ms["Wave 1 cutover (Berlin, Hamburg)"]},
		{"wave2", "Wave 2: Munich and Vienna", "2026-05-25", "2026-06-12", 50_000, []string{"wave1"}, ms["Wave 2 cutover (Munich, Vienna)"]},
		{"training", "Training and adoption", "2026-04-20", "2026-06-19", 30_000, nil, ""},
		{"closure", "Closure and handover to operations", "2026-06-15", "2026-06-30", 14_000, []string{"wave2"}, ms["Project closed"]},
	} {
		var deps []string
		for _, d := range t.deps {
			deps = append(deps, p.tasks[d])
		}
		p.tasks[t.key] = r.id(petra, "schedule baseline", "task_id", aggregates.PlanTask{Name: t.name, Start: date(t.start), Finish: date(t.finish),
			PlannedValue: eur(t.pv), DependsOn: deps, MilestoneID: t.milestone})
	}
	for _, a := range []struct {
		who, task, from, to string
		pct                 int
	}{
		{nils, "trunks", "2026-03-02", "2026-06-30", 50}, {aylin, "design", "2026-03-02", "2026-06-30", 100},
		{sam, "wave1", "2026-04-27", "2026-06-19", 40}, {lena, "training", "2026-04-20", "2026-06-19", 60},
	} {
		r.do(petra, "resource plan", aggregates.AssignResource{Person: a.who, TaskID: p.tasks[a.task], AllocationPercent: a.pct, From: date(a.from), To: date(a.to)})
	}

	p.risks["carrier"] = r.id(chris, "risk workshop", "risk_id", aggregates.RaiseRisk{Title: "Carrier delivers SIP trunks late",
		Description: "NordTel has not delivered Direct Routing trunks in Austria before", Probability: 3, Impact: 4,
		Owner: "Ines Kraft (NordTel account manager)", Trigger: "no trunk test date by 20 March", Mitigation: "weekly carrier checkpoint; escalation path to NordTel delivery director",
		Contingency: "keep legacy PBX lines for the pilot", ReviewDate: date("2026-03-18")})
	p.risks["emergency"] = r.id(chris, "risk workshop", "risk_id", aggregates.RaiseRisk{Title: "Emergency calling location data incomplete",
		Probability: 3, Impact: 5, Owner: markus, Mitigation: "validate every office's civic address and network sites", ReviewDate: date("2026-03-25")})
	r.do(chris, "risk workshop", aggregates.LogAssumption{Text: "The WAN's QoS is sufficient for voice in every office", Owner: nils, ValidateBy: date("2026-03-27")})
	r.do(chris, "risk workshop", aggregates.LogAssumption{Text: "Existing E5 licences cover Teams Phone for all 800 users", Owner: farah, ValidateBy: date("2026-03-20")})
	r.do(chris, "risk workshop", aggregates.LogAssumption{Text: "The carrier ports number blocks within 10 business days", Owner: jonas, ValidateBy: date("2026-04-17")})
	r.do(chris, "risk workshop", aggregates.LogDependency{Description: "Firewall and SBC rules for Direct Routing", Provider: "Network team", NeededBy: date("2026-04-03")})
	r.do(chris, "risk workshop", aggregates.LogDependency{Description: "Teams Phone licence assignment for 800 users", Provider: "M365 platform team", NeededBy: date("2026-04-10")})
	r.do(chris, "risk workshop", aggregates.LogDependency{Description: "Carrier porting window for Vienna number blocks", Provider: nordtel, NeededBy: date("2026-06-05")})

	r.on("2026-03-05")
	p.contracts["nordtel"] = r.id(petra, "procurement: carrier tender won by NordTel", "contract_id", aggregates.SignContract{
		VendorID: VendorID(nordtel).String(), Title: "SIP trunking and number porting", Value: eur(80_000), SignedOn: date("2026-03-05"),
		SOWText: "NordTel provides redundant SIP trunks for Direct Routing in four offices and ports all existing number blocks.",
		Deliverables: []events.Deliverable{
			{Title: "SIP trunks live in Berlin", Due: date("2026-04-03"), Criteria: []events.Criterion{{Text: "Inbound and outbound calls pass on both trunks"}, {Text: "Failover between both trunks tested"}}},
			{Title: "SIP trunks live in Hamburg, Munich and Vienna", Due: date("2026-04-10"), Criteria: []events.Criterion{{Text: "Inbound and outbound calls pass on both trunks"}, {Text: "Failover between both trunks tested"}, {Text: "Emergency calls route to the local PSAP"}}},
			{Title: "All number blocks ported", Due: date("2026-04-17"), Criteria: []events.Criterion{{Text: "Every number in the porting list reaches Teams"}}},
		},
	})
	p.contracts["headsets"] = r.id(petra, "procurement: framework call-off", "contract_id", aggregates.SignContract{
		VendorID: VendorID(headsets).String(), Title: "Certified headsets for 800 users", Value: eur(96_000), SignedOn: date("2026-03-05"),
		SOWText: "Headset Direct supplies 800 Teams-certified headsets in two batches, delivered per office.",
		Deliverables: []events.Deliverable{
			{Title: "Headsets batch 1 (400)", Due: date("2026-04-24"), Criteria: []events.Criterion{{Text: "400 units delivered, Teams certified"}}},
			{Title: "Headsets batch 2 (400)", Due: date("2026-05-22"), Criteria: []events.Criterion{{Text: "400 units delivered, Teams certified"}}},
		},
	})
	r.on("2026-03-06")
	p.contracts["ucp"] = r.id(petra, "procurement: integration partner", "contract_id", aggregates.SignContract{
		VendorID: VendorID(ucp).String(), Title: "Teams Phone integration services", Value: eur(120_000), SignedOn: date("2026-03-06"),
		SOWText: "UC Partners designs the solution, runs the pilot and writes the cutover runbook.",
		Deliverables: []events.Deliverable{
			{Title: "Solution design", Due: date("2026-03-20"), Criteria: []events.Criterion{{Text: "Covers call routing, emergency calling and SBC topology"}, {Text: "Approved by security"}}},
			{Title: "Pilot report", Due: date("2026-04-27"), Criteria: []events.Criterion{{Text: "50 users, two weeks, call quality above 4.0 MOS"}}},
			{Title: "Cutover runbook", Due: date("2026-05-08"), Criteria: []events.Criterion{{Text: "Step-by-step, with rollback per office"}}},
		},
	})
	p.pos["nordtel"] = r.id(farah, "commitment for the carrier contract", "po_id", aggregates.IssuePurchaseOrder{ContractID: p.contracts["nordtel"], Category: events.CategoryServices, Amount: eur(80_000), Number: "4500012871"})
	p.pos["headsets"] = r.id(farah, "commitment for headsets", "po_id", aggregates.IssuePurchaseOrder{ContractID: p.contracts["headsets"], Category: events.CategoryHardware, Amount: eur(96_000), Number: "4500012872"})
	p.pos["ucp"] = r.id(farah, "first half of the integration work", "po_id", aggregates.IssuePurchaseOrder{ContractID: p.contracts["ucp"], Category: events.CategoryServices, Amount: eur(60_000), Number: "4500012873"})
	r.docs("requirements", "Requirements", "1.0", "2026-03-06")
	r.do(petra, "signed off by the sponsor", aggregates.ApproveDocument{DocumentID: p.docs["Requirements"], Version: "1.0", ApprovedBy: helena})
	r.progress("design", 30)
}

// docs registers a document and remembers its id by title.
func (r *run) docs(docType, title, version, day string) {
	r.plan.docs[title] = r.id(chris, "documents register", "document_id", aggregates.RegisterDocument{DocType: docType, Title: title, Version: version,
		Location: fmt.Sprintf("https://sharepoint.example.com/sites/tpm/%s-v%s.docx", title, version), ContentHash: contentHash(title, version)})
}

func (r *run) newVersion(title, version string) {
	r.do(chris, "new version", aggregates.AddDocumentVersion{DocumentID: r.plan.docs[title], Version: version,
		Location: fmt.Sprintf("https://sharepoint.example.com/sites/tpm/%s-v%s.docx", title, version), ContentHash: contentHash(title, version)})
}

func (r *run) progress(task string, percent int) {
	r.do(petra, "weekly progress", aggregates.ProgressTask{TaskID: r.plan.tasks[task], PercentComplete: percent})
}

// meeting holds the weekly coordination meeting with its actions.
func (r *run) meeting(day string, attendees []string, agenda []string, actions ...aggregates.NewAction) []string {
	res := r.do(chris, "weekly coordination", aggregates.HoldMeeting{Title: "TPM weekly coordination", Date: date(day),
		Attendees: attendees, Agenda: agenda, Notes: "minutes in the register", Actions: actions})
	ids := all(res, "action_id")
	if len(ids) != len(actions) { // the story has already failed; keep going to report the first error
		ids = make([]string, len(actions))
	}
	r.plan.actions = append(r.plan.actions, ids...)
	return ids
}

func action(title, owner, due string) aggregates.NewAction {
	return aggregates.NewAction{Title: title, Owner: owner, Due: date(due)}
}

func (r *run) done(id, note string) {
	r.do(chris, "action closed in the weekly", aggregates.CompleteAction{ActionID: id, Note: note})
}

// timesheets books a month's internal labour and returns the entry ids by person.
func (r *run) timesheets(day string, hours map[string]int) map[string]string {
	entries := map[string]string{}
	for _, who := range []string{petra, chris, nils, aylin, sam, lena} {
		if h := hours[who]; h > 0 {
			res := r.doAt(farah, "monthly timesheet import", day, aggregates.RecordActual{Category: events.CategoryLabour, Amount: eur(int64(h) * 85),
				Source: events.SourceTimesheet, Person: who, Hours: h, Description: "internal labour at the blended rate of EUR 85/h"})
			entries[who] = first(res, "entry_id")
		}
	}
	return entries
}
