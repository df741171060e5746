package api_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

// Role sets as DESIGN.md decision 9 and the API's conventions give them.
var (
	rtWorkers  = []string{events.RoleAdmin, events.RolePM, events.RoleCoordinator, events.RoleContributor}
	rtWriters  = []string{events.RoleAdmin, events.RolePM, events.RoleCoordinator}
	rtDeciders = []string{events.RoleAdmin, events.RolePM}
	rtAdmins   = []string{events.RoleAdmin}
)

// rtPolicy is every write route of the domain areas beyond the charter and
// the risks: who may call it, what it answers, whether a vendor may.
var rtPolicy = []struct {
	path   string
	roles  []string
	status int
	vendor bool
}{
	{rtBaseline, rtWriters, 200, false},
	{rtCRs, rtWorkers, 201, false},
	{rtCR + "/assessments", rtWriters, 200, false},
	{rtCR + "/approval", rtDeciders, 200, false},
	{rtCR + "/rejection", rtDeciders, 200, false},
	{rtCR + "/implementation", rtDeciders, 200, false},

	{rtBudget + "/approvals", rtDeciders, 200, false},
	{rtBudget + "/actuals", rtWorkers, 201, false},
	{rtBudget + "/actuals/:entryId/corrections", rtWriters, 200, false},
	{rtBudget + "/forecasts", rtWriters, 200, false},
	{rtBudget + "/thresholds", rtWriters, 200, false},

	{rtMilestones, rtWriters, 201, false},
	{rtMilestones + "/:milestoneId/forecasts", rtWriters, 200, false},
	{rtMilestones + "/:milestoneId/achievement", rtWriters, 200, false},
	{rtTasks, rtWriters, 201, false},
	{rtTasks + "/:taskId/progress", rtWorkers, 200, false},
	{rtAssign, rtWriters, 201, false},
	{rtAssign + "/:assignmentId/release", rtWriters, 200, false},

	{rtContracts, rtWriters, 201, false},
	{rtContracts + "/:contractId/purchase-orders", rtWriters, 201, false},
	{rtDeliverable + "/submissions", rtWriters, 200, true},
	{rtDeliverable + "/acceptance", rtWriters, 200, false},
	{rtDeliverable + "/rejection", rtWriters, 200, false},
	{rtDeliverable + "/disputes", rtWriters, 200, true},
	{rtDeliverable + "/dispute-resolution", rtWriters, 200, false},
	{rtContracts + "/:contractId/invoices", rtWriters, 201, true},
	{rtInvoice + "/approval", rtDeciders, 200, false},
	{rtInvoice + "/rejection", rtDeciders, 200, false},
	{rtInvoice + "/payment", rtDeciders, 200, false},

	{rtAssumptions, rtWorkers, 201, false},
	{rtAssumptions + "/:assumptionId/validation", rtWorkers, 200, false},
	{rtAssumptions + "/:assumptionId/invalidation", rtWorkers, 200, false},
	{rtIssues, rtWorkers, 201, false},
	{rtIssues + "/:issueId/updates", rtWorkers, 200, false},
	{rtIssues + "/:issueId/escalations", rtWriters, 200, false},
	{rtIssues + "/:issueId/resolution", rtWorkers, 200, false},
	{rtDependencies, rtWorkers, 201, false},
	{rtDependencies + "/:dependencyId/status", rtWorkers, 200, false},
	{rtDependencies + "/:dependencyId/resolution", rtWorkers, 200, false},

	{rtDecisions, rtWriters, 201, false},
	{rtMeetings, rtWriters, 201, false},
	{rtActions, rtWorkers, 201, false},
	{rtActions + "/:actionId/updates", rtWorkers, 200, false},
	{rtActions + "/:actionId/completion", rtWorkers, 200, false},
	{rtActions + "/:actionId/cancellation", rtWorkers, 200, false},
	{rtDocuments, rtWorkers, 201, false},
	{rtDocuments + "/:documentId/versions", rtWorkers, 201, false},
	{rtDocuments + "/:documentId/approval", rtDeciders, 200, false},
	{rtDocuments + "/:documentId/retirement", rtWorkers, 200, false},
	{rtMembers, rtWriters, 201, false},
	{rtMembers + "/:person/access-requests", rtWriters, 200, false},
	{rtMembers + "/:person/access/:system/provisioning", rtWriters, 200, false},
	{rtMembers + "/:person/access/:system/revocation", rtWriters, 200, false},
	{rtMembers + "/:person/departure", rtWriters, 200, false},
	{rtPhase, rtDeciders, 200, false},
	{rtClosure, rtDeciders, 200, false},
	{rtReports, rtWriters, 201, false},

	{"/v1/vendors", rtAdmins, 201, false},
	{"/v1/people", rtAdmins, 201, false},
	{"/v1/people/:personId/roles", rtAdmins, 201, false},
	{"/v1/people/:personId/roles/:grantId/revocation", rtAdmins, 200, false},
}

// TestRoutesPolicy: the table serves every route with the roles, status and
// vendor access decided for it.
func TestRoutesPolicy(t *testing.T) {
	f := newFixture(t)
	served := map[string]int{}
	for i, r := range f.server.Routes() {
		if r.Method == http.MethodPost {
			served[r.Path] = i
		}
	}
	routes := f.server.Routes()
	for _, p := range rtPolicy {
		i, ok := served[p.path]
		require.True(t, ok, "POST %s is not served", p.path)
		r := routes[i]
		require.ElementsMatch(t, p.roles, r.Roles, "POST %s", p.path)
		require.Equal(t, p.status, r.Status, "POST %s", p.path)
		require.Equal(t, p.vendor, r.Vendor, "POST %s", p.path)
		require.NotEmpty(t, r.Summary, "POST %s", p.path)
		require.NotNil(t, r.Request, "POST %s", p.path)
	}
}

// TestRoutesStepsCoverEveryRoute: the route tests call every route of the
// policy successfully at least once.
func TestRoutesStepsCoverEveryRoute(t *testing.T) {
	succeeded := map[string]bool{}
	for _, steps := range [][]rtStep{rtScopeDemoSteps(), rtBudgetSteps(), rtScheduleSteps(), rtVendorSteps(), rtRAIDSteps(), rtWorkSteps(),
		rtLifecycleSteps(), rtDirectorySteps()} {
		for _, st := range steps {
			if st.status < 300 {
				succeeded[st.route] = true
			}
		}
	}
	succeeded[rtBaseline] = true // TestRoutesScopeBaseline, on a fresh project
	for _, p := range rtPolicy {
		require.True(t, succeeded[p.path], "no route test succeeds on POST %s", p.path)
	}
}

// TestRoutesEveryCommandHasARoute: every command of the domain (a type
// with a Decide method on a project, a person or a vendor) is built by some
// route of the API.
func TestRoutesEveryCommandHasARoute(t *testing.T) {
	commands := map[string]bool{}
	fset := token.NewFileSet()
	files, err := filepath.Glob("../aggregates/*.go")
	require.NoError(t, err)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "Decide" || len(fn.Type.Params.List) == 0 {
				continue
			}
			star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			state, ok := star.X.(*ast.Ident)
			if !ok || !slices.Contains([]string{"Project", "Person", "Vendor"}, state.Name) {
				continue
			}
			if recv, ok := fn.Recv.List[0].Type.(*ast.Ident); ok && ast.IsExported(recv.Name) {
				commands[recv.Name] = true
			}
		}
	}
	require.Greater(t, len(commands), 60, "the aggregates' commands were not found")

	var api strings.Builder
	sources, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		api.Write(data)
	}
	for name := range commands {
		require.True(t, strings.Contains(api.String(), "aggregates."+name+"{"), "no route builds aggregates.%s", name)
	}
}
