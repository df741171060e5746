package projections_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

// TestDiffAcrossCR1 compares the demo on 9 April (CR-1 submitted the day
// before, nothing decided yet) with 15 April (CR-1 assessed on the 10th,
// approved on the 13th, implemented on the 14th). The comment by each
// figure says why it is right.
func TestDiffAcrossCR1(t *testing.T) {
	e, id := demoEngine(t)
	ctx := context.Background()

	d, err := e.Diff(ctx, id, asOf("2026-04-09"), asOf("2026-04-15"))
	require.NoError(t, err)
	require.Equal(t, "2026-04-09", d.From.Today)
	require.Equal(t, "2026-04-15", d.To.Today)
	require.Less(t, d.From.Position, d.To.Position)

	// New in the window: the steering committee's decision to accept the
	// extension (DEC-2) and its status report (SR-1), both on 13 April.
	require.Equal(t, []string{"decision DEC-2", "report SR-1"}, diffKindIDs(d.Added))
	require.Equal(t, "Accept the three-week extension (CR-1)", d.Added[0].Title)
	require.Empty(t, d.Removed, "a fold never forgets an item")

	// CR-1 went from submitted to implemented: it is closed, and listed
	// only there, with its field changes (the approval by the CIO).
	require.Len(t, d.Closed, 1)
	cr := d.Closed[0]
	require.Equal(t, "change_request", cr.Kind)
	require.Equal(t, "CR-1", cr.ID)
	require.Equal(t, "implemented", cr.Status)
	diffRequireField(t, cr, "status", `"submitted"`, `"implemented"`)
	diffRequireField(t, cr, "approver", `null`, `"helena.schulz@example.com"`)
	// Stamps are one field, "<effective date> by <actor>": approved 13 April
	// by Helena, implemented 14 April by Petra.
	diffRequireField(t, cr, "decided", `null`, `"2026-04-13 by helena.schulz@example.com"`)
	diffRequireField(t, cr, "implemented", `null`, `"2026-04-14 by petra.maier@example.com"`)
	require.Nil(t, diffFind(d.Changed, "change_request", "CR-1"), "a closed item is not also under changed")
	for _, f := range cr.Fields {
		require.NotContains(t, f.Field, "position", "stamp internals are noise")
	}
	// The assessment did not exist before: it is one field, set whole.
	assessment := diffField(cr, "assessment")
	require.NotNil(t, assessment)
	var a struct {
		ScheduleDays int `json:"schedule_days"`
	}
	require.NoError(t, json.Unmarshal(assessment.New, &a))
	require.Equal(t, 21, a.ScheduleDays, "three weeks")

	// The baseline moves CR-1 made on 14 April: every milestone from SIP
	// trunks live to wave 2 moved, as the assessment listed them.
	for _, m := range []struct{ id, from, to string }{
		{"M-2", "2026-04-10", "2026-05-01"}, {"M-3", "2026-04-24", "2026-05-15"},
		{"M-4", "2026-05-22", "2026-06-05"}, {"M-5", "2026-06-12", "2026-06-26"},
	} {
		it := diffFind(d.Changed, "milestone", m.id)
		require.NotNil(t, it, m.id)
		diffRequireField(t, *it, "baseline", `"`+m.from+`"`, `"`+m.to+`"`)
		diffRequireField(t, *it, "moved_by", `null`, `["CR-1"]`)
	}
	// M-2's forecast had already slipped to 1 May on 30 March, so only its
	// baseline moved; M-3's forecast follows its new baseline.
	require.Nil(t, diffField(*diffFind(d.Changed, "milestone", "M-2"), "forecast"))
	diffRequireField(t, *diffFind(d.Changed, "milestone", "M-3"), "forecast", `"2026-04-24"`, `"2026-05-15"`)
	require.Nil(t, diffFind(d.Changed, "milestone", "M-1"), "design sign-off was not moved")
	require.Nil(t, diffFind(d.Changed, "milestone", "M-6"), "project close stays 30 June")

	// EUR 18,000 moved from contingency (60,000) to services (150,000).
	diffRequireField(t, *diffFind(d.Changed, "category", "contingency"), "approved", "6000000", "4200000")
	diffRequireField(t, *diffFind(d.Changed, "category", "services"), "approved", "15000000", "16800000")
	require.Nil(t, diffFind(d.Changed, "category", "labour"))

	// NordTel's contract grew by the EUR 6,000 expedite fee, and its two
	// regional deliverables moved with the trunk date.
	c1 := diffFind(d.Changed, "contract", "C-1")
	require.NotNil(t, c1)
	diffRequireField(t, *c1, "value", "8000000", "8600000")
	diffRequireField(t, *c1, "amended_by", `null`, `["CR-1"]`)
	dl2 := diffFind(d.Changed, "deliverable", "DL-2")
	require.NotNil(t, dl2)
	require.Equal(t, "C-1", dl2.Parent)
	diffRequireField(t, *dl2, "due", `"2026-04-10"`, `"2026-05-01"`)
	diffRequireField(t, *diffFind(d.Changed, "deliverable", "DL-3"), "due", `"2026-04-17"`, `"2026-06-19"`)

	// Other work of the week shows too: a new architecture version (1.1,
	// 15 April) is one new element of the versions list.
	doc := diffFind(d.Changed, "document", "DOC-2")
	require.NotNil(t, doc)
	require.NotNil(t, diffField(*doc, "versions[2]"))

	// Items are grouped by kind, then in natural id order.
	var order []string
	for _, it := range d.Changed {
		order = append(order, it.Kind)
	}
	require.IsNonDecreasing(t, diffKindRanks(order))

	// The same question gets the same answer.
	again, err := e.Diff(ctx, id, asOf("2026-04-09"), asOf("2026-04-15"))
	require.NoError(t, err)
	require.Equal(t, explainJSON(t, d), explainJSON(t, again))
}

// TestDiffBackwards asks the same question the other way round: DEC-2 and
// SR-1 did not exist on 9 April, and CR-1 was back to submitted (an open
// status), so it is changed, not closed.
func TestDiffBackwards(t *testing.T) {
	e, id := demoEngine(t)
	d, err := e.Diff(context.Background(), id, asOf("2026-04-15"), asOf("2026-04-09"))
	require.NoError(t, err)
	require.Equal(t, []string{"decision DEC-2", "report SR-1"}, diffKindIDs(d.Removed))
	require.Empty(t, d.Added)
	require.Empty(t, d.Closed)
	cr := diffFind(d.Changed, "change_request", "CR-1")
	require.NotNil(t, cr)
	diffRequireField(t, *cr, "status", `"implemented"`, `"submitted"`)
}

func diffKindIDs(items []projections.DiffItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Kind+" "+it.ID)
	}
	return out
}

func diffFind(items []projections.DiffItem, kind, id string) *projections.DiffItem {
	for i := range items {
		if items[i].Kind == kind && items[i].ID == id {
			return &items[i]
		}
	}
	return nil
}

func diffField(it projections.DiffItem, name string) *projections.FieldChange {
	for i := range it.Fields {
		if it.Fields[i].Field == name {
			return &it.Fields[i]
		}
	}
	return nil
}

func diffRequireField(t *testing.T, it projections.DiffItem, name, old, new string) {
	t.Helper()
	f := diffField(it, name)
	require.NotNil(t, f, "%s %s has no change of %s", it.Kind, it.ID, name)
	require.JSONEq(t, old, string(f.Old), "%s %s %s before", it.Kind, it.ID, name)
	require.JSONEq(t, new, string(f.New), "%s %s %s after", it.Kind, it.ID, name)
}

func diffKindRanks(kinds []string) []int {
	order := strings.Fields("project scope_item risk assumption issue dependency change_request category entry milestone task assignment contract deliverable purchase_order invoice decision meeting action document member report")
	out := make([]int, len(kinds))
	for i, k := range kinds {
		out[i] = -1
		for j, o := range order {
			if o == k {
				out[i] = j
			}
		}
	}
	return out
}

func explainJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestDiffAddedAndClosed covers 20 to 28 April: the actions of the 20 April
// meeting were added and done within the window (AI-11 on the 22nd), so they
// are both added and closed; Berlin's trunks (DL-1) and headset batch 1
// (DL-4) were submitted on the 24th and accepted on the 27th and 28th.
func TestDiffAddedAndClosed(t *testing.T) {
	e, id := demoEngine(t)
	d, err := e.Diff(context.Background(), id, asOf("2026-04-19"), asOf("2026-04-28"))
	require.NoError(t, err)
	require.NotNil(t, diffFind(d.Added, "action", "AI-11"))
	ai11 := diffFind(d.Closed, "action", "AI-11")
	require.NotNil(t, ai11)
	require.Equal(t, "done", ai11.Status)
	require.Empty(t, ai11.Fields, "nothing to compare with: it did not exist on 19 April")
	for _, dl := range []string{"DL-1", "DL-4"} {
		it := diffFind(d.Closed, "deliverable", dl)
		require.NotNil(t, it, dl)
		require.Equal(t, "accepted", it.Status)
		diffRequireField(t, *it, "status", `"pending"`, `"accepted"`)
		diffRequireField(t, *it, "submissions", `0`, `1`)
	}
	require.NotNil(t, diffFind(d.Added, "risk", "R-4"), "headset shortage raised 20 April")
}
