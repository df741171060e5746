package esdb

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/pledger/pledger/events"
)

// Every translation between pledger's envelope and KurrentDB's records is in
// this file, as pure functions, so each can be tested without a server.

// ledgerName is what a ledger may be called: it becomes the prefix of every
// stream, so it must not contain the separator or start like a system stream.
var ledgerName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// streamSeparator ends the ledger prefix of a stream name. KurrentDB's
// category projection splits at the first '-', so the ledger and our stream
// kind stay together: "pledger:project-<uuid>" is in category "pledger:project".
const streamSeparator = ":"

// naming maps pledger stream names to KurrentDB stream names and back.
type naming struct{ prefix string }

func newNaming(ledger string) (naming, error) {
	if !ledgerName.MatchString(ledger) {
		return naming{}, fmt.Errorf("esdb: ledger %q: must be 1 to 40 of a-z, 0-9, '-' and '_', starting with a letter or digit", ledger)
	}
	return naming{prefix: ledger + streamSeparator}, nil
}

func (n naming) remote(stream string) string { return n.prefix + stream }

// local returns the pledger stream of a KurrentDB stream, or false for a
// stream of another ledger or of the server itself.
func (n naming) local(remote string) (string, bool) {
	return strings.CutPrefix(remote, n.prefix)
}

// Versions: ours count from 1 (the first event of a stream is version 1);
// KurrentDB's revisions count from 0. These two functions are the only place
// the numbering changes.

// revisionOf returns the KurrentDB revision of our version v (v >= 1).
func revisionOf(v uint64) uint64 { return v - 1 }

// versionOf returns our version of KurrentDB revision r.
func versionOf(r uint64) uint64 { return r + 1 }

// expectedRevision is the revision an append sends for a stream whose last
// event is version current. It is always a precise check: the client's
// default (Any) would let two writers both extend the hash chain from the
// same head.
func expectedRevision(current uint64) esdb.ExpectedRevision {
	if current == 0 {
		return esdb.NoStream{}
	}
	return esdb.Revision(revisionOf(current))
}

// metadata is the JSON KurrentDB stores beside each event's data. The $
// names are KurrentDB's own, so its projections ($by_correlation_id)
// understand them; the rest is the audit envelope, hashed with the data.
type metadata struct {
	CorrelationID string    `json:"$correlationId,omitempty"`
	CausationID   string    `json:"$causationId,omitempty"`
	SchemaVersion int       `json:"schema_version"`
	RecordedAt    time.Time `json:"recorded_at"`
	EffectiveAt   time.Time `json:"effective_at"`
	Actor         string    `json:"actor"`
	Reason        string    `json:"reason,omitempty"`
	PrevHash      string    `json:"prev_hash"`
	Hash          string    `json:"hash"`
}

// eventData turns a stamped event into what KurrentDB appends. The event id
// is ours, so a retried append is recognised by the server too.
func eventData(ev events.Event) (esdb.EventData, error) {
	md := metadata{
		SchemaVersion: ev.SchemaVersion,
		RecordedAt:    ev.RecordedAt,
		EffectiveAt:   ev.EffectiveAt,
		Actor:         ev.Actor,
		Reason:        ev.Reason,
		PrevHash:      ev.PrevHash.String(),
		Hash:          ev.Hash.String(),
	}
	if ev.CorrelationID != uuid.Nil {
		md.CorrelationID = ev.CorrelationID.String()
	}
	if ev.CausationID != uuid.Nil {
		md.CausationID = ev.CausationID.String()
	}
	raw, err := json.Marshal(md)
	if err != nil {
		return esdb.EventData{}, err
	}
	return esdb.EventData{
		EventID:     ev.ID,
		EventType:   ev.Type,
		ContentType: esdb.ContentTypeJson,
		Data:        ev.Data,
		Metadata:    raw,
	}, nil
}

// MetadataError says which part of a stored record is not a pledger event:
// a record written by something else into a ledger's streams, or damaged.
type MetadataError struct {
	Stream   string
	Revision uint64
	Field    string
	Rule     string
}

func (e *MetadataError) Error() string {
	return fmt.Sprintf("esdb: %s@%d: %s: %s", e.Stream, e.Revision, e.Field, e.Rule)
}

// recordedEvent turns a KurrentDB record of this ledger back into our event.
// It does not check the hash: that is the verifier's job, and a reader must
// be able to show a tampered event to say what is wrong with it.
func (n naming) recordedEvent(r *esdb.RecordedEvent) (events.Event, error) {
	fail := func(field, rule string) error {
		return &MetadataError{Stream: r.StreamID, Revision: r.EventNumber, Field: field, Rule: rule}
	}
	stream, ok := n.local(r.StreamID)
	if !ok {
		return events.Event{}, fail("stream", "not a stream of this ledger")
	}
	position, err := positionOf(r.Position)
	if err != nil {
		return events.Event{}, fail("position", err.Error())
	}
	var md metadata
	if err := json.Unmarshal(r.UserMetadata, &md); err != nil {
		return events.Event{}, fail("metadata", "must be pledger's JSON envelope: "+err.Error())
	}
	if md.SchemaVersion < 1 {
		return events.Event{}, fail("schema_version", "must be 1 or more")
	}
	if md.RecordedAt.IsZero() || md.Actor == "" {
		return events.Event{}, fail("metadata", "recorded_at and actor are required")
	}
	ev := events.Event{
		ID:            r.EventID,
		Stream:        stream,
		Version:       versionOf(r.EventNumber),
		Position:      position,
		Type:          r.EventType,
		SchemaVersion: md.SchemaVersion,
		Data:          json.RawMessage(r.Data),
		RecordedAt:    md.RecordedAt.UTC(),
		EffectiveAt:   md.EffectiveAt.UTC(),
		Actor:         md.Actor,
		Reason:        md.Reason,
	}
	for _, id := range []struct {
		field, text string
		into        *uuid.UUID
	}{{"$correlationId", md.CorrelationID, &ev.CorrelationID}, {"$causationId", md.CausationID, &ev.CausationID}} {
		if id.text == "" {
			continue
		}
		if *id.into, err = uuid.Parse(id.text); err != nil {
			return events.Event{}, fail(id.field, "must be a UUID")
		}
	}
	if ev.PrevHash, err = events.ParseHash(md.PrevHash); err != nil {
		return events.Event{}, fail("prev_hash", err.Error())
	}
	if ev.Hash, err = events.ParseHash(md.Hash); err != nil {
		return events.Event{}, fail("hash", err.Error())
	}
	return ev, nil
}

// Positions. KurrentDB orders $all by (commit, prepare), log offsets. Since
// 20.6 every event is committed by itself, commit = prepare; before, the
// events of one append shared the commit position of the first. Our position
// is the prepare position: unique and increasing along $all either way, and
// the one every read path carries. Only resuming needs the commit position
// back; see resumeAfter.

// noPosition is what the server sends when it has no position to give.
const noPosition = math.MaxUint64

// positionOf returns our position of a KurrentDB position.
func positionOf(p esdb.Position) (uint64, error) {
	if p.Prepare == noPosition || p.Prepare >= math.MaxInt64 {
		return 0, fmt.Errorf("the server sent no position for the record (%d): pledger needs EventStoreDB 22.6 or later, or KurrentDB", p.Prepare)
	}
	// Our position 0 means "before the first event"; the very first record of
	// a KurrentDB log is the server's own epoch record, never ours.
	if p.Prepare == 0 {
		return 0, fmt.Errorf("prepare position 0 is not an event of a ledger")
	}
	return p.Prepare, nil
}

// resumeAfter returns the $all position to read or subscribe after so that
// the next event is the first one after our position `after`. last is the
// first event found reading $all backwards from (after, after), if any.
//
// On current servers, and for an event that began its append on older ones,
// (after, after) is the event's exact position. On servers before 20.6 a
// later event of a multi-event append had the smaller commit position of
// the append's first: every event of that append sorts before (after,
// after), and reading backwards from there finds the append's last event,
// whose prepare is at least after and whose commit is the one we need.
func resumeAfter(after uint64, last *esdb.Position) esdb.Position {
	if last != nil && last.Commit < after && last.Prepare >= after {
		return esdb.Position{Commit: last.Commit, Prepare: after}
	}
	return esdb.Position{Commit: after, Prepare: after}
}

// isSystem reports a KurrentDB system record: its type or stream starts with
// '$' (stream metadata, link events, statistics, scavenge points).
func isSystem(r *esdb.RecordedEvent) bool {
	return strings.HasPrefix(r.EventType, "$") || strings.HasPrefix(r.StreamID, "$")
}
