// Package aggregates turns commands into events. Each aggregate is a
// decider: decide(state, command) checks the command against the rules and
// the state and returns events or a typed *Error; apply(state, event) folds a
// fact into the state with no validation, no I/O and no clock, so replaying
// the same events always gives the same state.
//
// A project is one aggregate and one stream (project-<uuid>): every area of
// it — RAID, scope and change requests, budget, schedule, vendor contracts,
// decisions, meetings, documents, team — lives there, so cross-area rules
// (an approved change request moves the budget, the schedule and a contract
// at once) hold atomically. Vendors (vendor-<uuid>) and people
// (person-<uuid>) span projects and have streams of their own.
//
// The Repository loads an aggregate (from its in-memory snapshot plus the
// events since), decides, appends with the version it loaded, and on a
// conflict re-loads and re-decides a bounded number of times.
package aggregates
