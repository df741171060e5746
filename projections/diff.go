package projections

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Diff is what changed in a project between two moments, item by item.
//
// Every item of the state is compared: the project itself (charter, phase,
// total threshold), scope items, risks, assumptions, issues, dependencies,
// change requests, budget categories, cost entries, milestones, tasks,
// resource assignments, contracts, deliverables (their own items, with the
// contract as parent), purchase orders, invoices, decisions, meetings,
// actions, documents, team members and status reports. Each item is
// compared field by field as its JSON (see FieldChange for the paths).
//
// Noise is left out: a "stamp" (who recorded something and when: the raised,
// last_reviewed, submitted, decided, recorded… objects) is reduced to
// "<effective date> by <actor>", so a new review or decision shows once, as
// one field, not as six (event id, position, recorded and effective time,
// actor, reason); a category's burn series is left out, as it is derived
// from the cost entries, which are compared themselves.
//
// Closed means the item's status moved to closed, realised, resolved,
// validated, invalidated, done, cancelled, accepted, paid, implemented or
// rejected. An item that changed and closed is listed under Closed only,
// with its field changes; an item added in the window and already closed
// at To is listed under both Added and Closed.
type Diff struct {
	From    Header     `json:"from"`
	To      Header     `json:"to"`
	Added   []DiffItem `json:"added"`             // items that did not exist at From
	Changed []DiffItem `json:"changed"`           // items with changed fields that are not closed
	Closed  []DiffItem `json:"closed"`            // items whose status moved to a closed one, with their field changes
	Removed []DiffItem `json:"removed,omitempty"` // items that no longer exist at To (scope items a CR dropped, or From after To)
}

// DiffItem is one item of a diff. Added, changed and closed items are
// described as they are at To; removed items as they were at From.
type DiffItem struct {
	Kind   string        `json:"kind"`
	ID     string        `json:"id"`
	Title  string        `json:"title"`
	Parent string        `json:"parent,omitempty"` // the contract of a deliverable
	Status string        `json:"status,omitempty"` // for closed items: the closed status
	Fields []FieldChange `json:"fields,omitempty"` // changed and closed items only
}

// FieldChange is one field of an item, before and after, as JSON values;
// null is "not set". Objects present at both moments are compared key by
// key, the path dotted (assessment.cost_impact.minor); lists of objects
// present at both moments element by element (versions[2].approved_by);
// anything else is one field: a value set or cleared (a CR's whole
// assessment, when it was not assessed before), or a list of plain values
// (moved_by, attendees).
type FieldChange struct {
	Field string          `json:"field"`
	Old   json.RawMessage `json:"old"`
	New   json.RawMessage `json:"new"`
}

// Diff compares project id at two moments. from and to are full queries, so
// either side may be as of a time or position and effective at a business
// time.
func (e *Engine) Diff(ctx context.Context, id uuid.UUID, from, to Query) (Diff, error) {
	var d Diff
	var before, after []diffItem
	err := e.At(ctx, id, from, func(s *State, moment time.Time) error {
		d.From, before = header(s, from, moment), diffItems(s)
		return nil
	})
	if err != nil {
		return Diff{}, err
	}
	err = e.At(ctx, id, to, func(s *State, moment time.Time) error {
		d.To, after = header(s, to, moment), diffItems(s)
		return nil
	})
	if err != nil {
		return Diff{}, err
	}
	d.Added, d.Changed, d.Closed = []DiffItem{}, []DiffItem{}, []DiffItem{}
	old := make(map[string]diffItem, len(before))
	for _, it := range before {
		old[it.key()] = it
	}
	seen := map[string]bool{}
	for _, now := range after {
		seen[now.key()] = true
		was, existed := old[now.key()]
		out := DiffItem{Kind: now.Kind, ID: now.ID, Title: now.Title, Parent: now.Parent}
		closed := !isOpen(now.Status) && (!existed || was.Status != now.Status)
		if !existed {
			d.Added = append(d.Added, out)
			if closed {
				out.Status = now.Status
				d.Closed = append(d.Closed, out)
			}
			continue
		}
		out.Fields = diffFields(was.Value, now.Value)
		switch {
		case closed:
			out.Status = now.Status
			d.Closed = append(d.Closed, out)
		case len(out.Fields) > 0:
			d.Changed = append(d.Changed, out)
		}
	}
	for _, was := range before {
		if !seen[was.key()] {
			d.Removed = append(d.Removed, DiffItem{Kind: was.Kind, ID: was.ID, Title: was.Title, Parent: was.Parent})
		}
	}
	return d, nil
}

// diffItem is one item of a state, flattened.
type diffItem struct {
	Kind, ID, Title, Parent, Status string
	Value                           map[string]any // the item's JSON, stamps reduced
}

func (it diffItem) key() string { return it.Kind + "\x00" + it.ID }

// diffKinds is the order items of each kind are listed in.
var diffKinds = []string{"project", "scope_item", "risk", "assumption", "issue", "dependency", "change_request", "category", "entry",
	"milestone", "task", "assignment", "contract", "deliverable", "purchase_order", "invoice", "decision", "meeting", "action",
	"document", "member", "report"}

// diffItems flattens every item of s, in diffKinds order, then by id.
func diffItems(s *State) []diffItem {
	var out []diffItem
	add := func(kind, id, parent string, v any, drop ...string) {
		it, ok := diffFlatten(kind, id, parent, v, drop...)
		if ok {
			out = append(out, it)
		}
	}
	if s.Project.ProjectID != "" {
		add("project", s.Project.Code, "", struct {
			events.ProjectChartered
			Phase  string    `json:"phase"`
			Closed *Stamp    `json:"closed,omitempty"`
			Total  Threshold `json:"total_threshold"`
		}{s.Project, s.Phase, s.Closed, s.Total})
	}
	for _, it := range s.Scope.Items {
		add("scope_item", it.ItemID, "", it)
	}
	diffAddAll(add, "risk", s.Risks)
	diffAddAll(add, "assumption", s.Assumptions)
	diffAddAll(add, "issue", s.Issues)
	diffAddAll(add, "dependency", s.Dependencies)
	diffAddAll(add, "change_request", s.Changes)
	diffAddAll(add, "category", s.Categories, "burn")
	diffAddAll(add, "entry", s.Entries)
	diffAddAll(add, "milestone", s.Milestones)
	diffAddAll(add, "task", s.Tasks)
	diffAddAll(add, "assignment", s.Assignments)
	diffAddAll(add, "contract", s.Contracts, "deliverables")
	for cid, c := range s.Contracts.All() {
		for did, dl := range c.Deliverables {
			add("deliverable", did, cid, dl)
		}
	}
	diffAddAll(add, "purchase_order", s.POs)
	diffAddAll(add, "invoice", s.Invoices)
	diffAddAll(add, "decision", s.Decisions)
	diffAddAll(add, "meeting", s.Meetings)
	diffAddAll(add, "action", s.Actions)
	diffAddAll(add, "document", s.Documents)
	diffAddAll(add, "member", s.Members)
	diffAddAll(add, "report", s.Reports)
	slices.SortFunc(out, func(a, b diffItem) int {
		if c := slices.Index(diffKinds, a.Kind) - slices.Index(diffKinds, b.Kind); c != 0 {
			return c
		}
		return CompareIDs(a.ID, b.ID)
	})
	return out
}

func diffAddAll[T any](add func(kind, id, parent string, v any, drop ...string), kind string, items *Table[T], drop ...string) {
	for id, it := range items.All() {
		add(kind, id, "", it, drop...)
	}
}

// diffFlatten turns one item into its JSON value, leaving out the fields
// named in drop and reducing stamps.
func diffFlatten(kind, id, parent string, v any, drop ...string) (diffItem, bool) {
	data, err := json.Marshal(v)
	if err != nil {
		return diffItem{}, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if dec.Decode(&obj) != nil {
		return diffItem{}, false
	}
	for _, k := range drop {
		delete(obj, k)
	}
	it := diffItem{Kind: kind, ID: id, Parent: parent, Title: diffTitle(kind, obj), Value: diffReduce(obj).(map[string]any)}
	if st, ok := obj["status"].(string); ok {
		it.Status = st
	}
	return it, true
}

// diffReduce replaces every stamp in v by its text.
func diffReduce(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if st, ok := diffStampText(x); ok {
			return st
		}
		for k, el := range x {
			x[k] = diffReduce(el)
		}
	case []any:
		for i, el := range x {
			x[i] = diffReduce(el)
		}
	}
	return v
}

// diffStampText reduces a Stamp's JSON to "<effective date> by <actor>".
func diffStampText(m map[string]any) (string, bool) {
	for _, k := range []string{"event", "position", "recorded_at", "effective_at", "actor"} {
		if _, ok := m[k]; !ok {
			return "", false
		}
	}
	eff, _ := m["effective_at"].(string)
	actor, _ := m["actor"].(string)
	if t, err := time.Parse(time.RFC3339Nano, eff); err == nil {
		eff = events.DateOf(t).String()
	}
	return eff + " by " + actor, true
}

// diffTitle is what an item is called: its title, name or text, else the
// most telling field it has.
func diffTitle(kind string, obj map[string]any) string {
	keys := []string{"title", "name", "text", "description", "number", "summary", "category", "person", "ref"}
	switch kind {
	case "entry":
		keys = []string{"category", "source"}
	case "assignment":
		keys = []string{"person"}
	}
	for _, k := range keys {
		if s, ok := obj[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// diffFields lists the fields whose values differ, sorted by path. Objects
// present on both sides are compared key by key (assessment.cost_impact.minor),
// lists of objects on both sides element by element
// (versions[2].approved_by); anything else — a value set or cleared, a list
// of plain values (moved_by, attendees) — is one field, old and new whole.
func diffFields(old, now map[string]any) []FieldChange {
	var out []FieldChange
	diffCompare(&out, "", old, now)
	slices.SortFunc(out, func(a, b FieldChange) int { return diffComparePaths(a.Field, b.Field) })
	return out
}

func diffCompare(out *[]FieldChange, path string, old, now any) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch a := old.(type) {
	case map[string]any:
		if b, ok := now.(map[string]any); ok {
			for k := range a {
				diffCompare(out, join(k), a[k], b[k])
			}
			for k := range b {
				if _, seen := a[k]; !seen {
					diffCompare(out, join(k), nil, b[k])
				}
			}
			return
		}
	case []any:
		if b, ok := now.([]any); ok && diffObjects(a) && diffObjects(b) {
			for i := range max(len(a), len(b)) {
				var x, y any
				if i < len(a) {
					x = a[i]
				}
				if i < len(b) {
					y = b[i]
				}
				diffCompare(out, path+"["+strconv.Itoa(i)+"]", x, y)
			}
			return
		}
	}
	x, errX := diffRaw(old)
	y, errY := diffRaw(now)
	if errX != nil || errY != nil || bytes.Equal(x, y) {
		return
	}
	*out = append(*out, FieldChange{Field: path, Old: x, New: y})
}

// diffObjects reports whether list is a non-empty list of objects.
func diffObjects(list []any) bool {
	for _, el := range list {
		if _, ok := el.(map[string]any); !ok {
			return false
		}
	}
	return len(list) > 0
}

// diffRaw is v as JSON; nil (not set) is null.
func diffRaw(v any) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage("null"), nil
	}
	return json.Marshal(v)
}

// diffComparePaths orders field paths with list indexes as numbers
// (versions[2] before versions[10]).
func diffComparePaths(a, b string) int {
	for a != "" && b != "" {
		da, db := diffDigits(a), diffDigits(b)
		if da > 0 && db > 0 {
			na, _ := strconv.Atoi(a[:da])
			nb, _ := strconv.Atoi(b[:db])
			if na != nb {
				return na - nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func diffDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
