package projections_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/pledger/pledger/projections"
	"github.com/stretchr/testify/require"
)

func TestDumpDemo(t *testing.T) {
	e, id := demoEngine(t)
	err := e.At(context.Background(), id, projections.Query{}, func(s *projections.State, m time.Time) error {
		b, _ := json.MarshalIndent(struct {
			M, T, A, C, P, I, D, Ac, Doc, Mem, Ch any
		}{s.Milestones, s.Tasks, s.Assignments, s.Contracts, s.POs, s.Invoices, s.Decisions, s.Actions, s.Documents, s.Members, s.Changes}, "", " ")
		os.WriteFile("/tmp/demo_state.json", b, 0o644)
		return nil
	})
	require.NoError(t, err)
}
