package projections_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

func TestDecisionsOfTheDemo(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	// 14 June: three decisions stand; the headset split (DEC-3, 11 May) has
	// not been superseded yet.
	v, err := e.Decisions(ctx, id, asOf("2026-06-14"))
	require.NoError(t, err)
	require.Len(t, v.Decisions, 3)
	require.Equal(t, "DEC-3", v.Decisions[2].ID)
	require.Equal(t, "active", v.Decisions[2].Status)

	// After the demo: the steering committee of 15 June replaced it with
	// "Munich first" (DEC-4).
	v, err = e.Decisions(ctx, id, projections.Query{})
	require.NoError(t, err)
	status := map[string]string{}
	for _, d := range v.Decisions {
		status[d.ID] = d.Status
	}
	require.Equal(t, map[string]string{"DEC-1": "active", "DEC-2": "active", "DEC-3": "superseded", "DEC-4": "active"}, status)
	require.Equal(t, "DEC-4", v.Decisions[2].SupersededBy)
	require.Equal(t, "DEC-3", v.Decisions[3].Supersedes)
	require.Len(t, v.Decisions[1].RestsOn, 2, "CR-1's decision rests on its assessment and its approval")
}

func TestChangesOfTheDemo(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	// 10 April: CR-1 submitted on 8 April and assessed today; undecided,
	// so it has been open two days.
	v, err := e.Changes(ctx, id, asOf("2026-04-10"))
	require.NoError(t, err)
	require.Len(t, v.Changes, 1)
	require.Equal(t, "assessed", v.Changes[0].Status)
	require.Equal(t, 2, v.Changes[0].DaysOpen)
	require.Equal(t, 21, v.Changes[0].Assessment.ScheduleDays)

	// After the demo: CR-1 was approved on 13 April (five days after it was
	// submitted) and implemented; CR-2, submitted 20 May, rejected 1 June.
	v, err = e.Changes(ctx, id, projections.Query{})
	require.NoError(t, err)
	require.Len(t, v.Changes, 2)
	cr1, cr2 := v.Changes[0], v.Changes[1]
	require.Equal(t, "implemented", cr1.Status)
	require.Equal(t, 5, cr1.DaysOpen)
	require.Equal(t, "rejected", cr2.Status)
	require.Equal(t, 12, cr2.DaysOpen)
	require.Equal(t, "helena.schulz@example.com", cr2.Approver)
}

func TestActionsOfTheDemo(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	// 31 March: "get a trunk test date" (AI-5) was due 27 March but moved
	// to 1 April on the 27th, so nothing is overdue.
	v, err := e.Actions(ctx, id, asOf("2026-03-31"))
	require.NoError(t, err)
	require.Equal(t, []string{"AI-5", "AI-7", "AI-8"}, actionIDs(v.Open))
	require.Equal(t, "2026-04-01", v.Open[0].Due.String())
	require.False(t, v.Open[0].Overdue)
	require.Empty(t, v.OverdueByOwner)
	require.Len(t, v.All, 8)

	// 13 May: the wave 1 communication pack (AI-15, Lena, due 8 May) is
	// five days late; the runbook update (AI-18) is due on the 15th.
	v, err = e.Actions(ctx, id, asOf("2026-05-13"))
	require.NoError(t, err)
	require.Equal(t, []string{"AI-15", "AI-18"}, actionIDs(v.Open))
	require.Equal(t, 5, v.Open[0].DaysOverdue)
	require.Equal(t, map[string][]string{"lena.vogt@example.com": {"AI-15"}}, v.OverdueByOwner)

	// After the demo, on 1 July: seven actions are open and all are late.
	v, err = e.Actions(ctx, id, projections.Query{})
	require.NoError(t, err)
	require.Equal(t, []string{"AI-15", "AI-18", "AI-21", "AI-25", "AI-27", "AI-28", "AI-29"}, actionIDs(v.Open))
	require.Equal(t, map[string][]string{
		"aylin.demir@example.com": {"AI-18"},          // runbook update, due 15 May
		"lena.vogt@example.com":   {"AI-15"},          // communication pack, due 8 May
		"markus.roth@example.com": {"AI-21"},          // Hamburg emergency data, due 21 May; he left on 29 May
		"nils.brandt@example.com": {"AI-25", "AI-29"}, // Vienna porting date, chase NordTel
		"petra.maier@example.com": {"AI-27"},          // closure report, due 26 June
		"sam.okafor@example.com":  {"AI-28"},          // handover plan, due 24 June
	}, v.OverdueByOwner)
	require.Equal(t, 54, v.Open[0].DaysOverdue, "8 May to 1 July")
	require.True(t, v.Open[2].OwnerLeft, "AI-21 is owned by Markus, who left")
	require.False(t, v.Open[0].OwnerLeft)
	require.Len(t, v.All, 29)
	byID := map[string]projections.ActionRow{}
	for _, a := range v.All {
		byID[a.ID] = a
	}
	require.Equal(t, "cancelled", byID["AI-23"].Status, "replaced by the escalation of I-3")
	require.False(t, byID["AI-23"].Overdue, "a cancelled action is never overdue")
	require.False(t, byID["AI-24"].Overdue, "done on 17 June, after its due date, but done")

	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.Contains(t, string(b), `"overdue_by_owner":{"aylin.demir@example.com":["AI-18"],"lena.vogt@example.com"`)
	require.Contains(t, string(b), `"owner_left":true`)
}

func TestDocumentsOfTheDemo(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	// 15 April: version 1.1 of the architecture was added for CR-1 today;
	// the approved one is still 1.0 (design board, 20 March).
	v, err := e.Documents(ctx, id, asOf("2026-04-15"))
	require.NoError(t, err)
	arc := v.Documents[0]
	require.Equal(t, "TPM-ARC-001", arc.Ref, "ordered by reference")
	require.Equal(t, "1.1", arc.LatestVersion)
	require.Equal(t, "1.0", arc.ApprovedVersion)
	require.False(t, arc.LatestApproved)

	// After the demo.
	v, err = e.Documents(ctx, id, projections.Query{})
	require.NoError(t, err)
	refs := map[string]projections.DocumentRow{}
	var order []string
	for _, d := range v.Documents {
		refs[d.Ref] = d
		order = append(order, d.Ref)
	}
	require.Equal(t, []string{"TPM-ARC-001", "TPM-CRQ-001", "TPM-DOC-001", "TPM-REQ-001", "TPM-RUN-001", "TPM-TPL-001"}, order)
	arc = refs["TPM-ARC-001"]
	require.Equal(t, "1.1", arc.ApprovedVersion, "approved by Petra on 16 April")
	require.Equal(t, "petra.maier@example.com", arc.ApprovedBy)
	require.True(t, arc.LatestApproved)
	require.Equal(t, "current", arc.Status)
	require.Equal(t, "retired", refs["TPM-DOC-001"].Status, "the interim porting plan, superseded by the runbook on 13 May")
	require.Equal(t, "", refs["TPM-CRQ-001"].ApprovedVersion, "the CR-1 document was never approved")
	require.Equal(t, "helena.schulz@example.com", refs["TPM-REQ-001"].ApprovedBy, "signed off by the sponsor")
	require.Equal(t, "1.1", refs["TPM-RUN-001"].ApprovedVersion, "the wave 2 runbook, 2 June")
}

func TestTeamOfTheDemo(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	// 6 May: everyone is on the team; Markus can still read the Teams
	// admin centre and Jonas can use the NordTel porting portal.
	v, err := e.Team(ctx, id, asOf("2026-05-06"))
	require.NoError(t, err)
	team := teamByPerson(v)
	require.Len(t, team, 9, "eight at kick-off plus Jonas on 16 March")
	require.Equal(t, "member", team["markus.roth@example.com"].Status)
	require.Equal(t, []projections.AccessRow{{System: "Teams admin centre", State: "provisioned"}}, team["markus.roth@example.com"].Access)
	require.Equal(t, []projections.AccessRow{{System: "NordTel porting portal", State: "provisioned"}}, team["jonas.weber@example.com"].Access)

	// After the demo: Markus left on 29 May and his access was revoked;
	// Jonas's contract ended on 1 June: access revoked, still listed.
	v, err = e.Team(ctx, id, projections.Query{})
	require.NoError(t, err)
	team = teamByPerson(v)
	require.Equal(t, "left", team["markus.roth@example.com"].Status)
	require.Equal(t, []projections.AccessRow{{System: "Teams admin centre", State: "revoked"}}, team["markus.roth@example.com"].Access)
	require.Equal(t, "member", team["jonas.weber@example.com"].Status)
	require.Equal(t, []projections.AccessRow{{System: "NordTel porting portal", State: "revoked"}}, team["jonas.weber@example.com"].Access)
	require.Equal(t, "member", team["aylin.demir@example.com"].Status)
	require.Equal(t, "aylin.demir@example.com", v.Members[0].Person, "ordered by person")
	require.Empty(t, team["farah.idris@example.com"].Access)

	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.Contains(t, string(b), `"access":[{"system":"Teams admin centre","state":"revoked"}]`, "access is a sorted list, not the state's map")
	require.Contains(t, string(b), `"access":[]`)
}

func actionIDs(rows []projections.ActionRow) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func teamByPerson(v projections.Team) map[string]projections.MemberRow {
	out := map[string]projections.MemberRow{}
	for _, m := range v.Members {
		out[m.Person] = m
	}
	return out
}
