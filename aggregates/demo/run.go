// Package demo writes pledger's demo ledger: the Teams Phone migration
// project of DESIGN.md, through the same commands users run. It is
// deterministic — fixed ids, fixed effective and recorded times — so it
// serves as the fixture other tests read.
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/events"
)

// namespace seeds every id the demo makes.
var namespace = uuid.MustParse("2b0f6c1e-7d4a-4f3b-8e21-5a9c7d3e1f00")

// ProjectID is the demo project's id.
func ProjectID() uuid.UUID { return uuid.NewSHA1(namespace, []byte("project TPM")) }

// VendorID returns the id of a demo vendor by name.
func VendorID(name string) uuid.UUID { return uuid.NewSHA1(namespace, []byte("vendor "+name)) }

// PersonID returns the id of a demo person by e-mail.
func PersonID(email string) uuid.UUID { return uuid.NewSHA1(namespace, []byte("person "+email)) }

// Clock is the recorded-time clock the demo drives: open the store with
// Options{Clock: clock.Now} so recorded times follow the story, not the
// day the demo is written. Safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *Clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Summary says what the demo wrote.
type Summary struct {
	ProjectID uuid.UUID `json:"project_id"`
	Code      string    `json:"code"`
	Commands  int       `json:"commands"`
	Events    int       `json:"events"`
}

// run executes the story's commands in order, each at its moment, and
// stops at the first error.
type run struct {
	ctx      context.Context
	repo     *aggregates.Repository
	clock    *Clock
	project  uuid.UUID
	day      time.Time
	minute   int
	step     int
	events   int
	err      error
	plan     *plan  // what the story has created so far, by name
	position uint64 // the position of the last event written
}

// on moves the story to a day (08:00 UTC); each command takes a minute.
func (r *run) on(day string) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	r.day, r.minute = t.Add(8*time.Hour), 0
}

func (r *run) meta(actor, reason string, effective string) aggregates.Meta {
	r.step++
	r.minute += 1 + r.step%7 // people do not work on the minute
	r.clock.set(r.day.Add(time.Duration(r.minute) * time.Minute))
	m := aggregates.Meta{Actor: actor, Reason: reason, CommandID: uuid.NewSHA1(namespace, fmt.Appendf(nil, "step %d", r.step))}
	if effective != "" {
		m.EffectiveAt = date(effective).Time().Add(12 * time.Hour)
	}
	return m
}

func (r *run) record(res aggregates.Result, err error, what any) aggregates.Result {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("demo step %d (%T): %w", r.step, what, err)
	}
	r.events += len(res.Events)
	if n := len(res.Events); n > 0 {
		r.position = res.Events[n-1].Position
	}
	return res
}

// do runs a project command.
func (r *run) do(actor, reason string, cmd aggregates.ProjectCommand) aggregates.Result {
	return r.doAt(actor, reason, "", cmd)
}

// doAt runs a project command whose facts are effective on an earlier day.
func (r *run) doAt(actor, reason, effective string, cmd aggregates.ProjectCommand) aggregates.Result {
	if r.err != nil {
		return aggregates.Result{}
	}
	res, err := r.repo.ExecProject(r.ctx, r.project, cmd, r.meta(actor, reason, effective))
	return r.record(res, err, cmd)
}

// id runs a command and returns the id (under key) of the item it created.
func (r *run) id(actor, reason, key string, cmd aggregates.ProjectCommand) string {
	return first(r.do(actor, reason, cmd), key)
}

// idAt is id for a back-dated command.
func (r *run) idAt(actor, reason, effective, key string, cmd aggregates.ProjectCommand) string {
	return first(r.doAt(actor, reason, effective, cmd), key)
}

// first returns the value under key in the first event's data that has it.
func first(res aggregates.Result, key string) string {
	for _, ev := range res.Events {
		var fields map[string]any
		if json.Unmarshal(ev.Data, &fields) == nil {
			if v, ok := fields[key].(string); ok {
				return v
			}
		}
	}
	return ""
}

// all returns the values under key in every event of res that has it.
func all(res aggregates.Result, key string) []string {
	var out []string
	for _, ev := range res.Events {
		var fields map[string]any
		if json.Unmarshal(ev.Data, &fields) == nil {
			if v, ok := fields[key].(string); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func eventID(res aggregates.Result, i int) string {
	if i >= len(res.Events) {
		return ""
	}
	return res.Events[i].ID.String()
}

func date(s string) events.Date {
	d, err := events.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func eur(euros int64) events.Money { return events.Money{Minor: euros * 100, Currency: "EUR"} }

func contentHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}
