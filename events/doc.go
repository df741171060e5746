// Package events owns pledger's log: the event envelope and its audit
// metadata, the registry of payload types with their schema versions and
// upcasters, the Store interface every engine honours, the per-stream SHA-256
// hash chain, seals (signed Merkle roots over every stream head), the offline
// Verifier, and the JSON Lines export format.
//
// It depends only on the standard library and uuid; engines live in
// sub-packages (events/sqlite) and satisfy Store.
package events
