// Package sqlite is pledger's embedded event store: one SQLite file in WAL
// mode (through the pure-Go modernc.org/sqlite), synchronous commits, and a
// single writer goroutine that groups concurrent appends into one
// transaction, so many writers share one fsync. A lock file beside the
// database keeps a second process from opening it for writing.
package sqlite
