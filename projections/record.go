package projections

import (
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// Record is one event as the projections see it: its envelope and its
// decoded, upcast payload.
type Record struct {
	ID            uuid.UUID
	Stream        string
	Version       uint64
	Position      uint64
	Type          string
	RecordedAt    time.Time
	EffectiveAt   time.Time
	Actor         string
	Reason        string
	CorrelationID uuid.UUID
	CausationID   uuid.UUID
	Payload       events.Payload
}

// Decode turns a stored event into a Record.
func Decode(registry *events.Registry, ev events.Event) (Record, error) {
	p, err := registry.Decode(ev)
	if err != nil {
		return Record{}, err
	}
	return Record{
		ID: ev.ID, Stream: ev.Stream, Version: ev.Version, Position: ev.Position, Type: ev.Type,
		RecordedAt: ev.RecordedAt, EffectiveAt: ev.EffectiveAt, Actor: ev.Actor, Reason: ev.Reason,
		CorrelationID: ev.CorrelationID, CausationID: ev.CausationID, Payload: p,
	}, nil
}

// Stamp is when and by whom something happened, as views show it.
type Stamp struct {
	Event     uuid.UUID `json:"event"`
	Position  uint64    `json:"position"`
	Recorded  time.Time `json:"recorded_at"`
	Effective time.Time `json:"effective_at"`
	Actor     string    `json:"actor"`
	Reason    string    `json:"reason,omitempty"`
}

func stampOf(r Record) Stamp {
	return Stamp{Event: r.ID, Position: r.Position, Recorded: r.RecordedAt, Effective: r.EffectiveAt, Actor: r.Actor, Reason: r.Reason}
}
