// Package storetest is the contract every events.Store must honour, as one
// suite: Run(t, newStore) against a fresh store per test. The embedded
// SQLite store runs it on real files; the KurrentDB store runs it against a
// server.
package storetest
