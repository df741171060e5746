// Package esdb is pledger's event store in KurrentDB (EventStoreDB), over
// EventStore-Client-Go v4, for several stateless pledger nodes sharing one
// cluster.
//
// A ledger is a set of streams named LEDGER:stream; each event is one record
// whose id is the event id, whose data is the payload and whose metadata is
// the rest of the envelope (mapping.go holds every translation). Positions are
// KurrentDB prepare positions: sparse, increasing along $all. Recorded-at is
// stamped by the appending node, strictly increasing within each stream. The
// store passes the events/storetest contract with one caveat (an event id is
// recognised within its stream only: KurrentDB keeps no index by event id)
// and the LogShape above; docs/architecture.md and docs/operations.md say
// why and what that means for operators.
package esdb
