// Package projections turns a project's events into the views people work
// from — the RAID log, the budget with earned value, the schedule, the
// vendor register, decisions, change requests, actions, documents, the team
// and the attention list — as pure, deterministic folds, and answers them
// at any moment: as of what the ledger knew at a time or position, and as
// effective at a business date by what is known now. It also explains
// numbers: diffs between two moments, the history of an item, the causal
// chain behind an event, and a vendor's dossier.
//
// State is the fold; views are computed from a State and the Moment the
// question is about, never from the wall clock, so the same question always
// gets the same answer. The Engine keeps decoded events and snapshots in
// memory and follows the log; snapshots are a cache and never change an
// answer.
package projections
