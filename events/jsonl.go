package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
)

// TimeLayout is how the export writes instants: RFC 3339, UTC, always nine
// fractional digits, so a re-export reproduces the bytes.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// line is one event of the JSON Lines export. Field order is the contract.
type line struct {
	ID            string          `json:"id"`
	Stream        string          `json:"stream"`
	Version       uint64          `json:"version"`
	Position      uint64          `json:"position"`
	Type          string          `json:"type"`
	SchemaVersion int             `json:"schema_version"`
	Data          json.RawMessage `json:"data"`
	RecordedAt    string          `json:"recorded_at"`
	EffectiveAt   string          `json:"effective_at"`
	Actor         string          `json:"actor"`
	Reason        string          `json:"reason"`
	CorrelationID string          `json:"correlation_id"`
	CausationID   string          `json:"causation_id"`
	PrevHash      string          `json:"prev_hash"`
	Hash          string          `json:"hash"`
}

// AppendLine appends ev as one JSON Lines record, newline included, to dst.
func AppendLine(dst []byte, ev Event) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// Encoding a struct of strings, numbers and valid JSON cannot fail.
	_ = enc.Encode(line{
		ID:            ev.ID.String(),
		Stream:        ev.Stream,
		Version:       ev.Version,
		Position:      ev.Position,
		Type:          ev.Type,
		SchemaVersion: ev.SchemaVersion,
		Data:          ev.Data,
		RecordedAt:    ev.RecordedAt.UTC().Format(TimeLayout),
		EffectiveAt:   ev.EffectiveAt.UTC().Format(TimeLayout),
		Actor:         ev.Actor,
		Reason:        ev.Reason,
		CorrelationID: optionalID(ev.CorrelationID),
		CausationID:   optionalID(ev.CausationID),
		PrevHash:      ev.PrevHash.String(),
		Hash:          ev.Hash.String(),
	})
	return append(dst, buf.Bytes()...)
}

// ParseLine decodes one JSON Lines record into an Event and checks every
// envelope rule (but not the hash: that is the Verifier's job). Unknown keys
// are rejected, and so is any line that is not byte for byte what AppendLine
// writes. The error names the field and the rule.
func ParseLine(b []byte) (Event, error) {
	var l line
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Event{}, fmt.Errorf("not a JSON event record: %w", err)
	}
	// dec.More reports false before a stray ']' or '}', so read on instead:
	// only white space may follow the record.
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return Event{}, fmt.Errorf("more than one JSON value on the line")
	}
	var ev Event
	var err error
	fail := func(field, rule string) (Event, error) { return Event{}, fmt.Errorf("%s: %s", field, rule) }
	if ev.ID, err = uuid.Parse(l.ID); err != nil || ev.ID == uuid.Nil || len(l.ID) != 36 {
		return fail("id", "must be a non-nil UUID in canonical form")
	}
	if err := ValidateStream(l.Stream); err != nil {
		return fail("stream", err.(*FieldError).Rule)
	}
	if l.Version == 0 {
		return fail("version", "must be 1 or more")
	}
	if l.Position == 0 {
		return fail("position", "must be 1 or more")
	}
	if ev.RecordedAt, err = parseTime(l.RecordedAt); err != nil {
		return fail("recorded_at", err.Error())
	}
	if ev.EffectiveAt, err = parseTime(l.EffectiveAt); err != nil {
		return fail("effective_at", err.Error())
	}
	if ev.CorrelationID, err = parseOptionalID(l.CorrelationID); err != nil {
		return fail("correlation_id", err.Error())
	}
	if ev.CausationID, err = parseOptionalID(l.CausationID); err != nil {
		return fail("causation_id", err.Error())
	}
	if ev.PrevHash, err = ParseHash(l.PrevHash); err != nil {
		return fail("prev_hash", err.Error())
	}
	if ev.Hash, err = ParseHash(l.Hash); err != nil {
		return fail("hash", err.Error())
	}
	prepared, err := Prepare([]Proposed{{
		ID: ev.ID, Type: l.Type, SchemaVersion: l.SchemaVersion, Data: l.Data,
		EffectiveAt: ev.EffectiveAt, Actor: l.Actor, Reason: l.Reason,
	}})
	if err != nil {
		fe := err.(*FieldError)
		return fail(fe.Field, fe.Rule)
	}
	if !bytes.Equal(prepared[0].Data, l.Data) {
		return fail("data", "must be compact JSON, as exported")
	}
	ev.Stream, ev.Version, ev.Position = l.Stream, l.Version, l.Position
	ev.Type, ev.SchemaVersion, ev.Data = l.Type, l.SchemaVersion, prepared[0].Data
	ev.Actor, ev.Reason = l.Actor, l.Reason
	// Only the canonical form is accepted: a line that differs from its
	// re-encoding (key case, duplicate keys, upper-case hex, spacing, key
	// order) could be read differently by another parser than by us.
	if !bytes.Equal(bytes.TrimSuffix(AppendLine(nil, ev), []byte("\n")), bytes.TrimRight(b, "\r\n")) {
		return Event{}, fmt.Errorf("line is not in the canonical export form (key order and case, lower-case hex, no extra spaces)")
	}
	return ev, nil
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("must be an RFC 3339 time")
	}
	if t.Before(minTime) || !t.Before(maxTime) {
		return time.Time{}, fmt.Errorf("must be between 1900-01-01 and 2200-01-01")
	}
	return t.UTC(), nil
}

func optionalID(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

func parseOptionalID(s string) (uuid.UUID, error) {
	if s == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return uuid.Nil, fmt.Errorf("must be a UUID in canonical form or empty")
	}
	return id, nil
}
