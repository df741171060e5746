package esdb

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
)

// FuzzRecordedEvent feeds arbitrary metadata, data and positions to the
// record decoder, as a server (or someone writing into a ledger's streams)
// could send them. It must never panic; what it accepts must encode back to
// a record that decodes to the same event, so nothing is lost on the way
// through KurrentDB.
func FuzzRecordedEvent(f *testing.F) {
	recorded := time.Date(2026, 11, 26, 9, 0, 0, 1, time.UTC)
	valid, err := eventData(events.Stamp(events.Proposed{ID: uuid.New(), Type: "raid.risk_raised", SchemaVersion: 1,
		Data: json.RawMessage(`{"a":1}`), Actor: "ann", CorrelationID: uuid.New()}, "project-1", 1, 0, recorded, events.Hash{}))
	require.NoError(f, err)
	f.Add(valid.Metadata, valid.Data, "pledger:project-1", uint64(0), uint64(100), uint64(100))
	f.Add([]byte(`{}`), []byte(`{}`), "pledger:s", uint64(3), uint64(noPosition), uint64(7))
	f.Add([]byte(`{"schema_version":1,"recorded_at":"2026-01-01T00:00:00Z","actor":"a","prev_hash":"","hash":""}`), []byte(nil), "pledger:", uint64(0), uint64(1), uint64(0))
	f.Add([]byte(`{"$correlationId":"x","schema_version":-1}`), []byte(`[`), "other:s", uint64(1<<63), uint64(2), uint64(2))
	f.Add([]byte(`null`), []byte(`{}`), "$$pledger:s", uint64(0), uint64(5), uint64(5))
	names, err := newNaming("pledger")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, metadata, data []byte, stream string, revision, commit, prepare uint64) {
		r := &esdb.RecordedEvent{EventID: uuid.New(), EventType: "x.y", StreamID: stream, EventNumber: revision,
			Position: esdb.Position{Commit: commit, Prepare: prepare}, Data: data, UserMetadata: metadata}
		ev, err := names.recordedEvent(r)
		if err != nil {
			return
		}
		if ev.Version != revision+1 || ev.Position != prepare || names.remote(ev.Stream) != stream || !bytes.Equal(ev.Data, data) {
			t.Fatalf("the event does not carry the record: %+v", ev)
		}
		d, err := eventData(ev)
		if err != nil {
			t.Fatalf("an accepted event does not encode: %v", err)
		}
		again, err := names.recordedEvent(&esdb.RecordedEvent{EventID: d.EventID, EventType: d.EventType, StreamID: stream,
			EventNumber: revision, Position: r.Position, Data: d.Data, UserMetadata: d.Metadata})
		if err != nil {
			t.Fatalf("an accepted event does not decode after encoding: %v", err)
		}
		if !eventsEqual(ev, again) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", ev, again)
		}
	})
}

// eventsEqual compares events, times by instant.
func eventsEqual(a, b events.Event) bool {
	if !a.RecordedAt.Equal(b.RecordedAt) || !a.EffectiveAt.Equal(b.EffectiveAt) {
		return false
	}
	a.RecordedAt, b.RecordedAt, a.EffectiveAt, b.EffectiveAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}
