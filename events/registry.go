package events

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Payload is the data of one event type. EventType returns the stable wire
// name (never derived from the Go type name, so a rename changes nothing on
// disk).
type Payload interface {
	EventType() string
}

// Upcaster rewrites the data of an event written under schema version n into
// the shape of version n+1. It runs on read; stored bytes are never changed
// (they are covered by the hash chain).
type Upcaster func(data json.RawMessage) (json.RawMessage, error)

// Registry maps wire names to payload types and their current schema
// version. It is built once, explicitly, and is read-only afterwards, so it is
// safe for concurrent use.
type Registry struct {
	types map[string]registration
	names []string // in registration order
}

type registration struct {
	decode    func(data []byte) (Payload, error) // JSON into the registered Go type
	version   int
	upcasters []Upcaster // upcasters[i] lifts version i+1 to i+2
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{types: map[string]registration{}}
}

// Register adds payload type T at schema version len(upcasters)+1: the
// upcasters lift data written at version 1, 2, … to the current shape, in
// order. Registering a wire name twice panics: it is a programming error.
func Register[T Payload](r *Registry, upcasters ...Upcaster) {
	var zero T
	name := zero.EventType()
	if _, dup := r.types[name]; dup {
		panic(fmt.Sprintf("events: type %q registered twice", name))
	}
	r.names = append(r.names, name)
	r.types[name] = registration{
		decode: func(data []byte) (Payload, error) {
			var p T
			err := json.Unmarshal(data, &p)
			return p, err
		},
		version:   len(upcasters) + 1,
		upcasters: upcasters,
	}
}

// SchemaVersion returns the current schema version of a registered type.
func (r *Registry) SchemaVersion(eventType string) (int, bool) {
	reg, ok := r.types[eventType]
	return reg.version, ok
}

// Types returns every registered wire name with its current schema version.
func (r *Registry) Types() map[string]int {
	out := make(map[string]int, len(r.types))
	for name, reg := range r.types {
		out[name] = reg.version
	}
	return out
}

// Names returns every registered wire name in registration order.
func (r *Registry) Names() []string { return slices.Clone(r.names) }

// Propose encodes a payload as a proposed event at its current schema
// version. The caller fills in the envelope's audit fields.
func (r *Registry) Propose(p Payload) (Proposed, error) {
	reg, ok := r.types[p.EventType()]
	if !ok {
		return Proposed{}, fmt.Errorf("events: type %q is not registered", p.EventType())
	}
	data, err := json.Marshal(p)
	if err != nil {
		return Proposed{}, fmt.Errorf("events: encode %s: %w", p.EventType(), err)
	}
	return Proposed{Type: p.EventType(), SchemaVersion: reg.version, Data: data}, nil
}

// Decode returns ev's payload as the registered Go type (a value, not a
// pointer), upcasting data written under an older schema version first.
func (r *Registry) Decode(ev Event) (Payload, error) {
	reg, ok := r.types[ev.Type]
	if !ok {
		return nil, fmt.Errorf("events: event %s at position %d: type %q is not registered", ev.ID, ev.Position, ev.Type)
	}
	if ev.SchemaVersion < 1 || ev.SchemaVersion > reg.version {
		return nil, fmt.Errorf("events: event %s: %s schema version %d is not between 1 and %d", ev.ID, ev.Type, ev.SchemaVersion, reg.version)
	}
	data := ev.Data
	for v := ev.SchemaVersion; v < reg.version; v++ {
		var err error
		if data, err = reg.upcasters[v-1](data); err != nil {
			return nil, fmt.Errorf("events: upcast %s from schema version %d: %w", ev.Type, v, err)
		}
	}
	p, err := reg.decode(data)
	if err != nil {
		return nil, fmt.Errorf("events: decode %s at position %d: %w", ev.Type, ev.Position, err)
	}
	return p, nil
}
