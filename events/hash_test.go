package events_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
)

// fullEvent returns an event with every field set to a distinct non-zero value.
func fullEvent() events.Event {
	ev := events.Event{
		ID:            testID(1),
		Stream:        "project-1",
		Version:       7,
		Position:      42,
		Type:          "raid.risk_raised",
		SchemaVersion: 2,
		Data:          json.RawMessage(`{"title":"Flood","severity":3}`),
		RecordedAt:    time.Date(2024, 6, 3, 10, 11, 12, 123456789, time.UTC),
		EffectiveAt:   time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC),
		Actor:         "alice@example.com",
		Reason:        "weekly review",
		CorrelationID: testID(2),
		CausationID:   testID(3),
		PrevHash:      events.Hash{0: 0xaa, 31: 0x55},
	}
	ev.Hash = events.ComputeHash(&ev)
	return ev
}

// canonicalHash encodes ev the way ComputeHash documents it, independently of
// the package: a domain tag, then each field, byte strings prefixed with their
// uvarint length, integers and times (Unix ns) as 8 big-endian bytes, and the
// 32 bytes of PrevHash last.
func canonicalHash(ev events.Event) events.Hash {
	var b []byte
	str := func(s []byte) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	num := func(v uint64) { b = binary.BigEndian.AppendUint64(b, v) }
	str([]byte("pledger.event.v1"))
	str(ev.ID[:])
	str([]byte(ev.Stream))
	num(ev.Version)
	str([]byte(ev.Type))
	num(uint64(ev.SchemaVersion))
	str(ev.Data)
	num(uint64(ev.RecordedAt.UnixNano()))
	num(uint64(ev.EffectiveAt.UnixNano()))
	str([]byte(ev.Actor))
	str([]byte(ev.Reason))
	str(ev.CorrelationID[:])
	str(ev.CausationID[:])
	b = append(b, ev.PrevHash[:]...)
	return sha256.Sum256(b)
}

func TestComputeHashIsDeterministicAndCanonical(t *testing.T) {
	t.Parallel()
	ev := fullEvent()
	first := events.ComputeHash(&ev)
	again := fullEvent()
	require.Equal(t, first, events.ComputeHash(&again))
	require.Equal(t, canonicalHash(ev), first)
	require.Equal(t, fullEvent(), ev, "ComputeHash must not change the event")
}

func TestComputeHashCoversEveryEnvelopeField(t *testing.T) {
	t.Parallel()
	base := fullEvent()
	baseHash := events.ComputeHash(&base)

	changes := []struct {
		name   string
		mutate func(*events.Event)
	}{
		{"ID", func(ev *events.Event) { ev.ID = testID(99) }},
		{"Stream", func(ev *events.Event) { ev.Stream = "project-2" }},
		{"Version", func(ev *events.Event) { ev.Version++ }},
		{"Type", func(ev *events.Event) { ev.Type = "raid.risk_closed" }},
		{"SchemaVersion", func(ev *events.Event) { ev.SchemaVersion++ }},
		{"Data", func(ev *events.Event) { ev.Data = json.RawMessage(`{"title":"Flood","severity":4}`) }},
		{"RecordedAt", func(ev *events.Event) { ev.RecordedAt = ev.RecordedAt.Add(time.Nanosecond) }},
		{"EffectiveAt", func(ev *events.Event) { ev.EffectiveAt = ev.EffectiveAt.Add(time.Nanosecond) }},
		{"Actor", func(ev *events.Event) { ev.Actor = "mallory@example.com" }},
		{"Reason", func(ev *events.Event) { ev.Reason = "weekly review!" }},
		{"CorrelationID", func(ev *events.Event) { ev.CorrelationID = uuid.Nil }},
		{"CausationID", func(ev *events.Event) { ev.CausationID = testID(4) }},
		{"PrevHash", func(ev *events.Event) { ev.PrevHash[31] ^= 1 }},
	}
	seen := map[events.Hash]string{baseHash: "base"}
	for _, c := range changes {
		ev := fullEvent()
		c.mutate(&ev)
		h := events.ComputeHash(&ev)
		require.NotEqual(t, baseHash, h, "changing %s must change the hash", c.name)
		require.Equal(t, canonicalHash(ev), h, c.name)
		prev, dup := seen[h]
		require.False(t, dup, "changing %s gives the same hash as %s", c.name, prev)
		seen[h] = c.name
	}
	require.Len(t, seen, len(changes)+1)
}

func TestComputeHashLeavesOutPositionHashAndZone(t *testing.T) {
	t.Parallel()
	base := fullEvent()
	want := events.ComputeHash(&base)

	unchanged := []struct {
		name   string
		mutate func(*events.Event)
	}{
		// Engines assign positions differently; seals bind global order.
		{"Position", func(ev *events.Event) { ev.Position = 1 }},
		{"Hash", func(ev *events.Event) { ev.Hash = events.Hash{} }},
		// Times are hashed as instants, so the zone they are read in does not matter.
		{"RecordedAt zone", func(ev *events.Event) { ev.RecordedAt = ev.RecordedAt.In(time.FixedZone("X", 5*3600)) }},
		{"EffectiveAt zone", func(ev *events.Event) { ev.EffectiveAt = ev.EffectiveAt.In(time.FixedZone("Y", -7*3600)) }},
	}
	for _, c := range unchanged {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ev := fullEvent()
			c.mutate(&ev)
			require.Equal(t, want, events.ComputeHash(&ev))
		})
	}
}

func TestComputeHashLengthPrefixesFields(t *testing.T) {
	t.Parallel()
	pairs := []struct {
		name string
		a, b func(*events.Event)
	}{
		{
			"actor and reason",
			func(ev *events.Event) { ev.Actor, ev.Reason = "ab", "c" },
			func(ev *events.Event) { ev.Actor, ev.Reason = "a", "bc" },
		},
		{
			"reason and empty reason",
			func(ev *events.Event) { ev.Actor, ev.Reason = "alice", "" },
			func(ev *events.Event) { ev.Actor, ev.Reason = "alic", "e" },
		},
		{
			"all in actor or all in reason",
			func(ev *events.Event) { ev.Actor, ev.Reason = "", "ab" },
			func(ev *events.Event) { ev.Actor, ev.Reason = "ab", "" },
		},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			a, b := fullEvent(), fullEvent()
			p.a(&a)
			p.b(&b)
			require.NotEqual(t, events.ComputeHash(&a), events.ComputeHash(&b))
		})
	}
}

func validProposed() events.Proposed {
	return events.Proposed{
		ID:            testID(10),
		Type:          "raid.risk_raised",
		SchemaVersion: 1,
		Data:          json.RawMessage(`{"a":1}`),
		Actor:         "alice",
	}
}

func TestPrepareRejectsBrokenRules(t *testing.T) {
	t.Parallel()
	one := func(mutate func(*events.Proposed)) []events.Proposed {
		p := validProposed()
		mutate(&p)
		return []events.Proposed{p}
	}
	bigObject := func(n int) json.RawMessage {
		// {"a":"xxx…"} of exactly n bytes
		return json.RawMessage(`{"a":"` + strings.Repeat("x", n-8) + `"}`)
	}
	const typeRule = "must be dotted lower-case words such as raid.risk_raised, at most 100 bytes"

	cases := []struct {
		name  string
		batch []events.Proposed
		index int
		field string
		rule  string
	}{
		{"empty batch", nil, -1, "events", "at least one event is required"},
		{"empty non-nil batch", []events.Proposed{}, -1, "events", "at least one event is required"},
		{"nil id", one(func(p *events.Proposed) { p.ID = uuid.Nil }), 0, "id", "must be a non-nil UUID"},
		{"duplicate id in batch", []events.Proposed{validProposed(), validProposed()}, 1, "id", "appears twice in the batch"},
		{"second event broken", []events.Proposed{validProposed(), func() events.Proposed {
			p := validProposed()
			p.ID = testID(11)
			p.Actor = ""
			return p
		}()}, 1, "actor", "is required"},
		{"type empty", one(func(p *events.Proposed) { p.Type = "" }), 0, "type", typeRule},
		{"type Risk", one(func(p *events.Proposed) { p.Type = "Risk" }), 0, "type", typeRule},
		{"type without dot", one(func(p *events.Proposed) { p.Type = "raid" }), 0, "type", typeRule},
		{"type empty word", one(func(p *events.Proposed) { p.Type = "raid..x" }), 0, "type", typeRule},
		{"type leading dot", one(func(p *events.Proposed) { p.Type = ".raid" }), 0, "type", typeRule},
		{"type trailing dot", one(func(p *events.Proposed) { p.Type = "raid." }), 0, "type", typeRule},
		{"type upper-case word", one(func(p *events.Proposed) { p.Type = "raid.Risk" }), 0, "type", typeRule},
		{"type upper-case first word", one(func(p *events.Proposed) { p.Type = "RAID.risk" }), 0, "type", typeRule},
		{"type upper-case inside word", one(func(p *events.Proposed) { p.Type = "raid.riSk" }), 0, "type", typeRule},
		{"type word starts with digit", one(func(p *events.Proposed) { p.Type = "raid.1risk" }), 0, "type", typeRule},
		{"type word starts with underscore", one(func(p *events.Proposed) { p.Type = "raid._risk" }), 0, "type", typeRule},
		{"type with dash", one(func(p *events.Proposed) { p.Type = "raid.risk-raised" }), 0, "type", typeRule},
		{"type with space", one(func(p *events.Proposed) { p.Type = "raid.risk raised" }), 0, "type", typeRule},
		{"type too long", one(func(p *events.Proposed) { p.Type = "a." + strings.Repeat("b", 99) }), 0, "type", typeRule},
		{"schema_version 0", one(func(p *events.Proposed) { p.SchemaVersion = 0 }), 0, "schema_version", "must be 1 or more"},
		{"schema_version negative", one(func(p *events.Proposed) { p.SchemaVersion = -1 }), 0, "schema_version", "must be 1 or more"},
		{"data missing", one(func(p *events.Proposed) { p.Data = nil }), 0, "data", "must be a JSON object"},
		{"data not JSON", one(func(p *events.Proposed) { p.Data = json.RawMessage(`{a:1}`) }), 0, "data", "must be a JSON object"},
		{"data truncated JSON", one(func(p *events.Proposed) { p.Data = json.RawMessage(`{"a":1`) }), 0, "data", "must be a JSON object"},
		{"data two objects", one(func(p *events.Proposed) { p.Data = json.RawMessage(`{}{}`) }), 0, "data", "must be a JSON object"},
		{"data JSON array", one(func(p *events.Proposed) { p.Data = json.RawMessage(`[{"a":1}]`) }), 0, "data", "must be a JSON object"},
		{"data JSON string", one(func(p *events.Proposed) { p.Data = json.RawMessage(`"{}"`) }), 0, "data", "must be a JSON object"},
		{"data JSON null", one(func(p *events.Proposed) { p.Data = json.RawMessage(`null`) }), 0, "data", "must be a JSON object"},
		{"data over 1 MiB", one(func(p *events.Proposed) { p.Data = bigObject(events.MaxDataLen + 1) }), 0, "data", "must be at most 1 MiB"},
		{"effective_at 1800", one(func(p *events.Proposed) { p.EffectiveAt = time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC) }), 0, "effective_at", "must be between 1900-01-01 and 2200-01-01"},
		{"effective_at just before 1900", one(func(p *events.Proposed) { p.EffectiveAt = time.Date(1899, 12, 31, 23, 59, 59, 999999999, time.UTC) }), 0, "effective_at", "must be between 1900-01-01 and 2200-01-01"},
		{"effective_at 2200", one(func(p *events.Proposed) { p.EffectiveAt = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC) }), 0, "effective_at", "must be between 1900-01-01 and 2200-01-01"},
		{"empty actor", one(func(p *events.Proposed) { p.Actor = "" }), 0, "actor", "is required"},
		{"actor with control character", one(func(p *events.Proposed) { p.Actor = "ali\x01ce" }), 0, "actor", "must not contain control characters"},
		{"actor with carriage return", one(func(p *events.Proposed) { p.Actor = "alice\r" }), 0, "actor", "must not contain control characters"},
		{"actor with DEL", one(func(p *events.Proposed) { p.Actor = "alice\x7f" }), 0, "actor", "must not contain control characters"},
		{"actor too long", one(func(p *events.Proposed) { p.Actor = strings.Repeat("a", events.MaxTextLen+1) }), 0, "actor", "is too long"},
		{"actor invalid UTF-8", one(func(p *events.Proposed) { p.Actor = "al\xffice" }), 0, "actor", "must be valid UTF-8"},
		{"invalid UTF-8 reason", one(func(p *events.Proposed) { p.Reason = "because \xc3\x28" }), 0, "reason", "must be valid UTF-8"},
		{"reason with NUL", one(func(p *events.Proposed) { p.Reason = "because\x00" }), 0, "reason", "must not contain control characters"},
		{"reason too long", one(func(p *events.Proposed) { p.Reason = strings.Repeat("r", events.MaxTextLen+1) }), 0, "reason", "is too long"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, err := events.Prepare(c.batch)
			require.Nil(t, out)
			require.ErrorIs(t, err, events.ErrInvalidEvent)
			require.NotErrorIs(t, err, events.ErrWrongExpectedVersion)
			var fe *events.FieldError
			require.True(t, errors.As(err, &fe), "error %v is not a *FieldError", err)
			require.Equal(t, events.FieldError{Index: c.index, Field: c.field, Rule: c.rule}, *fe)
		})
	}
}

func TestPrepareAcceptsEdgeValues(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(*events.Proposed)
	}{
		{"type with digits and underscores", func(p *events.Proposed) { p.Type = "raid2.risk_raised_v2" }},
		{"type with three words", func(p *events.Proposed) { p.Type = "a.b.c" }},
		{"type of 100 bytes", func(p *events.Proposed) { p.Type = "a." + strings.Repeat("b", 98) }},
		{"data of exactly 1 MiB", func(p *events.Proposed) {
			p.Data = json.RawMessage(`{"a":"` + strings.Repeat("x", events.MaxDataLen-8) + `"}`)
		}},
		{"empty object", func(p *events.Proposed) { p.Data = json.RawMessage(`{}`) }},
		{"effective_at 1900", func(p *events.Proposed) { p.EffectiveAt = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"effective_at just before 2200", func(p *events.Proposed) {
			p.EffectiveAt = time.Date(2199, 12, 31, 23, 59, 59, 999999999, time.UTC)
		}},
		{"actor with tab and newline", func(p *events.Proposed) { p.Actor = "alice\tsmith\n" }},
		{"actor of max length", func(p *events.Proposed) { p.Actor = strings.Repeat("a", events.MaxTextLen) }},
		{"unicode actor and reason", func(p *events.Proposed) { p.Actor, p.Reason = "Zoë", "réunion <&> 会议" }},
		{"nil correlation and causation", func(p *events.Proposed) { p.CorrelationID, p.CausationID = uuid.Nil, uuid.Nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := validProposed()
			c.mutate(&p)
			out, err := events.Prepare([]events.Proposed{p})
			require.NoError(t, err)
			require.Equal(t, []events.Proposed{p}, out)
		})
	}
}

func TestPrepareCompactsData(t *testing.T) {
	t.Parallel()
	first := validProposed()
	first.Data = json.RawMessage("{ \"a\" : 1 }")
	second := validProposed()
	second.ID = testID(11)
	second.Data = json.RawMessage("{\n\t\"b\": [ 1, 2 ],\n\t\"c\": { \"d\" : \"e f\" }\n}\n")
	batch := []events.Proposed{first, second}

	out, err := events.Prepare(batch)
	require.NoError(t, err)
	require.Len(t, out, 2)
	require.Equal(t, `{"a":1}`, string(out[0].Data))
	require.Equal(t, `{"b":[1,2],"c":{"d":"e f"}}`, string(out[1].Data))

	// Everything else is copied, and the caller's batch is left alone.
	wantFirst := first
	wantFirst.Data = json.RawMessage(`{"a":1}`)
	require.Equal(t, wantFirst, out[0])
	require.Equal(t, "{ \"a\" : 1 }", string(batch[0].Data))
}

func TestStamp(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	recorded := time.Date(2024, 6, 3, 12, 0, 0, 500, paris)
	prev := events.Hash{1, 2, 3}

	cases := []struct {
		name          string
		effective     time.Time
		wantEffective time.Time
	}{
		{"effective defaults to recorded", time.Time{}, time.Date(2024, 6, 3, 11, 0, 0, 500, time.UTC)},
		{"back-dated effective time in UTC", time.Date(2024, 5, 1, 2, 0, 0, 0, paris), time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := validProposed()
			p.EffectiveAt = c.effective
			p.Reason = "why"
			p.CorrelationID = testID(20)
			p.CausationID = testID(21)
			ev := events.Stamp(p, "project-x", 4, 99, recorded, prev)

			want := events.Event{
				ID:            p.ID,
				Stream:        "project-x",
				Version:       4,
				Position:      99,
				Type:          p.Type,
				SchemaVersion: 1,
				Data:          json.RawMessage(`{"a":1}`),
				RecordedAt:    time.Date(2024, 6, 3, 11, 0, 0, 500, time.UTC),
				EffectiveAt:   c.wantEffective,
				Actor:         "alice",
				Reason:        "why",
				CorrelationID: testID(20),
				CausationID:   testID(21),
				PrevHash:      prev,
			}
			want.Hash = canonicalHash(want)
			require.Equal(t, want, ev)
			require.Equal(t, time.UTC, ev.RecordedAt.Location())
			require.Equal(t, time.UTC, ev.EffectiveAt.Location())
			require.Equal(t, events.ComputeHash(&ev), ev.Hash)
		})
	}
}

func TestValidateStream(t *testing.T) {
	t.Parallel()
	cases := []struct {
		stream string
		rule   string // "" means valid
	}{
		{"project-3f2c", ""},
		{events.SealsStream, ""},
		{strings.Repeat("s", events.MaxStreamLen), ""},
		{"", "is required"},
		{strings.Repeat("s", events.MaxStreamLen+1), "is too long"},
		{"bad\xff", "must be valid UTF-8"},
		{"bad\x1b", "must not contain control characters"},
	}
	for _, c := range cases {
		err := events.ValidateStream(c.stream)
		if c.rule == "" {
			require.NoError(t, err, c.stream)
			continue
		}
		require.ErrorIs(t, err, events.ErrInvalidEvent)
		var fe *events.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, events.FieldError{Index: -1, Field: "stream", Rule: c.rule}, *fe)
	}
}
