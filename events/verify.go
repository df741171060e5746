package events

import (
	"cmp"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Problem is the first thing wrong that a Verifier found, located by the
// event where it shows.
type Problem struct {
	Stream   string    `json:"stream"`
	Version  uint64    `json:"version"`
	Position uint64    `json:"position"`
	EventID  uuid.UUID `json:"event_id"`
	What     string    `json:"what"`
}

func (p *Problem) Error() string {
	return fmt.Sprintf("stream %q version %d (position %d, event %s): %s", p.Stream, p.Version, p.Position, p.EventID, p.What)
}

// Summary describes a ledger that verified.
type Summary struct {
	Events            uint64  `json:"events"`
	Streams           int     `json:"streams"`
	Seals             int     `json:"seals"`
	LastPosition      uint64  `json:"last_position"`
	SignaturesChecked bool    `json:"signatures_checked"`
	LastSeal          *Anchor `json:"last_seal,omitempty"`
	Anchors           int     `json:"anchors_checked"`
}

// Anchor is a seal recorded outside the ledger: the position it covers and
// its Merkle root. A ledger verified against anchors must still contain a
// valid seal with exactly that position and root, so removing seals (or
// rewriting the log and re-sealing it) is caught even though the seals
// stream itself could be cut.
type Anchor struct {
	Position uint64 `json:"position"`
	Root     Hash   `json:"root"`
}

// String formats the anchor as POSITION:ROOT, the form ParseAnchor reads.
func (a Anchor) String() string { return fmt.Sprintf("%d:%s", a.Position, a.Root) }

// ParseAnchor reads POSITION:ROOT, as pledger seal prints it.
func ParseAnchor(s string) (Anchor, error) {
	pos, root, ok := strings.Cut(s, ":")
	var a Anchor
	n, err := strconv.ParseUint(pos, 10, 64)
	if !ok || err != nil || n == 0 {
		return a, fmt.Errorf("anchor %q must be POSITION:ROOT, e.g. 1200:3f9a…", s)
	}
	if a.Root, err = ParseHash(root); err != nil {
		return a, fmt.Errorf("anchor %q: root: %w", s, err)
	}
	a.Position = n
	return a, nil
}

// VerifyOptions configure a Verifier.
type VerifyOptions struct {
	// Key checks every seal's signature; without it seals' roots are still
	// checked but anyone could have signed them.
	Key ed25519.PublicKey
	// Seals are the events of SealsStream, read before the pass. Each must
	// also appear in the log, where its position is checked.
	Seals []Event
	// Anchors are seals recorded outside the ledger; each must be present.
	Anchors []Anchor
	// LogShape allows for an engine whose log is not dense or not stamped by
	// one clock.
	LogShape
}

// LogShape says how a store's log differs from the embedded store's: dense
// positions, and recorded-at stamped by one clock along the whole log.
type LogShape struct {
	// PositionGaps allows gaps between global positions, for engines whose
	// positions are not dense (KurrentDB). With dense positions a gap is a
	// deleted event.
	PositionGaps bool
	// ClockPerStream checks that recorded-at increases within each stream
	// rather than along the whole log, for engines where several nodes stamp
	// events with their own clocks (KurrentDB).
	ClockPerStream bool
}

// ShapeOf returns the shape of a store's log: the zero LogShape unless the
// store has a LogShape method saying otherwise.
func ShapeOf(s Store) LogShape {
	if shaped, ok := s.(interface{ LogShape() LogShape }); ok {
		return shaped.LogShape()
	}
	return LogShape{}
}

type pendingSeal struct {
	event Event
	seal  Sealed
	found bool
}

// verifiedHead is a stream's last checked event.
type verifiedHead struct {
	StreamHead
	Recorded time.Time
}

// Verifier checks a whole log fed to it in position order: each stream's
// version continuity and hash chain, every event's hash, positions and
// recorded times that only go forward, and every seal's signature and Merkle
// root over the stream heads at its position. It stops at the first problem.
// A Verifier is not safe for concurrent use.
type Verifier struct {
	opts         VerifyOptions
	seals        []*pendingSeal // by sealed position
	byID         map[uuid.UUID]*pendingSeal
	next         int // first seal whose root is not yet checked
	heads        map[string]verifiedHead
	lastPosition uint64
	lastRecorded time.Time
	events       uint64
}

// NewVerifier returns a Verifier for a log with the given seals.
func NewVerifier(opts VerifyOptions) (*Verifier, error) {
	v := &Verifier{opts: opts, heads: map[string]verifiedHead{}, byID: map[uuid.UUID]*pendingSeal{}}
	for _, ev := range opts.Seals {
		if ev.Type != (Sealed{}).EventType() {
			return nil, problemAt(ev, fmt.Sprintf("the seals stream holds a %s event: only seals belong there", ev.Type))
		}
		var s Sealed
		if err := json.Unmarshal(ev.Data, &s); err != nil {
			return nil, problemAt(ev, "seal data is not a seal: "+err.Error())
		}
		p := &pendingSeal{event: ev, seal: s}
		v.seals = append(v.seals, p)
		v.byID[ev.ID] = p
	}
	slices.SortStableFunc(v.seals, func(a, b *pendingSeal) int {
		return cmp.Compare(a.seal.Position, b.seal.Position)
	})
	return v, nil
}

// Check verifies the next event of the log. It returns a *Problem.
func (v *Verifier) Check(ev Event) error {
	if ev.Position <= v.lastPosition {
		return problemAt(ev, fmt.Sprintf("position %d does not follow position %d: events reordered or duplicated", ev.Position, v.lastPosition))
	}
	if !v.opts.PositionGaps && ev.Position != v.lastPosition+1 {
		return problemAt(ev, fmt.Sprintf("positions %d to %d are missing: events deleted", v.lastPosition+1, ev.Position-1))
	}
	if err := v.checkSealsBefore(ev.Position); err != nil {
		return err
	}
	head := v.heads[ev.Stream]
	if ev.Version != head.Version+1 {
		return problemAt(ev, fmt.Sprintf("version %d follows version %d in its stream: events deleted or reordered", ev.Version, head.Version))
	}
	if ComputeHash(&ev) != ev.Hash {
		return problemAt(ev, "hash does not match the event's contents: its data or metadata was changed")
	}
	if ev.PrevHash != head.Hash {
		return problemAt(ev, fmt.Sprintf("prev_hash does not match the hash of version %d: the chain is broken", head.Version))
	}
	if !v.opts.ClockPerStream && !ev.RecordedAt.After(v.lastRecorded) {
		return problemAt(ev, "recorded_at does not increase along the log: events reordered")
	}
	if !ev.RecordedAt.After(head.Recorded) {
		return problemAt(ev, "recorded_at does not increase along its stream: events reordered")
	}
	if ev.Stream == SealsStream {
		if ev.Type != (Sealed{}).EventType() {
			return problemAt(ev, fmt.Sprintf("the seals stream holds a %s event: only seals belong there", ev.Type))
		}
		if err := v.checkSealEvent(ev); err != nil {
			return err
		}
	}
	v.heads[ev.Stream] = verifiedHead{StreamHead{Stream: ev.Stream, Version: ev.Version, Hash: ev.Hash}, ev.RecordedAt}
	v.lastPosition, v.lastRecorded = ev.Position, ev.RecordedAt
	v.events++
	return nil
}

// Finish checks the seals that cover the end of the log and returns a summary.
func (v *Verifier) Finish() (Summary, error) {
	if err := v.checkSealsBefore(v.lastPosition + 1); err != nil {
		return Summary{}, err
	}
	var last *Anchor
	for _, p := range v.seals {
		last = &Anchor{Position: p.seal.Position, Root: p.seal.Root}
		if p.seal.Position > v.lastPosition {
			return Summary{}, problemAt(p.event, fmt.Sprintf("seal covers position %d but the log ends at %d: the log was truncated", p.seal.Position, v.lastPosition))
		}
		if !p.found {
			return Summary{}, problemAt(p.event, "seal is missing from the log")
		}
	}
	for _, a := range v.opts.Anchors {
		if !slices.ContainsFunc(v.seals, func(p *pendingSeal) bool { return p.seal.Position == a.Position && p.seal.Root == a.Root }) {
			return Summary{}, &Problem{Stream: SealsStream, Position: a.Position,
				What: fmt.Sprintf("no seal covers position %d with the anchored root %s: seals were removed or the log was rewritten and re-sealed", a.Position, a.Root)}
		}
	}
	return Summary{
		LastSeal:          last,
		Anchors:           len(v.opts.Anchors),
		Events:            v.events,
		Streams:           len(v.heads),
		Seals:             len(v.seals),
		LastPosition:      v.lastPosition,
		SignaturesChecked: v.opts.Key != nil,
	}, nil
}

// checkSealsBefore checks the roots of seals over positions before position,
// while the heads still describe the log up to there.
func (v *Verifier) checkSealsBefore(position uint64) error {
	for ; v.next < len(v.seals) && v.seals[v.next].seal.Position < position; v.next++ {
		p := v.seals[v.next]
		if err := v.checkSignature(p); err != nil {
			return err
		}
		heads := make([]StreamHead, 0, len(v.heads))
		for _, h := range v.heads {
			heads = append(heads, h.StreamHead)
		}
		if len(heads) != p.seal.Streams || MerkleRoot(heads) != p.seal.Root {
			return problemAt(p.event, fmt.Sprintf("seal's Merkle root does not match the %d stream heads at position %d: events before it were deleted, truncated or altered", len(heads), p.seal.Position))
		}
	}
	return nil
}

func (v *Verifier) checkSealEvent(ev Event) error {
	p, ok := v.byID[ev.ID]
	// The seal checked is parsed from p.event, so p.event's contents, not
	// just its claimed hash, must be those of the event in the log.
	if !ok || p.event.Hash != ev.Hash || ComputeHash(&p.event) != ev.Hash {
		return problemAt(ev, "seal in the log is not among the seals read from the seals stream")
	}
	p.found = true
	if p.seal.Position >= ev.Position {
		return problemAt(ev, fmt.Sprintf("seal at position %d claims to cover position %d", ev.Position, p.seal.Position))
	}
	return nil
}

// checkSignature checks that the seal was signed by the trusted key, if one
// was given. It runs before the root is compared: a forged seal is reported
// as forged, not as a log that lost events.
func (v *Verifier) checkSignature(p *pendingSeal) error {
	if v.opts.Key == nil {
		return nil
	}
	if p.seal.KeyID != KeyID(v.opts.Key) {
		return problemAt(p.event, fmt.Sprintf("seal was signed by key %s, not by the given key %s", p.seal.KeyID, KeyID(v.opts.Key)))
	}
	if !p.seal.SignatureValid(v.opts.Key) {
		return problemAt(p.event, "seal's signature is not valid: the seal was forged")
	}
	return nil
}

func problemAt(ev Event, what string) *Problem {
	return &Problem{Stream: ev.Stream, Version: ev.Version, Position: ev.Position, EventID: ev.ID, What: what}
}
