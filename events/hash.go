package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"hash"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// hashDomain separates event hashes from every other SHA-256 use (seals,
// Merkle nodes) so no byte string can mean two things.
const hashDomain = "pledger.event.v1"

// ComputeHash returns the hash of ev's canonical encoding: every envelope
// field except Position and Hash itself, in a fixed order, each
// length-prefixed, with times as Unix nanoseconds, ending with PrevHash.
// Position is left out because engines assign it differently (KurrentDB's
// commit positions); per-stream order is bound by PrevHash, global order by
// seals. docs/format.md specifies the encoding byte by byte.
func ComputeHash(ev *Event) Hash {
	w := hashWriter{h: sha256.New()}
	w.bytes([]byte(hashDomain))
	w.bytes(ev.ID[:])
	w.bytes([]byte(ev.Stream))
	w.uint(ev.Version)
	w.bytes([]byte(ev.Type))
	w.uint(uint64(ev.SchemaVersion))
	w.bytes(ev.Data)
	w.uint(uint64(ev.RecordedAt.UnixNano()))
	w.uint(uint64(ev.EffectiveAt.UnixNano()))
	w.bytes([]byte(ev.Actor))
	w.bytes([]byte(ev.Reason))
	w.bytes(ev.CorrelationID[:])
	w.bytes(ev.CausationID[:])
	w.h.Write(ev.PrevHash[:])
	var out Hash
	w.h.Sum(out[:0])
	return out
}

type hashWriter struct {
	h   hash.Hash
	buf [binary.MaxVarintLen64]byte
}

func (w *hashWriter) uint(v uint64) {
	binary.BigEndian.PutUint64(w.buf[:8], v)
	w.h.Write(w.buf[:8])
}

func (w *hashWriter) bytes(b []byte) {
	n := binary.PutUvarint(w.buf[:], uint64(len(b)))
	w.h.Write(w.buf[:n])
	w.h.Write(b)
}

// Limits on the envelope. Times must fit Unix nanoseconds with room to spare.
const (
	MaxStreamLen = 200
	MaxTypeLen   = 100
	MaxDataLen   = 1 << 20
	MaxTextLen   = 4096
)

var (
	minTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ValidateStream checks a stream name: 1 to MaxStreamLen bytes of UTF-8
// without control characters (tabs and newlines included).
func ValidateStream(stream string) error {
	if err := checkText(stream, MaxStreamLen, true); err != "" {
		return &FieldError{Index: -1, Field: "stream", Rule: err}
	}
	if strings.ContainsAny(stream, "\t\n") {
		return &FieldError{Index: -1, Field: "stream", Rule: "must not contain control characters"}
	}
	return nil
}

// PrepareAppend checks an append as every store must before writing: the
// stream name, the batch (see Prepare), and that the seals stream holds only
// seals. It returns the batch as it will be stored.
func PrepareAppend(stream string, batch []Proposed) ([]Proposed, error) {
	if err := ValidateStream(stream); err != nil {
		return nil, err
	}
	prepared, err := Prepare(batch)
	if err != nil {
		return nil, err
	}
	if stream == SealsStream {
		for i, p := range prepared {
			if p.Type != (Sealed{}).EventType() {
				return nil, &FieldError{Index: i, Field: "type", Rule: "the ledger-seals stream holds only ledger.sealed events"}
			}
		}
	}
	return prepared, nil
}

// Prepare validates a batch of proposed events and returns copies whose Data
// is compact JSON, the exact bytes that will be stored and hashed. The
// returned error is a *FieldError naming the first broken rule.
func Prepare(batch []Proposed) ([]Proposed, error) {
	if len(batch) == 0 {
		return nil, &FieldError{Index: -1, Field: "events", Rule: "at least one event is required"}
	}
	out := make([]Proposed, len(batch))
	seen := make(map[uuid.UUID]struct{}, len(batch))
	for i, p := range batch {
		fail := func(field, rule string) error { return &FieldError{Index: i, Field: field, Rule: rule} }
		if p.ID == uuid.Nil {
			return nil, fail("id", "must be a non-nil UUID")
		}
		if _, dup := seen[p.ID]; dup {
			return nil, fail("id", "appears twice in the batch")
		}
		seen[p.ID] = struct{}{}
		if !validType(p.Type) {
			return nil, fail("type", "must be dotted lower-case words such as raid.risk_raised, at most 100 bytes")
		}
		if p.SchemaVersion < 1 {
			return nil, fail("schema_version", "must be 1 or more")
		}
		if len(p.Data) > MaxDataLen {
			return nil, fail("data", "must be at most 1 MiB")
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, p.Data); err != nil || !isObject(compact.Bytes()) {
			return nil, fail("data", "must be a JSON object")
		}
		if !p.EffectiveAt.IsZero() && (p.EffectiveAt.Before(minTime) || !p.EffectiveAt.Before(maxTime)) {
			return nil, fail("effective_at", "must be between 1900-01-01 and 2200-01-01")
		}
		if err := checkText(p.Actor, MaxTextLen, true); err != "" {
			return nil, fail("actor", err)
		}
		if err := checkText(p.Reason, MaxTextLen, false); err != "" {
			return nil, fail("reason", err)
		}
		p.Data = compact.Bytes()
		out[i] = p
	}
	return out, nil
}

// Stamp turns a prepared event into the stored Event at the given place in
// the log, computing its hash.
func Stamp(p Proposed, stream string, version, position uint64, recorded time.Time, prev Hash) Event {
	ev := Event{
		ID:            p.ID,
		Stream:        stream,
		Version:       version,
		Position:      position,
		Type:          p.Type,
		SchemaVersion: p.SchemaVersion,
		Data:          p.Data,
		RecordedAt:    recorded.UTC(),
		EffectiveAt:   p.EffectiveAt.UTC(),
		Actor:         p.Actor,
		Reason:        p.Reason,
		CorrelationID: p.CorrelationID,
		CausationID:   p.CausationID,
		PrevHash:      prev,
	}
	if p.EffectiveAt.IsZero() {
		ev.EffectiveAt = ev.RecordedAt
	}
	ev.Hash = ComputeHash(&ev)
	return ev
}

func checkText(s string, max int, required bool) string {
	switch {
	case required && s == "":
		return "is required"
	case len(s) > max:
		return "is too long"
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
			return "must not contain control characters"
		}
	}
	return ""
}

func validType(t string) bool {
	if len(t) == 0 || len(t) > MaxTypeLen {
		return false
	}
	dots, start := 0, 0
	for i := 0; i <= len(t); i++ {
		if i == len(t) || t[i] == '.' {
			word := t[start:i]
			if word == "" || word[0] < 'a' || word[0] > 'z' {
				return false
			}
			if i < len(t) {
				dots++
			}
			start = i + 1
			continue
		}
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return dots > 0
}

func isObject(b []byte) bool { return len(b) > 0 && b[0] == '{' }
