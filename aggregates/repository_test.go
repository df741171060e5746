package aggregates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/pledger/pledger/events/storetest"
	"github.com/stretchr/testify/require"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func coordinator(reason string) Meta { return Meta{Actor: "coord@example.com", Reason: reason} }

// charterProject charters the test project through r.
func charterProject(t *testing.T, r *Repository) {
	t.Helper()
	c := charter()
	_, err := r.ExecProject(context.Background(), testProjectID, CharterProject{Code: c.Code, Name: c.Name, Sponsor: c.Sponsor,
		Manager: c.Manager, Coordinator: c.Coordinator, Start: c.Start, End: c.End, Currency: c.Currency}, coordinator("kick-off"))
	require.NoError(t, err)
}

func raise(title string) RaiseRisk {
	return RaiseRisk{Title: title, Probability: 2, Impact: 3, Owner: "ops@example.com"}
}

func TestRepositoryAppendsWhatItDecides(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	r := NewRepository(store, events.NewCatalogue())
	charterProject(t, r)
	effective := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	meta := Meta{Actor: "coord@example.com", Reason: "weekly review", EffectiveAt: effective, CorrelationID: uuid.New()}
	res, err := r.ExecProject(ctx, testProjectID, raise("Handsets short"), meta)
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Version())
	ev := res.Events[0]
	require.Equal(t, "raid.risk_raised", ev.Type)
	require.Equal(t, "coord@example.com", ev.Actor)
	require.Equal(t, "weekly review", ev.Reason)
	require.Equal(t, meta.CorrelationID, ev.CorrelationID)
	require.True(t, effective.Equal(ev.EffectiveAt), "back-dated: effective %s", ev.EffectiveAt)
	require.True(t, ev.RecordedAt.After(effective))

	fresh := NewRepository(store, events.NewCatalogue()) // another process: no cached state
	_, err = fresh.ExecProject(ctx, testProjectID, CloseRisk{RiskID: "R-1", Resolution: "spares found"}, coordinator(""))
	require.NoError(t, err, "the state is rebuilt from the log")

	_, err = r.ExecProject(ctx, testProjectID, RaiseRisk{Title: "x", Probability: 9, Impact: 1, Owner: "o"}, coordinator(""))
	require.ErrorIs(t, err, ErrInvalid)
	_, err = r.ExecProject(ctx, testProjectID, raise("x"), Meta{})
	require.ErrorIs(t, err, ErrInvalid, "an actor is required")
	require.Len(t, storetest.ReadStream(t, store, ProjectStream(testProjectID), events.ReadOptions{}), 3, "refused commands wrote nothing")
}

// TestConcurrentCommandsOnOneProject has writers in two repositories (two
// processes, each with its own cache) raise risks on one project at once:
// nothing is lost, nothing is doubled, and ids stay unique.
func TestConcurrentCommandsOnOneProject(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	repos := []*Repository{NewRepository(store, events.NewCatalogue()), NewRepository(store, events.NewCatalogue())}
	charterProject(t, repos[0])
	const writers, each = 6, 8
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				_, err := repos[w%2].ExecProject(ctx, testProjectID, raise(fmt.Sprintf("risk %d-%d", w, i)), coordinator(""))
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	titles, ids := map[string]bool{}, map[string]bool{}
	registry := events.NewCatalogue()
	for _, ev := range storetest.ReadStream(t, store, ProjectStream(testProjectID), events.ReadOptions{From: 2}) {
		p, err := registry.Decode(ev)
		require.NoError(t, err)
		r := p.(events.RiskRaised)
		require.False(t, titles[r.Title], "risk %q raised once", r.Title)
		require.False(t, ids[r.RiskID], "id %s used once", r.RiskID)
		titles[r.Title], ids[r.RiskID] = true, true
	}
	require.Len(t, titles, writers*each)
	for i := 1; i <= writers*each; i++ {
		require.True(t, ids[fmt.Sprintf("R-%d", i)], "ids are dense: R-%d", i)
	}
}

func TestRetriedCommandAppendsNothing(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	r := NewRepository(store, events.NewCatalogue())
	charterProject(t, r)
	meta := coordinator("")
	meta.CommandID = uuid.New()
	first, err := r.ExecProject(ctx, testProjectID, raise("Porting delays"), meta)
	require.NoError(t, err)
	_, err = r.ExecProject(ctx, testProjectID, raise("another"), coordinator(""))
	require.NoError(t, err)

	again, err := r.ExecProject(ctx, testProjectID, raise("Porting delays"), meta)
	require.NoError(t, err)
	require.Equal(t, first, again, "the retry returns the first result")

	closeMeta := coordinator("")
	closeMeta.CommandID = uuid.New()
	closed, err := r.ExecProject(ctx, testProjectID, CloseRisk{RiskID: "R-1", Resolution: "done"}, closeMeta)
	require.NoError(t, err)
	retried, err := NewRepository(store, events.NewCatalogue()).ExecProject(ctx, testProjectID, CloseRisk{RiskID: "R-1", Resolution: "done"}, closeMeta)
	require.NoError(t, err, "a retry that the new state would refuse still returns the first result")
	require.Equal(t, closed, retried)
	require.Len(t, storetest.ReadStream(t, store, ProjectStream(testProjectID), events.ReadOptions{}), 4)
}

func TestIfMatch(t *testing.T) {
	ctx := context.Background()
	r := NewRepository(openStore(t), events.NewCatalogue())
	charterProject(t, r)
	stale := uint64(0)
	meta := coordinator("")
	meta.ExpectedVersion = &stale
	_, err := r.ExecProject(ctx, testProjectID, raise("x"), meta)
	require.ErrorIs(t, err, ErrConflict)
	var e *Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, "version.stale", e.Rule)

	current := uint64(1)
	meta.ExpectedVersion = &current
	res, err := r.ExecProject(ctx, testProjectID, raise("x"), meta)
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Version())
}

// TestBaselineMovesAreCausedByTheApproval runs a change request end to end:
// every baseline event names the CR and has the approval as its causation.
func TestBaselineMovesAreCausedByTheApproval(t *testing.T) {
	ctx := context.Background()
	r := NewRepository(openStore(t), events.NewCatalogue())
	charterProject(t, r)
	steps := []ProjectCommand{
		ApproveBudgetForTest{Category: "contingency", Amount: eur(5_000_000)},
		SubmitChangeRequest{Title: "Extend", Description: "carrier late", RequestedBy: "pm@example.com"},
		AssessChangeRequest{CRID: "CR-1", ScopeImpact: "none", CostImpact: eur(0), AssessedBy: "pm@example.com",
			BudgetChanges: []events.BudgetChange{{Category: "contingency", Delta: eur(-1_000_000)}}},
	}
	for _, cmd := range steps {
		_, err := r.ExecProject(ctx, testProjectID, cmd, coordinator(""))
		require.NoError(t, err)
	}
	approval, err := r.ExecProject(ctx, testProjectID, ApproveChangeRequest{CRID: "CR-1", Approver: "CIO", Rationale: "ok"}, coordinator(""))
	require.NoError(t, err)
	impl, err := r.ExecProject(ctx, testProjectID, ImplementChangeRequest{CRID: "CR-1"}, coordinator("steering committee 12 May"))
	require.NoError(t, err)
	require.Len(t, impl.Events, 2)
	require.Equal(t, "budget.baseline_changed", impl.Events[0].Type)
	require.Equal(t, approval.Events[0].ID, impl.Events[0].CausationID, "the move is caused by the approval")
	require.Contains(t, string(impl.Events[0].Data), `"cr_id":"CR-1"`)
}

// ApproveBudgetForTest stands in for the budget area's command in this
// repository-level test.
type ApproveBudgetForTest struct {
	Category string
	Amount   events.Money
}

func (c ApproveBudgetForTest) Decide(*Project, Meta) ([]events.Payload, error) {
	return []events.Payload{events.BudgetApproved(c)}, nil
}

// TestBatchedCommandsFailAlone: commands batched into one append each get
// their own answer; one that breaks a rule fails alone.
func TestBatchedCommandsFailAlone(t *testing.T) {
	ctx := context.Background()
	r := NewRepository(openStore(t), events.NewCatalogue())
	charterProject(t, r)
	const n = 24
	errs := make([]error, n)
	results := make([]Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cmd := raise(fmt.Sprintf("risk %d", i))
			if i%4 == 0 {
				cmd.Probability = 9 // invalid
			}
			results[i], errs[i] = r.ExecProject(ctx, testProjectID, cmd, coordinator(""))
		})
	}
	wg.Wait()
	ids := map[string]bool{}
	for i := range n {
		if i%4 == 0 {
			require.ErrorIs(t, errs[i], ErrInvalid)
			continue
		}
		require.NoError(t, errs[i])
		require.Len(t, results[i].Events, 1, "each command gets exactly its own events")
		var raised events.RiskRaised
		require.NoError(t, json.Unmarshal(results[i].Events[0].Data, &raised))
		require.Equal(t, fmt.Sprintf("risk %d", i), raised.Title)
		ids[raised.RiskID] = true
	}
	require.Len(t, ids, n-n/4, "ids unique")
}
