package events_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
)

// Positions in standardLog.
const (
	posA2    = 3
	posV1    = 4
	posB2    = 5
	posA3    = 6
	posSeal1 = 7
	posB3    = 8
	posV2    = 10
	posSeal2 = 11
)

func TestStandardLogShape(t *testing.T) {
	t.Parallel()
	_, priv := testKey(1)
	log := standardLog(t, priv, 1)
	var shape []string
	for i, ev := range log {
		require.Equal(t, uint64(i+1), ev.Position)
		shape = append(shape, fmt.Sprintf("%s@%d", ev.Stream, ev.Version))
	}
	require.Equal(t, []string{
		"project-a@1", "project-b@1", "project-a@2", "vendors@1", "project-b@2", "project-a@3",
		"ledger-seals@1", "project-b@3", "project-a@4", "vendors@2", "ledger-seals@2", "project-a@5", "project-b@4",
	}, shape)

	var s1, s2 events.Sealed
	require.NoError(t, json.Unmarshal(log[posSeal1-1].Data, &s1))
	require.NoError(t, json.Unmarshal(log[posSeal2-1].Data, &s2))
	require.Equal(t, uint64(6), s1.Position)
	require.Equal(t, 3, s1.Streams)
	require.Equal(t, events.MerkleRoot(headsAt(log, 6)), s1.Root)
	require.Equal(t, uint64(10), s2.Position)
	require.Equal(t, 4, s2.Streams)
	require.Equal(t, events.MerkleRoot(headsAt(log, 10)), s2.Root)
}

func TestVerifierPassesAValidLog(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(1)
	otherPub, otherPriv := testKey(2)

	cases := []struct {
		name string
		log  []events.Event
		opts events.VerifyOptions
		want events.Summary
	}{
		{
			"dense positions with key",
			standardLog(t, priv, 1),
			events.VerifyOptions{Key: pub},
			events.Summary{Events: 13, Streams: 4, Seals: 2, LastPosition: 13, SignaturesChecked: true},
		},
		{
			"dense positions, gaps allowed",
			standardLog(t, priv, 1),
			events.VerifyOptions{Key: pub, LogShape: events.LogShape{PositionGaps: true}},
			events.Summary{Events: 13, Streams: 4, Seals: 2, LastPosition: 13, SignaturesChecked: true},
		},
		{
			"sparse positions, gaps allowed",
			standardLog(t, priv, 10),
			events.VerifyOptions{Key: pub, LogShape: events.LogShape{PositionGaps: true}},
			events.Summary{Events: 13, Streams: 4, Seals: 2, LastPosition: 130, SignaturesChecked: true},
		},
		{
			"without a key signatures are not checked",
			standardLog(t, priv, 1),
			events.VerifyOptions{},
			events.Summary{Events: 13, Streams: 4, Seals: 2, LastPosition: 13, SignaturesChecked: false},
		},
		{
			"without a key any signer passes",
			standardLog(t, otherPriv, 1),
			events.VerifyOptions{},
			events.Summary{Events: 13, Streams: 4, Seals: 2, LastPosition: 13, SignaturesChecked: false},
		},
		{
			"another signer with its own key",
			standardLog(t, otherPriv, 1),
			events.VerifyOptions{Key: otherPub},
			events.Summary{Events: 13, Streams: 4, Seals: 2, LastPosition: 13, SignaturesChecked: true},
		},
		{
			"log without the seals events after the last seal",
			standardLog(t, priv, 1)[:posSeal2],
			events.VerifyOptions{Key: pub},
			events.Summary{Events: 11, Streams: 4, Seals: 2, LastPosition: 11, SignaturesChecked: true},
		},
		{
			"empty log",
			nil,
			events.VerifyOptions{Key: pub},
			events.Summary{SignaturesChecked: true},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			opts := c.opts
			opts.Seals = sealsOf(c.log)
			sum, _, err := verifyLog(opts, c.log)
			require.NoError(t, err)
			if seals := sealsOf(c.log); len(seals) > 0 {
				var last events.Sealed
				require.NoError(t, json.Unmarshal(seals[len(seals)-1].Data, &last))
				require.Equal(t, &events.Anchor{Position: last.Position, Root: last.Root}, sum.LastSeal, "the summary names the newest seal")
			}
			sum.LastSeal = nil
			require.Equal(t, c.want, sum)
		})
	}
}

// TestAnchors: a seal recorded outside the ledger must still be in it.
func TestAnchors(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(1)
	log := standardLog(t, priv, 1)
	seals := sealsOf(log)
	var first events.Sealed
	require.NoError(t, json.Unmarshal(seals[0].Data, &first))
	anchor := events.Anchor{Position: first.Position, Root: first.Root}
	parsed, err := events.ParseAnchor(anchor.String())
	require.NoError(t, err)
	require.Equal(t, anchor, parsed)

	sum, _, err := verifyLog(events.VerifyOptions{Key: pub, Seals: seals, Anchors: []events.Anchor{anchor}}, log)
	require.NoError(t, err)
	require.Equal(t, 1, sum.Anchors)

	// Someone cuts both seals and everything after the first: per-stream
	// chains and dense positions still hold, but the anchor is gone.
	cut := log[:posSeal1-1]
	_, _, err = verifyLog(events.VerifyOptions{Key: pub, Anchors: []events.Anchor{anchor}}, cut)
	var problem *events.Problem
	require.ErrorAs(t, err, &problem)
	require.Contains(t, problem.What, "no seal covers position 6 with the anchored root")

	wrong := anchor
	wrong.Root[0] ^= 1
	_, _, err = verifyLog(events.VerifyOptions{Key: pub, Seals: seals, Anchors: []events.Anchor{wrong}}, log)
	require.ErrorAs(t, err, &problem)

	for _, bad := range []string{"", "12", "x:00", "0:" + anchor.Root.String(), "6:abc"} {
		_, err := events.ParseAnchor(bad)
		require.Error(t, err, bad)
	}
}

func TestVerifierPassesASealOfAnEmptyLedger(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(1)
	b := newLogBuilder(t, priv, 1)
	b.seal()
	b.event("project-a", time.Second)
	b.seal()
	sum, _, err := verifyLog(events.VerifyOptions{Key: pub, Seals: sealsOf(b.log)}, b.log)
	require.NoError(t, err)
	require.NotNil(t, sum.LastSeal)
	sum.LastSeal = nil
	require.Equal(t, events.Summary{Events: 3, Streams: 2, Seals: 2, LastPosition: 3, SignaturesChecked: true}, sum)
}

// reseal replaces the seal at position pos by one over the heads the forger
// wants, keeping its id, then rechains the log.
func reseal(log []events.Event, pos int, change func(*events.Sealed)) []events.Event {
	var s events.Sealed
	if err := json.Unmarshal(log[pos-1].Data, &s); err != nil {
		panic(err)
	}
	change(&s)
	data, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	log[pos-1].Data = data
	return rechain(log)
}

func TestVerifierFindsTampering(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(1)
	otherPub, otherPriv := testKey(2)

	type want struct {
		stream   string
		version  uint64
		position uint64
		what     string // a phrase the Problem's What contains
		atFinish bool
	}
	cases := []struct {
		name   string
		signer func() []events.Event // the log before tampering; standardLog signed by priv if nil
		tamper func(log []events.Event) []events.Event
		seals  func(tampered []events.Event) []events.Event // the Seals option; sealsOf(tampered) if nil
		gaps   bool
		clocks bool // ClockPerStream
		want   want
	}{
		{
			name: "data byte changed",
			tamper: func(log []events.Event) []events.Event {
				log[posB2-1].Data = []byte(strings.Replace(string(log[posB2-1].Data), `"n":5`, `"n":6`, 1))
				return log
			},
			want: want{"project-b", 2, posB2, "hash does not match the event's contents: its data or metadata was changed", false},
		},
		{
			name:   "actor changed",
			tamper: func(log []events.Event) []events.Event { log[posB3-1].Actor = "mallory"; return log },
			want:   want{"project-b", 3, posB3, "hash does not match the event's contents", false},
		},
		{
			name: "effective time changed",
			tamper: func(log []events.Event) []events.Event {
				log[posV1-1].EffectiveAt = log[posV1-1].EffectiveAt.Add(-24 * time.Hour)
				return log
			},
			want: want{"vendors", 1, posV1, "hash does not match the event's contents", false},
		},
		{
			name:   "hash replaced",
			tamper: func(log []events.Event) []events.Event { log[posA2-1].Hash[0] ^= 1; return log },
			want:   want{"project-a", 2, posA2, "hash does not match the event's contents", false},
		},
		{
			name: "chain broken by a rehashed event",
			tamper: func(log []events.Event) []events.Event {
				log[posB2-1].PrevHash = events.Hash{}
				log[posB2-1].Hash = events.ComputeHash(&log[posB2-1])
				return log
			},
			want: want{"project-b", 2, posB2, "prev_hash does not match the hash of version 1: the chain is broken", false},
		},
		{
			name:   "event deleted from the middle",
			tamper: func(log []events.Event) []events.Event { return withoutPositions(log, posA2) },
			want:   want{"vendors", 1, posV1, "positions 3 to 3 are missing: events deleted", false},
		},
		{
			name:   "event deleted from the middle with position gaps allowed",
			tamper: func(log []events.Event) []events.Event { return withoutPositions(log, posA2) },
			gaps:   true,
			want:   want{"project-a", 3, posA3, "version 3 follows version 1 in its stream: events deleted or reordered", false},
		},
		{
			name:   "event deleted and positions renumbered",
			tamper: func(log []events.Event) []events.Event { return renumber(withoutPositions(log, posA2)) },
			want:   want{"project-a", 3, posA3 - 1, "version 3 follows version 1 in its stream", false},
		},
		{
			name: "event duplicated",
			tamper: func(log []events.Event) []events.Event {
				return append(log[:posB2:posB2], append([]events.Event{log[posB2-1]}, log[posB2:]...)...)
			},
			want: want{"project-b", 2, posB2, "position 5 does not follow position 5: events reordered or duplicated", false},
		},
		{
			name: "two events of one stream swapped",
			tamper: func(log []events.Event) []events.Event {
				log[posA2-1], log[posA3-1] = log[posA3-1], log[posA2-1]
				return renumber(log)
			},
			want: want{"project-a", 3, posA2, "version 3 follows version 1 in its stream", false},
		},
		{
			name: "two events of one stream swapped with their positions",
			tamper: func(log []events.Event) []events.Event {
				log[posA2-1], log[posA3-1] = log[posA3-1], log[posA2-1]
				return log
			},
			want: want{"project-a", 3, posA3, "positions 3 to 5 are missing", false},
		},
		{
			name:   "tail of a stream truncated before a seal",
			tamper: func(log []events.Event) []events.Event { return withoutPositions(log, posA3) },
			gaps:   true,
			want:   want{events.SealsStream, 1, posSeal1, "seal's Merkle root does not match the 3 stream heads at position 6", false},
		},
		{
			name:   "tail of a stream truncated before a seal, dense positions",
			tamper: func(log []events.Event) []events.Event { return withoutPositions(log, posA3) },
			want:   want{events.SealsStream, 1, posSeal1, "positions 6 to 6 are missing", false},
		},
		{
			name:   "whole stream deleted",
			tamper: func(log []events.Event) []events.Event { return withoutPositions(log, posV1, posV2) },
			gaps:   true,
			want:   want{events.SealsStream, 1, posSeal1, "seal's Merkle root does not match the 2 stream heads at position 6", false},
		},
		{
			name: "event changed and its stream rechained",
			tamper: func(log []events.Event) []events.Event {
				log[posA2-1].Data = []byte(`{"stream":"project-a","n":1000}`)
				return rechain(log)
			},
			want: want{events.SealsStream, 1, posSeal1, "seal's Merkle root does not match", false},
		},
		{
			name: "forged seal over a rechained log",
			tamper: func(log []events.Event) []events.Event {
				log[posA3-1].Data = []byte(`{"stream":"project-a","n":1000}`)
				log = rechain(log)
				return reseal(log, posSeal1, func(s *events.Sealed) { s.Root = events.MerkleRoot(headsAt(log, posSeal1-1)) })
			},
			want: want{events.SealsStream, 1, posSeal1, "seal's signature is not valid: the seal was forged", false},
		},
		{
			name: "seal re-signed to claim its own position",
			tamper: func(log []events.Event) []events.Event {
				return reseal(log, posSeal1, func(s *events.Sealed) {
					*s = events.NewSeal(priv, posSeal1, headsAt(log, posSeal1-1))
				})
			},
			want: want{events.SealsStream, 1, posSeal1, "seal at position 7 claims to cover position 7", false},
		},
		{
			name: "seal signed by a different key",
			signer: func() []events.Event {
				return standardLog(t, otherPriv, 1)
			},
			want: want{events.SealsStream, 1, posSeal1,
				fmt.Sprintf("seal was signed by key %s, not by the given key %s", events.KeyID(otherPub), events.KeyID(pub)), false},
		},
		{
			name:   "log truncated before a seal's position",
			tamper: func(log []events.Event) []events.Event { return log[:posV2-1] },
			seals:  func([]events.Event) []events.Event { return sealsOf(standardLog(t, priv, 1)) },
			want:   want{events.SealsStream, 2, posSeal2, "seal covers position 10 but the log ends at 9: the log was truncated", true},
		},
		{
			name:   "log truncated between a seal's position and the seal",
			tamper: func(log []events.Event) []events.Event { return log[:posV2] },
			seals:  func([]events.Event) []events.Event { return sealsOf(standardLog(t, priv, 1)) },
			want:   want{events.SealsStream, 2, posSeal2, "seal is missing from the log", true},
		},
		{
			name:   "seal missing from the log but read from the seals stream",
			tamper: func(log []events.Event) []events.Event { return withoutPositions(log, posSeal2) },
			seals:  func([]events.Event) []events.Event { return sealsOf(standardLog(t, priv, 1)) },
			gaps:   true,
			want:   want{events.SealsStream, 2, posSeal2, "seal is missing from the log", true},
		},
		{
			name:  "seal in the log not read from the seals stream",
			seals: func([]events.Event) []events.Event { return nil },
			want:  want{events.SealsStream, 1, posSeal1, "seal in the log is not among the seals read from the seals stream", false},
		},
		{
			// A reader of the seals stream that returns another seal's
			// (validly signed) data under seal 2's id and hash must not
			// hide the deletion of vendors@2, which only seal 2 covers.
			name:   "seal read from the seals stream differs from the seal in the log",
			tamper: func(log []events.Event) []events.Event { return withoutPositions(log, posV2) },
			seals: func(tampered []events.Event) []events.Event {
				seals := sealsOf(tampered)
				seals[1].Data = seals[0].Data
				return seals
			},
			gaps: true,
			want: want{events.SealsStream, 2, posSeal2, "seal in the log is not among the seals read from the seals stream", false},
		},
		{
			name: "recorded_at going backwards across streams",
			tamper: func(log []events.Event) []events.Event {
				log[posB3-1].RecordedAt = log[posSeal1-1].RecordedAt.Add(-time.Nanosecond)
				return rechain(log)
			},
			want: want{"project-b", 3, posB3, "recorded_at does not increase along the log: events reordered", false},
		},
		{
			name: "recorded_at going backwards in its stream, with per-stream clocks",
			tamper: func(log []events.Event) []events.Event {
				log[posB3-1].RecordedAt = log[posB2-1].RecordedAt
				return rechain(log)
			},
			clocks: true,
			want:   want{"project-b", 3, posB3, "recorded_at does not increase along its stream: events reordered", false},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			original := standardLog(t, priv, 1)
			if c.signer != nil {
				original = c.signer()
			}
			log := cloneLog(original)
			if c.tamper != nil {
				log = c.tamper(log)
			}
			opts := events.VerifyOptions{Key: pub, LogShape: events.LogShape{PositionGaps: c.gaps, ClockPerStream: c.clocks}, Seals: sealsOf(log)}
			if c.seals != nil {
				opts.Seals = c.seals(log)
			}

			_, atFinish, err := verifyLog(opts, log)
			require.Error(t, err)
			var p *events.Problem
			require.True(t, errors.As(err, &p), "error %v is not a *Problem", err)

			var wantID = p.EventID
			for _, ev := range original {
				if ev.Stream == c.want.stream && ev.Version == c.want.version {
					wantID = ev.ID
				}
			}
			require.Equal(t, c.want.stream, p.Stream, p.Error())
			require.Equal(t, c.want.version, p.Version, p.Error())
			require.Equal(t, c.want.position, p.Position, p.Error())
			require.Equal(t, wantID, p.EventID, p.Error())
			require.Contains(t, p.What, c.want.what)
			require.Equal(t, c.want.atFinish, atFinish, "reported by Finish")
			require.Equal(t, fmt.Sprintf("stream %q version %d (position %d, event %s): %s",
				p.Stream, p.Version, p.Position, p.EventID, p.What), err.Error())
		})
	}
}

func TestVerifierWithPerStreamClocksAllowsAStepBackAcrossStreams(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(1)
	log := standardLog(t, priv, 1)
	// Another node's clock is behind: B4, the last event, is stamped before
	// A5, which precedes it in the log, but still after B3.
	last := len(log) - 1
	log[last].RecordedAt = log[last-1].RecordedAt.Add(-time.Nanosecond)
	log = rechain(log)
	opts := events.VerifyOptions{Key: pub, LogShape: events.LogShape{ClockPerStream: true}, Seals: sealsOf(log)}
	_, _, err := verifyLog(opts, log)
	require.NoError(t, err)
	opts.ClockPerStream = false
	_, _, err = verifyLog(opts, log)
	require.ErrorContains(t, err, "recorded_at does not increase along the log")
}

func TestVerifierWithoutKeyCannotTellAForgedSeal(t *testing.T) {
	t.Parallel()
	// Without a key a forged seal over a rechained log passes: only the
	// signature ties a seal to its signer. This pins that contract.
	pub, priv := testKey(1)
	log := cloneLog(standardLog(t, priv, 1))
	log[posA3-1].Data = []byte(`{"stream":"project-a","n":1000}`)
	log = rechain(log)
	log = reseal(log, posSeal1, func(s *events.Sealed) { s.Root = events.MerkleRoot(headsAt(log, posSeal1-1)) })
	log = reseal(log, posSeal2, func(s *events.Sealed) { s.Root = events.MerkleRoot(headsAt(log, posSeal2-1)) })

	sum, _, err := verifyLog(events.VerifyOptions{Seals: sealsOf(log)}, log)
	require.NoError(t, err)
	require.False(t, sum.SignaturesChecked)

	_, _, err = verifyLog(events.VerifyOptions{Key: pub, Seals: sealsOf(log)}, log)
	var p *events.Problem
	require.ErrorAs(t, err, &p)
	require.Equal(t, uint64(posSeal1), p.Position)
	require.Equal(t, "seal's signature is not valid: the seal was forged", p.What)
}

func TestNewVerifierRejectsSealsThatAreNotSeals(t *testing.T) {
	t.Parallel()
	_, priv := testKey(1)
	log := standardLog(t, priv, 1)
	seals := cloneLog(sealsOf(log))
	seals[1].Data = []byte(`{"position":"ten"}`)

	v, err := events.NewVerifier(events.VerifyOptions{Seals: seals})
	require.Nil(t, v)
	var p *events.Problem
	require.ErrorAs(t, err, &p)
	require.Equal(t, events.SealsStream, p.Stream)
	require.Equal(t, uint64(2), p.Version)
	require.Equal(t, uint64(posSeal2), p.Position)
	require.Equal(t, log[posSeal2-1].ID, p.EventID)
	require.True(t, strings.HasPrefix(p.What, "seal data is not a seal: "), p.What)
}

func TestVerifierStopsAtTheFirstProblem(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(1)
	log := cloneLog(standardLog(t, priv, 1))
	log[posA2-1].Actor = "mallory"
	log[posB3-1].Actor = "mallory"

	v, err := events.NewVerifier(events.VerifyOptions{Key: pub, Seals: sealsOf(log)})
	require.NoError(t, err)
	for _, ev := range log[:posA2-1] {
		require.NoError(t, v.Check(ev))
	}
	var p *events.Problem
	require.ErrorAs(t, v.Check(log[posA2-1]), &p)
	require.Equal(t, uint64(posA2), p.Position)
}

func TestProblemJSON(t *testing.T) {
	t.Parallel()
	p := events.Problem{Stream: "s", Version: 2, Position: 3, EventID: testID(1), What: "broken"}
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.Equal(t, fmt.Sprintf(`{"stream":"s","version":2,"position":3,"event_id":"%s","what":"broken"}`, testID(1)), string(b))

	s := events.Summary{Events: 1, Streams: 2, Seals: 3, LastPosition: 4, SignaturesChecked: true}
	b, err = json.Marshal(s)
	require.NoError(t, err)
	require.Equal(t, `{"events":1,"streams":2,"seals":3,"last_position":4,"signatures_checked":true,"anchors_checked":0}`, string(b))
}
