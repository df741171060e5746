package events_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
)

// riskRaised is a test payload at schema version 3. Its history:
//
//	v1 {"name": "..."}
//	v2 {"title": "..."}                  name renamed to title
//	v3 {"title": "...", "severity": n}   severity added, default 3
type riskRaised struct {
	Title    string `json:"title"`
	Severity int    `json:"severity"`
}

func (riskRaised) EventType() string { return "raid.risk_raised" }

// noteAdded is a test payload with no history: schema version 1.
type noteAdded struct {
	Text string `json:"text"`
}

func (noteAdded) EventType() string { return "notes.note_added" }

// unencodable cannot be marshalled to JSON.
type unencodable struct {
	C chan int `json:"c"`
}

func (unencodable) EventType() string { return "test.unencodable" }

var errUpcast = errors.New("upcast refused")

// renameNameToTitle lifts riskRaised v1 to v2.
func renameNameToTitle(data json.RawMessage) (json.RawMessage, error) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if _, ok := m["name"]; !ok {
		return nil, errUpcast
	}
	m["title"] = m["name"]
	delete(m, "name")
	return json.Marshal(m)
}

// defaultSeverity lifts riskRaised v2 to v3.
func defaultSeverity(data json.RawMessage) (json.RawMessage, error) {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if _, ok := m["severity"]; !ok {
		m["severity"] = 3
	}
	return json.Marshal(m)
}

func newTestRegistry() *events.Registry {
	r := events.NewRegistry()
	events.Register[riskRaised](r, renameNameToTitle, defaultSeverity)
	events.Register[noteAdded](r)
	events.Register[unencodable](r)
	events.Register[events.Sealed](r)
	return r
}

func storedEvent(eventType string, schemaVersion int, data string) events.Event {
	return events.Event{
		ID:            testID(30),
		Stream:        "project-1",
		Version:       1,
		Position:      17,
		Type:          eventType,
		SchemaVersion: schemaVersion,
		Data:          json.RawMessage(data),
		RecordedAt:    baseTime,
		EffectiveAt:   baseTime,
		Actor:         "alice",
	}
}

func TestRegistryTypes(t *testing.T) {
	t.Parallel()
	r := newTestRegistry()
	require.Equal(t, map[string]int{
		"raid.risk_raised": 3,
		"notes.note_added": 1,
		"test.unencodable": 1,
		"ledger.sealed":    1,
	}, r.Types())

	v, ok := r.SchemaVersion("raid.risk_raised")
	require.True(t, ok)
	require.Equal(t, 3, v)
	v, ok = r.SchemaVersion("raid.unknown")
	require.False(t, ok)
	require.Equal(t, 0, v)

	require.Equal(t, map[string]int{}, events.NewRegistry().Types())
}

func TestRegisterTwicePanics(t *testing.T) {
	t.Parallel()
	r := newTestRegistry()
	require.PanicsWithValue(t, `events: type "notes.note_added" registered twice`, func() {
		events.Register[noteAdded](r)
	})
	// The first registration is untouched.
	require.Equal(t, 1, r.Types()["notes.note_added"])
	require.PanicsWithValue(t, `events: type "raid.risk_raised" registered twice`, func() {
		events.Register[riskRaised](r)
	})
	require.Equal(t, 3, r.Types()["raid.risk_raised"])
}

func TestProposeDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	r := newTestRegistry()
	cases := []struct {
		payload  events.Payload
		wantData string
		version  int
	}{
		{riskRaised{Title: "Flood <north> & \"south\"", Severity: 5}, `{"title":"Flood \u003cnorth\u003e \u0026 \"south\"","severity":5}`, 3},
		{noteAdded{Text: "é"}, `{"text":"é"}`, 1},
		{events.Sealed{Position: 4, Streams: 2, Root: events.Hash{1}, KeyID: "k", Signature: []byte{1, 2}},
			`{"position":4,"streams":2,"root":"0100000000000000000000000000000000000000000000000000000000000000","key_id":"k","signature":"AQI="}`, 1},
	}
	for _, c := range cases {
		t.Run(c.payload.EventType(), func(t *testing.T) {
			t.Parallel()
			p, err := r.Propose(c.payload)
			require.NoError(t, err)
			require.Equal(t, events.Proposed{Type: c.payload.EventType(), SchemaVersion: c.version, Data: json.RawMessage(c.wantData)}, p)

			p.ID = testID(31)
			p.Actor = "alice"
			prepared, err := events.Prepare([]events.Proposed{p})
			require.NoError(t, err)
			ev := events.Stamp(prepared[0], "project-1", 1, 1, baseTime, events.Hash{})

			got, err := r.Decode(ev)
			require.NoError(t, err)
			require.Equal(t, c.payload, got) // a value of the registered type, not a pointer
		})
	}
}

func TestProposeErrors(t *testing.T) {
	t.Parallel()
	r := newTestRegistry()
	_, err := events.NewRegistry().Propose(noteAdded{Text: "x"})
	require.EqualError(t, err, `events: type "notes.note_added" is not registered`)

	_, err = r.Propose(unencodable{})
	require.EqualError(t, err, "events: encode test.unencodable: json: unsupported type: chan int")
}

func TestDecodeUpcasts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		version int
		data    string
		want    riskRaised
	}{
		{"v1 is renamed and defaulted", 1, `{"name":"Flood"}`, riskRaised{Title: "Flood", Severity: 3}},
		{"v2 is defaulted", 2, `{"title":"Fire"}`, riskRaised{Title: "Fire", Severity: 3}},
		{"v2 keeps a severity it has", 2, `{"title":"Fire","severity":1}`, riskRaised{Title: "Fire", Severity: 1}},
		{"v3 is read as is", 3, `{"title":"Quake","severity":5}`, riskRaised{Title: "Quake", Severity: 5}},
		{"v3 is not upcast again", 3, `{"title":"Quake"}`, riskRaised{Title: "Quake", Severity: 0}},
	}
	r := newTestRegistry()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ev := storedEvent("raid.risk_raised", c.version, c.data)
			before := bytes.Clone(ev.Data)
			got, err := r.Decode(ev)
			require.NoError(t, err)
			require.Equal(t, c.want, got)
			require.Equal(t, string(before), string(ev.Data), "Decode must not change stored bytes")
			require.Equal(t, c.version, ev.SchemaVersion)
		})
	}
}

func TestDecodeRunsUpcastersInOrderFromTheStoredVersion(t *testing.T) {
	t.Parallel()
	var calls []string
	step := func(name string) events.Upcaster {
		return func(data json.RawMessage) (json.RawMessage, error) {
			calls = append(calls, fmt.Sprintf("%s(%s)", name, data))
			return json.RawMessage(`{"text":"` + name + `"}`), nil
		}
	}
	r := events.NewRegistry()
	events.Register[noteAdded](r, step("1to2"), step("2to3"), step("3to4"))

	cases := []struct {
		version   int
		wantCalls []string
		wantText  string
	}{
		{1, []string{`1to2({"text":"v1"})`, `2to3({"text":"1to2"})`, `3to4({"text":"2to3"})`}, "3to4"},
		{2, []string{`2to3({"text":"v2"})`, `3to4({"text":"2to3"})`}, "3to4"},
		{3, []string{`3to4({"text":"v3"})`}, "3to4"},
		{4, nil, "v4"},
	}
	for _, c := range cases {
		calls = nil
		got, err := r.Decode(storedEvent("notes.note_added", c.version, fmt.Sprintf(`{"text":"v%d"}`, c.version)))
		require.NoError(t, err)
		require.Equal(t, noteAdded{Text: c.wantText}, got)
		require.Equal(t, c.wantCalls, calls, "from version %d", c.version)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	r := newTestRegistry()
	id := testID(30)
	cases := []struct {
		name string
		ev   events.Event
		want string
	}{
		{"unregistered type", storedEvent("raid.unknown", 1, `{}`),
			fmt.Sprintf(`events: event %s at position 17: type "raid.unknown" is not registered`, id)},
		{"schema version too high", storedEvent("raid.risk_raised", 4, `{"title":"x","severity":1}`),
			fmt.Sprintf(`events: event %s: raid.risk_raised schema version 4 is not between 1 and 3`, id)},
		{"schema version 0", storedEvent("raid.risk_raised", 0, `{"title":"x","severity":1}`),
			fmt.Sprintf(`events: event %s: raid.risk_raised schema version 0 is not between 1 and 3`, id)},
		{"schema version negative", storedEvent("notes.note_added", -1, `{"text":"x"}`),
			fmt.Sprintf(`events: event %s: notes.note_added schema version -1 is not between 1 and 1`, id)},
		{"upcaster fails", storedEvent("raid.risk_raised", 1, `{"title":"already renamed"}`),
			"events: upcast raid.risk_raised from schema version 1: upcast refused"},
		{"data does not fit the type", storedEvent("notes.note_added", 1, `{"text":5}`),
			"events: decode notes.note_added at position 17: json: cannot unmarshal number into Go struct field noteAdded.text of type string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := r.Decode(c.ev)
			require.Nil(t, got)
			require.EqualError(t, err, c.want)
		})
	}

	_, err := r.Decode(storedEvent("raid.risk_raised", 1, `{"title":"x"}`))
	require.ErrorIs(t, err, errUpcast, "an upcaster's error is wrapped")
}

func TestRegistryIsSafeForConcurrentReads(t *testing.T) {
	t.Parallel()
	r := newTestRegistry()
	ev := storedEvent("raid.risk_raised", 1, `{"name":"Flood"}`)
	done := make(chan error)
	for range 8 {
		go func() {
			for range 50 {
				got, err := r.Decode(ev)
				if err == nil && got != (riskRaised{Title: "Flood", Severity: 3}) {
					err = fmt.Errorf("got %#v", got)
				}
				if err != nil {
					done <- err
					return
				}
				_ = r.Types()
			}
			done <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
}
