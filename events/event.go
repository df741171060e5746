package events

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Event is one recorded fact with its envelope (DESIGN.md decision 2).
// Everything but the payload is audit metadata; the payload is Data, stored
// exactly as it was appended and covered by Hash.
type Event struct {
	ID            uuid.UUID // unique in the ledger; also the idempotency key
	Stream        string
	Version       uint64 // 1 for the first event of a stream
	Position      uint64 // 1 for the first event of the ledger
	Type          string
	SchemaVersion int
	Data          json.RawMessage
	RecordedAt    time.Time // set by the store; never decreases along Position
	EffectiveAt   time.Time // business time; equals RecordedAt unless back-dated
	Actor         string
	Reason        string
	CorrelationID uuid.UUID // uuid.Nil when absent
	CausationID   uuid.UUID // uuid.Nil when absent
	PrevHash      Hash      // Hash of the previous event in the stream; zero for version 1
	Hash          Hash
}

// Proposed is an event a caller asks a store to append. The store assigns
// stream, version, position, recorded time and hashes.
type Proposed struct {
	ID            uuid.UUID
	Type          string
	SchemaVersion int
	Data          json.RawMessage
	EffectiveAt   time.Time // zero means "when recorded"
	Actor         string
	Reason        string
	CorrelationID uuid.UUID
	CausationID   uuid.UUID
}

// Hash is a SHA-256 digest. Its text form is lower-case hex.
type Hash [32]byte

// String returns the hash as lower-case hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is all zeroes (the PrevHash of a stream's first event).
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText encodes h as hex.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes 64 hex digits.
func (h *Hash) UnmarshalText(b []byte) error {
	parsed, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = parsed
	return nil
}

// ParseHash decodes 64 hex digits into a Hash.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*len(h) {
		return h, fmt.Errorf("hash must be %d hex digits, got %d characters", 2*len(h), len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("hash must be hex: %w", err)
	}
	return h, nil
}

// ExpectedVersion is the version a writer expects a stream to be at when it
// appends: Any{}, NoStream{} or Exact(n). The set is closed.
type ExpectedVersion interface {
	// Allows reports whether a stream currently at version current may be appended to.
	Allows(current uint64) bool
	String() string
}

// Any accepts a stream at any version, including a new one.
type Any struct{}

// NoStream accepts only a stream that has no events yet.
type NoStream struct{}

// Exact accepts only a stream whose last event has this version.
// Exact(0) is the same as NoStream{}.
type Exact uint64

func (Any) Allows(uint64) bool              { return true }
func (NoStream) Allows(current uint64) bool { return current == 0 }
func (e Exact) Allows(current uint64) bool  { return uint64(e) == current }

func (Any) String() string      { return "any" }
func (NoStream) String() string { return "no stream" }
func (e Exact) String() string  { return fmt.Sprintf("exactly %d", uint64(e)) }

// AppendResult describes the events an Append wrote, or, for a retried append
// whose ids were already in the stream, the events the first attempt wrote.
type AppendResult struct {
	Events []Event
}

// LastVersion is the stream version after the append: the version to pass as
// Exact for the next one.
func (r AppendResult) LastVersion() uint64 {
	if len(r.Events) == 0 {
		return 0
	}
	return r.Events[len(r.Events)-1].Version
}

// LastPosition is the global position of the last event appended.
func (r AppendResult) LastPosition() uint64 {
	if len(r.Events) == 0 {
		return 0
	}
	return r.Events[len(r.Events)-1].Position
}
