package esdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
)

func TestLedgerNames(t *testing.T) {
	for _, c := range []struct {
		ledger string
		ok     bool
	}{
		{"pledger", true},
		{"acme-prod_2", true},
		{"0ledger", true},
		{"", false},
		{"Pledger", false},
		{"-pledger", false},
		{"$pledger", false},
		{"a:b", false},
		{"has space", false},
		{"x123456789x123456789x123456789x12345678", true},
		{"x123456789x123456789x123456789x123456789x", false},
	} {
		_, err := newNaming(c.ledger)
		require.Equal(t, c.ok, err == nil, "%q: %v", c.ledger, err)
	}
}

func TestStreamNamesRoundTripAndKeepLedgersApart(t *testing.T) {
	n, err := newNaming("acme")
	require.NoError(t, err)
	require.Equal(t, "acme:project-42", n.remote("project-42"))
	for _, c := range []struct {
		remote, local string
		ours          bool
	}{
		{"acme:project-42", "project-42", true},
		{"acme:ledger-seals", "ledger-seals", true},
		{"acme2:project-42", "", false},
		{"acmeproject-42", "", false},
		{"$$acme:project-42", "", false},
		{"$ce-acme:project", "", false},
	} {
		local, ours := n.local(c.remote)
		require.Equal(t, c.ours, ours, c.remote)
		if ours {
			require.Equal(t, c.local, local)
		}
	}
}

func TestVersionsAndRevisions(t *testing.T) {
	for v := uint64(1); v < 5; v++ {
		require.Equal(t, v-1, revisionOf(v))
		require.Equal(t, v, versionOf(revisionOf(v)))
	}
	cases := []struct {
		current uint64
		want    esdb.ExpectedRevision
	}{
		{0, esdb.NoStream{}},
		{1, esdb.Revision(0)},
		{7, esdb.Revision(6)},
	}
	for _, c := range cases {
		require.Equal(t, c.want, expectedRevision(c.current), "stream at version %d", c.current)
	}
}

// stamped is an event as Append stamps it, hash included.
func stamped(t *testing.T, stream string, version uint64, prev events.Hash, edit func(*events.Proposed)) events.Event {
	t.Helper()
	p := events.Proposed{ID: uuid.New(), Type: "raid.risk_raised", SchemaVersion: 2,
		Data: json.RawMessage(`{"title":"Zürich — 東京"}`), Actor: "Zoë", Reason: "CR-7 approved"}
	if edit != nil {
		edit(&p)
	}
	prepared, err := events.Prepare([]events.Proposed{p})
	require.NoError(t, err)
	recorded := time.Date(2026, 11, 26, 9, 30, 0, 123456789, time.UTC)
	return events.Stamp(prepared[0], stream, version, 0, recorded, prev)
}

// asRecorded is what the server hands back for event data it stored.
func asRecorded(stream string, revision uint64, pos esdb.Position, d esdb.EventData) *esdb.RecordedEvent {
	return &esdb.RecordedEvent{EventID: d.EventID, EventType: d.EventType, ContentType: "application/json",
		StreamID: stream, EventNumber: revision, Position: pos, Data: d.Data, UserMetadata: d.Metadata}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	n, err := newNaming("pledger")
	require.NoError(t, err)
	first := stamped(t, "project-1", 1, events.Hash{}, nil)
	cases := []struct {
		name string
		ev   events.Event
	}{
		{"first of a stream, no correlation", first},
		{"back-dated, correlated and caused", stamped(t, "project-1", 2, first.Hash, func(p *events.Proposed) {
			p.EffectiveAt = time.Date(2026, 5, 14, 0, 0, 0, 0, time.FixedZone("CET", 3600))
			p.CorrelationID, p.CausationID = uuid.New(), first.ID
		})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := eventData(c.ev)
			require.NoError(t, err)
			require.Equal(t, c.ev.ID, d.EventID, "the server deduplicates retries by our id")
			require.Equal(t, c.ev.Type, d.EventType)
			require.Equal(t, esdb.ContentTypeJson, d.ContentType)
			require.Equal(t, []byte(c.ev.Data), d.Data, "data is stored as appended: the hash covers it")

			var md map[string]any
			require.NoError(t, json.Unmarshal(d.Metadata, &md))
			if c.ev.CorrelationID != uuid.Nil {
				require.Equal(t, c.ev.CorrelationID.String(), md["$correlationId"], "KurrentDB's own key")
				require.Equal(t, c.ev.CausationID.String(), md["$causationId"])
			} else {
				require.NotContains(t, md, "$correlationId")
				require.NotContains(t, md, "$causationId")
			}
			require.Equal(t, c.ev.Hash.String(), md["hash"])

			pos := esdb.Position{Commit: 4096, Prepare: 4311}
			back, err := n.recordedEvent(asRecorded("pledger:project-1", revisionOf(c.ev.Version), pos, d))
			require.NoError(t, err)
			want := c.ev
			want.Position = 4311
			require.Equal(t, want, back)
			require.Equal(t, events.ComputeHash(&back), back.Hash, "nothing the hash covers changed on the way")
		})
	}
}

func TestRecordsThatAreNotPledgerEvents(t *testing.T) {
	n, err := newNaming("pledger")
	require.NoError(t, err)
	good, err := eventData(stamped(t, "s", 1, events.Hash{}, nil))
	require.NoError(t, err)
	withMetadata := func(edit func(map[string]any)) esdb.EventData {
		var md map[string]any
		require.NoError(t, json.Unmarshal(good.Metadata, &md))
		edit(md)
		d := good
		d.Metadata, err = json.Marshal(md)
		require.NoError(t, err)
		return d
	}
	at := esdb.Position{Commit: 10, Prepare: 10}
	cases := []struct {
		name  string
		r     *esdb.RecordedEvent
		field string
	}{
		{"another ledger's stream", asRecorded("other:s", 0, at, good), "stream"},
		{"no position (a stream read of an old server)", asRecorded("pledger:s", 0, esdb.Position{Commit: noPosition, Prepare: noPosition}, good), "position"},
		{"metadata that is not JSON", asRecorded("pledger:s", 0, at, esdb.EventData{EventID: good.EventID, Data: good.Data, Metadata: []byte("{")}), "metadata"},
		{"no actor", asRecorded("pledger:s", 0, at, withMetadata(func(m map[string]any) { delete(m, "actor") })), "metadata"},
		{"no schema version", asRecorded("pledger:s", 0, at, withMetadata(func(m map[string]any) { delete(m, "schema_version") })), "schema_version"},
		{"a correlation id that is not a UUID", asRecorded("pledger:s", 0, at, withMetadata(func(m map[string]any) { m["$correlationId"] = "abc" })), "$correlationId"},
		{"a short hash", asRecorded("pledger:s", 0, at, withMetadata(func(m map[string]any) { m["hash"] = "abcd" })), "hash"},
		{"no previous hash", asRecorded("pledger:s", 0, at, withMetadata(func(m map[string]any) { delete(m, "prev_hash") })), "prev_hash"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := n.recordedEvent(c.r)
			var me *MetadataError
			require.ErrorAs(t, err, &me)
			require.Equal(t, c.field, me.Field, err.Error())
			require.Equal(t, c.r.StreamID, me.Stream)
		})
	}
}

func TestPositions(t *testing.T) {
	for _, c := range []struct {
		pos  esdb.Position
		want uint64
		ok   bool
	}{
		{esdb.Position{Commit: 100, Prepare: 100}, 100, true},
		{esdb.Position{Commit: 100, Prepare: 180}, 180, true},        // a later event of one append
		{esdb.Position{Commit: noPosition, Prepare: 180}, 180, true}, // a stream read knows only the prepare position
		{esdb.Position{Commit: noPosition, Prepare: noPosition}, 0, false},
		{esdb.Position{}, 0, false},
	} {
		got, err := positionOf(c.pos)
		require.Equal(t, c.ok, err == nil, "%+v: %v", c.pos, err)
		require.Equal(t, c.want, got)
	}
}

func TestResumeAfter(t *testing.T) {
	// $all: an append of one event at 100, an append of three at 200, 260
	// and 330 (commit 200), then one at 400.
	cases := []struct {
		name  string
		after uint64
		last  *esdb.Position // first record reading backwards from (after, after)
		want  esdb.Position
	}{
		{"a single-event append", 100, nil, esdb.Position{Commit: 100, Prepare: 100}},
		{"the first event of an append", 200, &esdb.Position{Commit: 100, Prepare: 100}, esdb.Position{Commit: 200, Prepare: 200}},
		{"the middle event of an append", 260, &esdb.Position{Commit: 200, Prepare: 330}, esdb.Position{Commit: 200, Prepare: 260}},
		{"the last event of an append", 330, &esdb.Position{Commit: 200, Prepare: 330}, esdb.Position{Commit: 200, Prepare: 330}},
		{"after a multi-event append", 400, &esdb.Position{Commit: 200, Prepare: 330}, esdb.Position{Commit: 400, Prepare: 400}},
		{"a server whose backward read includes the start", 200, &esdb.Position{Commit: 200, Prepare: 200}, esdb.Position{Commit: 200, Prepare: 200}},
	}
	for _, c := range cases {
		require.Equal(t, c.want, resumeAfter(c.after, c.last), c.name)
	}
}

func TestSystemRecords(t *testing.T) {
	for _, c := range []struct {
		stream, typ string
		system      bool
	}{
		{"pledger:project-1", "raid.risk_raised", false},
		{"$$pledger:project-1", "$metadata", true},
		{"$ce-pledger:project", "$>", true},
		{"$stats-127.0.0.1:2113", "$statsCollected", true},
		{"pledger:project-1", "$>", true},
	} {
		require.Equal(t, c.system, isSystem(&esdb.RecordedEvent{StreamID: c.stream, EventType: c.typ}), c.stream+" "+c.typ)
	}
}

func TestMatchRetry(t *testing.T) {
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	stored := make([]events.Event, len(ids))
	for i, id := range ids {
		stored[i] = events.Event{ID: id, Stream: "s", Version: uint64(i + 1)}
	}
	batch := func(ids ...uuid.UUID) []events.Proposed {
		out := make([]events.Proposed, len(ids))
		for i, id := range ids {
			out[i] = events.Proposed{ID: id}
		}
		return out
	}
	fresh := uuid.New()
	cases := []struct {
		name  string
		batch []events.Proposed
		there []events.Event
		want  retryMatch
	}{
		{"new ids", batch(fresh, uuid.New()), stored[:2], absent},
		{"nothing there", batch(fresh), nil, absent},
		{"the whole earlier append", batch(ids[1], ids[2]), stored[1:3], retried},
		{"part of an append", batch(ids[1], fresh), stored[1:3], reused},
		{"the same ids in another order", batch(ids[2], ids[1]), stored[1:3], reused},
		{"the stream ends inside the batch", batch(ids[2], fresh), stored[2:3], reused},
	}
	for _, c := range cases {
		require.Equal(t, c.want, matchRetry(c.batch, c.there), c.name)
	}
	i, version, ok := firstKnown(batch(fresh, ids[1]), stored)
	require.True(t, ok)
	require.Equal(t, 1, i)
	require.Equal(t, uint64(2), version)
	_, _, ok = firstKnown(batch(fresh), stored)
	require.False(t, ok)
}

func TestErrorKinds(t *testing.T) {
	for _, c := range []struct {
		code esdb.ErrorCode
		want error
	}{
		{esdb.ErrorCodeNotLeader, ErrUnavailable},
		{esdb.ErrorUnavailable, ErrUnavailable},
		{esdb.ErrorCodeConnectionClosed, ErrUnavailable},
		{esdb.ErrorCodeDeadlineExceeded, ErrUnavailable},
		{esdb.ErrorAborted, ErrUnavailable},
		{esdb.ErrorCodeAccessDenied, ErrDenied},
		{esdb.ErrorCodeUnauthenticated, ErrDenied},
		{esdb.ErrorCodeStreamDeleted, ErrStreamDeleted},
		{esdb.ErrorCodeUnknown, nil},
		{esdb.ErrorCodeInternalServer, nil},
	} {
		kind := kindOf(c.code)
		require.Equal(t, c.want, kind, "code %d", c.code)
		if kind != nil {
			wrapped := fmt.Errorf("%w: read x: %w", kind, errors.New("from the client"))
			require.Equal(t, kind == ErrUnavailable, retryable(wrapped), "retry after %v", wrapped)
		}
	}
}

func TestTranslateErrors(t *testing.T) {
	ctx := t.Context()
	unknown, _ := esdb.FromError(errors.New("boom")) // the client's wrapper for what it cannot classify
	err := translate(ctx, "read x", unknown)
	require.ErrorContains(t, err, "esdb: read x: ")
	require.ErrorIs(t, err, unknown.Err(), "the client's error stays in the chain")
	require.True(t, retryable(err), "an unknown failure is worth another subscription")

	require.EqualError(t, translate(ctx, "read x", errors.New("boom")), "esdb: read x: boom")
	require.False(t, retryable(fmt.Errorf("wrapped: %w", &MetadataError{Field: "hash"})), "a record that is not ours stays so")
	require.NoError(t, translate(ctx, "read x", nil))

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.Equal(t, context.Canceled, translate(cancelled, "read x", unknown), "a cancelled call reports the cancellation")
}

func TestBackoffGrowsToItsCap(t *testing.T) {
	require.Equal(t, 100*time.Millisecond, defaultBackoff(1))
	require.Equal(t, 200*time.Millisecond, defaultBackoff(2))
	require.Equal(t, 3200*time.Millisecond, defaultBackoff(6))
	require.Equal(t, 5*time.Second, defaultBackoff(7))
	require.Equal(t, 5*time.Second, defaultBackoff(1000))
}
