package api_test

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/storetest"
)

// An auditor asks the server to verify the ledger: intact, then after
// someone with disk access deleted the last event of one stream while other
// streams went on. Only the dense positions of the embedded store can tell.
func TestVerifyEndpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	f := startFixture(t, path)
	storetest.AppendSpread(t, f.store, 0, 12)
	f.issue(events.RoleAuditor, "", "")

	var v api.Verification
	f.json(events.RoleAuditor, http.MethodGet, "/v1/verify", nil, http.StatusOK, &v)
	require.True(t, v.OK, "%+v", v.Problem)
	require.Nil(t, v.Problem)

	all := storetest.ReadAll(t, f.store, 0)
	last := map[string]events.Event{}
	for _, ev := range all {
		last[ev.Stream] = ev
	}
	victim := last["project-0"]
	require.Less(t, victim.Position, all[len(all)-1].Position, "other events follow it")
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec("DELETE FROM events WHERE position = ?", victim.Position)
	require.NoError(t, err)

	f.json(events.RoleAuditor, http.MethodGet, "/v1/verify", nil, http.StatusOK, &v)
	require.False(t, v.OK)
	require.NotNil(t, v.Problem)
	require.Contains(t, v.Problem.What, "events deleted")
}
