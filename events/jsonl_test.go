package events_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
)

// jsonlEvent is an event whose every field shows something about the format:
// unicode and HTML characters in stream, data, actor and reason, a number
// written as 1.50, a correlation id but no causation id, one nanosecond in
// the recorded time, a back-dated effective time.
func jsonlEvent() events.Event {
	ev := events.Event{
		ID:            uuid.MustParse("6f1c2a0e-7d3b-4c1a-9e2f-0a1b2c3d4e5f"),
		Stream:        "project-é",
		Version:       3,
		Position:      17,
		Type:          "raid.risk_raised",
		SchemaVersion: 2,
		Data:          json.RawMessage(`{"title":"<Flood> & \"rain\"","place":"Zürich","n":1.50,"tags":["a","b"],"esc":"\u00e9"}`),
		RecordedAt:    time.Date(2024, 6, 3, 10, 11, 12, 1, time.UTC),
		EffectiveAt:   time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC),
		Actor:         "zoë@example.com",
		Reason:        "review <weekly> & more — é",
		CorrelationID: uuid.MustParse("0a0b0c0d-1e1f-4a2b-8c3d-4e5f60718293"),
		PrevHash:      events.Hash{0: 0xab, 31: 0xcd},
	}
	ev.Hash = events.ComputeHash(&ev)
	return ev
}

func jsonlGolden(ev events.Event) string {
	return `{"id":"6f1c2a0e-7d3b-4c1a-9e2f-0a1b2c3d4e5f","stream":"project-é","version":3,"position":17,` +
		`"type":"raid.risk_raised","schema_version":2,` +
		`"data":{"title":"<Flood> & \"rain\"","place":"Zürich","n":1.50,"tags":["a","b"],"esc":"\u00e9"},` +
		`"recorded_at":"2024-06-03T10:11:12.000000001Z","effective_at":"2024-05-31T00:00:00.000000000Z",` +
		`"actor":"zoë@example.com","reason":"review <weekly> & more — é",` +
		`"correlation_id":"0a0b0c0d-1e1f-4a2b-8c3d-4e5f60718293","causation_id":"",` +
		`"prev_hash":"ab000000000000000000000000000000000000000000000000000000000000cd",` +
		`"hash":"` + ev.Hash.String() + `"}` + "\n"
}

// roundTripEvents are valid events that must survive export and import.
func roundTripEvents(t testing.TB) []events.Event {
	_, priv := testKey(1)
	log := standardLog(t, priv, 1)

	p := validProposed()
	p.Data = json.RawMessage(`{"line_sep":"a` + "\u2028" + `b","nested":{"x":[1,{"y":null}],"z":true},"big":12345678901234567890}`)
	p.Actor = "tab\tand\nnewline"
	p.Reason = `quotes " and \ backslash`
	p.CorrelationID = testID(5)
	p.CausationID = testID(6)
	p.EffectiveAt = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	odd := events.Stamp(p, `stream "with" quotes/and\slashes`, 1<<40, 1<<50, time.Date(2199, 12, 31, 23, 59, 59, 999999999, time.UTC), events.Hash{})

	return []events.Event{jsonlEvent(), log[0], log[posSeal1-1], log[len(log)-1], odd}
}

// topLevel returns the keys of a JSON object line in order, with their raw values.
func topLevel(t testing.TB, line []byte) (keys []string, values map[string]json.RawMessage) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(line))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	values = map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		key := tok.(string)
		var raw json.RawMessage
		require.NoError(t, dec.Decode(&raw))
		keys = append(keys, key)
		values[key] = raw
	}
	return keys, values
}

// withField returns line with key's value replaced by raw, or the key
// removed when raw is empty, keeping the other keys in order.
func withField(t testing.TB, line []byte, key, raw string) []byte {
	t.Helper()
	keys, values := topLevel(t, line)
	var b strings.Builder
	b.WriteString("{")
	first := true
	for _, k := range keys {
		v := string(values[k])
		if k == key {
			if raw == "" {
				continue
			}
			v = raw
		}
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString(`"` + k + `":` + v)
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

func TestAppendLineGolden(t *testing.T) {
	t.Parallel()
	ev := jsonlEvent()
	require.Equal(t, jsonlGolden(ev), string(events.AppendLine(nil, ev)))
}

func TestAppendLineKeysAndTimes(t *testing.T) {
	t.Parallel()
	timeRE := regexp.MustCompile(`^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z"$`)
	for _, ev := range roundTripEvents(t) {
		line := events.AppendLine(nil, ev)
		require.Equal(t, 1, bytes.Count(line, []byte("\n")), "one record per line")
		require.Equal(t, byte('\n'), line[len(line)-1])

		keys, values := topLevel(t, line)
		require.Equal(t, []string{
			"id", "stream", "version", "position", "type", "schema_version", "data",
			"recorded_at", "effective_at", "actor", "reason", "correlation_id", "causation_id",
			"prev_hash", "hash",
		}, keys)
		require.Regexp(t, timeRE, string(values["recorded_at"]))
		require.Regexp(t, timeRE, string(values["effective_at"]))
		require.Equal(t, string(ev.Data), string(values["data"]), "data is written exactly as stored")
	}
}

func TestAppendLineWritesUTCAndAppends(t *testing.T) {
	t.Parallel()
	ev := jsonlEvent()
	zoned := ev
	tokyo := time.FixedZone("JST", 9*3600)
	zoned.RecordedAt = ev.RecordedAt.In(tokyo)
	zoned.EffectiveAt = ev.EffectiveAt.In(tokyo)
	require.Equal(t, jsonlGolden(ev), string(events.AppendLine(nil, zoned)))

	prefix := []byte("previous line\n")
	out := events.AppendLine(prefix, ev)
	require.Equal(t, "previous line\n"+jsonlGolden(ev), string(out))

	// HTML characters are written as they are, not as \u003c escapes.
	require.Contains(t, string(out), `"title":"<Flood> & \"rain\""`)
	require.Contains(t, string(out), `"reason":"review <weekly> & more — é"`)
	require.NotContains(t, string(out), `\u003c`)
	require.NotContains(t, string(out), `\u0026`)
}

func TestParseLineRoundTrip(t *testing.T) {
	t.Parallel()
	for _, ev := range roundTripEvents(t) {
		t.Run(ev.Stream+"@"+ev.Type, func(t *testing.T) {
			t.Parallel()
			line := events.AppendLine(nil, ev)
			got, err := events.ParseLine(line)
			require.NoError(t, err)
			require.Equal(t, ev, got)
			require.Equal(t, events.ComputeHash(&got), got.Hash, "the hash still matches after import")
			require.Equal(t, string(line), string(events.AppendLine(nil, got)))

			// Without the newline, and with a Windows line end, the record reads the same.
			got, err = events.ParseLine(bytes.TrimSuffix(line, []byte("\n")))
			require.NoError(t, err)
			require.Equal(t, ev, got)
			got, err = events.ParseLine(append(bytes.Clone(bytes.TrimSuffix(line, []byte("\n"))), '\r', '\n'))
			require.NoError(t, err)
			require.Equal(t, ev, got)
		})
	}
}

// TestParseLineRefusesNonCanonicalForms: a line that means the same event
// but is not written the way AppendLine writes it is refused, so no other
// JSON parser can read an accepted line differently.
func TestParseLineRefusesNonCanonicalForms(t *testing.T) {
	t.Parallel()
	ev := jsonlEvent()
	line := events.AppendLine(nil, ev)
	cases := map[string][]byte{
		"time with an offset":      withField(t, line, "recorded_at", `"2024-06-03T12:11:12.000000001+02:00"`),
		"time without nanoseconds": withField(t, line, "effective_at", `"2024-05-31T00:00:00Z"`),
		"upper-case hash":          withField(t, line, "hash", `"`+strings.ToUpper(ev.Hash.String())+`"`),
		"upper-case id":            withField(t, line, "id", `"`+strings.ToUpper(ev.ID.String())+`"`),
		"key in upper case":        bytes.Replace(line, []byte(`"actor":`), []byte(`"ACTOR":`), 1),
		"duplicate key":            bytes.Replace(line, []byte(`"actor":`), []byte(`"actor":"mallory","actor":`), 1),
		"extra space":              bytes.Replace(line, []byte(`"actor":`), []byte(`"actor": `), 1),
	}
	for name, l := range cases {
		require.NotEqual(t, string(line), string(l), name)
		_, err := events.ParseLine(l)
		require.ErrorContains(t, err, "not in the canonical export form", name)
	}
}

func TestParseLineErrors(t *testing.T) {
	t.Parallel()
	valid := events.AppendLine(nil, jsonlEvent())
	body := bytes.TrimSuffix(valid, []byte("\n"))
	set := func(key, raw string) []byte { return withField(t, valid, key, raw) }
	const hex64 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

	cases := []struct {
		name string
		line []byte
		want string
	}{
		// Structural: not one JSON object of the export's shape.
		{"empty line", nil, "not a JSON event record: EOF"},
		{"truncated", valid[:40], "not a JSON event record: unexpected EOF"},
		{"not an object", []byte(`[1]`), "not a JSON event record: json: cannot unmarshal array into Go value of type events.line"},
		{"unknown key", append(bytes.Clone(bytes.TrimSuffix(body, []byte("}"))), []byte(`,"extra":1}`)...), `not a JSON event record: json: unknown field "extra"`},
		{"wrong value type", set("version", `"3"`), "not a JSON event record: json: cannot unmarshal string into Go struct field line.version of type uint64"},
		{"negative version", set("version", `-1`), "not a JSON event record: json: cannot unmarshal number -1 into Go struct field line.version of type uint64"},
		{"two JSON values on a line", append(bytes.Clone(valid), valid...), "more than one JSON value on the line"},
		{"an array after the object", append(bytes.Clone(body), []byte(` [1]`)...), "more than one JSON value on the line"},
		{"a stray bracket after the object", append(bytes.Clone(body), ']'), "more than one JSON value on the line"},
		{"a stray brace after the object", append(bytes.Clone(body), '}', '\n'), "more than one JSON value on the line"},
		{"garbage after the object", append(bytes.Clone(body), []byte(" x")...), "more than one JSON value on the line"},

		// Field rules: the message starts with the field.
		{"bad uuid", set("id", `"not-a-uuid"`), "id: must be a non-nil UUID in canonical form"},
		{"nil uuid", set("id", `"00000000-0000-0000-0000-000000000000"`), "id: must be a non-nil UUID in canonical form"},
		{"uuid without dashes", set("id", `"6f1c2a0e7d3b4c1a9e2f0a1b2c3d4e5f"`), "id: must be a non-nil UUID in canonical form"},
		{"uuid in braces", set("id", `"{6f1c2a0e-7d3b-4c1a-9e2f-0a1b2c3d4e5f}"`), "id: must be a non-nil UUID in canonical form"},
		{"id missing", set("id", ""), "id: must be a non-nil UUID in canonical form"},
		{"null record", []byte("null"), "id: must be a non-nil UUID in canonical form"},
		{"empty stream", set("stream", `""`), "stream: is required"},
		{"stream with control character", set("stream", `"a\u0001b"`), "stream: must not contain control characters"},
		{"version 0", set("version", `0`), "version: must be 1 or more"},
		{"position 0", set("position", `0`), "position: must be 1 or more"},
		{"bad type", set("type", `"Risk"`), "type: must be dotted lower-case words such as raid.risk_raised, at most 100 bytes"},
		{"schema_version 0", set("schema_version", `0`), "schema_version: must be 1 or more"},
		{"data array", set("data", `[1]`), "data: must be a JSON object"},
		{"data missing", set("data", ""), "data: must be a JSON object"},
		{"non-compact data", set("data", `{"a": 1}`), "data: must be compact JSON, as exported"},
		{"bad time", set("recorded_at", `"2024-06-03 10:11:12"`), "recorded_at: must be an RFC 3339 time"},
		{"time out of range", set("recorded_at", `"1800-01-01T00:00:00.000000000Z"`), "recorded_at: must be between 1900-01-01 and 2200-01-01"},
		{"time at the upper bound", set("effective_at", `"2200-01-01T00:00:00.000000000Z"`), "effective_at: must be between 1900-01-01 and 2200-01-01"},
		{"empty effective time", set("effective_at", `""`), "effective_at: must be an RFC 3339 time"},
		{"empty actor", set("actor", `""`), "actor: is required"},
		{"reason with NUL", set("reason", `"a\u0000b"`), "reason: must not contain control characters"},
		{"bad correlation id", set("correlation_id", `"x"`), "correlation_id: must be a UUID in canonical form or empty"},
		{"causation id without dashes", set("causation_id", `"6f1c2a0e7d3b4c1a9e2f0a1b2c3d4e5f"`), "causation_id: must be a UUID in canonical form or empty"},
		{"empty prev_hash", set("prev_hash", `""`), "prev_hash: hash must be 64 hex digits, got 0 characters"},
		{"bad hash hex", set("hash", `"zz`+hex64[2:]+`"`), "hash: hash must be hex: encoding/hex: invalid byte: U+007A 'z'"},
		{"wrong hash length", set("hash", `"`+hex64[:62]+`"`), "hash: hash must be 64 hex digits, got 62 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ev, err := events.ParseLine(c.line)
			require.EqualError(t, err, c.want)
			require.Equal(t, events.Event{}, ev)
		})
	}
}

func FuzzParseLine(f *testing.F) {
	for _, ev := range roundTripEvents(f) {
		line := events.AppendLine(nil, ev)
		f.Add(line)
		f.Add(bytes.TrimSuffix(line, []byte("\n")))
		f.Add(bytes.ToUpper(line))
		f.Add(append(bytes.Clone(line), line...))
		f.Add(bytes.Replace(line, []byte(`":`), []byte(`" : `), -1))
	}
	valid := events.AppendLine(nil, jsonlEvent())
	f.Add(bytes.Replace(valid, []byte(`"version":3`), []byte(`"version":0`), 1))
	f.Add(bytes.Replace(valid, []byte(`Z"`), []byte(`+01:00"`), -1))
	f.Add(bytes.Replace(valid, []byte(`"causation_id":""`), []byte(`"causation_id":"6F1C2A0E-7D3B-4C1A-9E2F-0A1B2C3D4E5F"`), 1))
	f.Add(bytes.Replace(valid, []byte(`"n":1.50`), []byte(`"n" : 1.50`), 1))
	f.Add(append(bytes.Clone(bytes.TrimSuffix(valid, []byte("\n"))), ']'))
	f.Add([]byte(""))
	f.Add([]byte("{}"))
	f.Add([]byte("null"))
	f.Add([]byte(`{"id":1}`))
	f.Add([]byte("\xff\xfe"))

	f.Fuzz(func(t *testing.T, line []byte) {
		ev, err := events.ParseLine(line)
		if err != nil {
			require.Equal(t, events.Event{}, ev)
			return
		}
		require.True(t, json.Valid(line), "accepted a line that is not one JSON value: %q", line)
		out := events.AppendLine(nil, ev)
		require.Equal(t, 1, bytes.Count(out, []byte("\n")), "one record per line: %q", out)
		again, err := events.ParseLine(out)
		require.NoError(t, err, "re-export of %q does not parse: %q", line, out)
		require.Equal(t, ev, again)
		require.Equal(t, string(out), string(events.AppendLine(nil, again)), "re-export is not byte-stable")
	})
}
