package api_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
	"github.com/pledger/pledger/aggregates/demo"
	"github.com/pledger/pledger/api"
	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

// rtDirectorySteps register a vendor and a person, and grant and revoke a
// role on the demo project.
func rtDirectorySteps() []rtStep {
	project := demo.ProjectID().String()
	kim := aggregates.PersonIDFor("Kim.Lee@example.com").String()
	return []rtStep{
		{name: "register vendor", role: "admin", route: "/v1/vendors", status: http.StatusCreated, types: rtT(events.VendorRegistered{}),
			body: rtB{"name": "Voice Ops Ltd", "contact": "ops@voiceops.example", "country": "IE", "reason": "support tender"}},
		{name: "register vendor refused: country", role: "admin", route: "/v1/vendors", status: http.StatusUnprocessableEntity, rule: "iso_3166",
			body: rtB{"name": "Voice Ops Ltd", "contact": "ops@voiceops.example", "country": "Ireland"}},
		{name: "register vendor refused: a pm is not an admin", role: "pm", route: "/v1/vendors", status: http.StatusForbidden, rule: "auth.role",
			body: rtB{"name": "Voice Ops Ltd", "contact": "ops@voiceops.example"}},
		{name: "register person", role: "admin", route: "/v1/people", status: http.StatusCreated, id: kim, types: rtT(events.PersonRegistered{}),
			body: rtB{"email": "kim.lee@example.com", "name": "Kim Lee", "organisation": "IT Operations"}},
		{name: "register person refused: registered already, in any letter case", role: "admin", route: "/v1/people", status: http.StatusUnprocessableEntity, rule: "person.already_registered",
			body: rtB{"email": "KIM.LEE@example.com", "name": "Kim Lee"}},
		{name: "register person refused: not an e-mail", role: "admin", route: "/v1/people", status: http.StatusUnprocessableEntity, rule: "email",
			body: rtB{"email": "kim", "name": "Kim Lee"}},
		{name: "grant", role: "admin", route: "/v1/people/:personId/roles", params: rtP{"personId": kim}, status: http.StatusCreated, id: "G-1", types: rtT(events.RoleGranted{}),
			body: rtB{"role": "coordinator", "project_id": project}},
		{name: "grant refused: held already", role: "admin", route: "/v1/people/:personId/roles", params: rtP{"personId": kim}, status: http.StatusUnprocessableEntity, rule: "person.role_already_granted",
			body: rtB{"role": "coordinator", "project_id": project}},
		{name: "grant refused: a vendor role names its vendor", role: "admin", route: "/v1/people/:personId/roles", params: rtP{"personId": kim}, status: http.StatusUnprocessableEntity, rule: "required",
			body: rtB{"role": "vendor", "project_id": project}},
		{name: "grant refused: no such project", role: "admin", route: "/v1/people/:personId/roles", params: rtP{"personId": kim}, status: http.StatusNotFound, rule: "project.not_found",
			body: rtB{"role": "pm", "project_id": uuid.NewString()}},
		{name: "grant refused: no such person", role: "admin", route: "/v1/people/:personId/roles", params: rtP{"personId": uuid.NewString()}, status: http.StatusNotFound, rule: "person.not_found",
			body: rtB{"role": "pm"}},
		{name: "grant refused: not a person id", role: "admin", route: "/v1/people/:personId/roles", params: rtP{"personId": "kim"}, status: http.StatusNotFound, rule: "not_found",
			body: rtB{"role": "pm"}},
		{name: "revoke refused: no reason", role: "admin", route: "/v1/people/:personId/roles/:grantId/revocation", params: rtP{"personId": kim, "grantId": "G-1"}, status: http.StatusUnprocessableEntity, rule: "reason_required",
			body: rtB{}},
		{name: "revoke", role: "admin", route: "/v1/people/:personId/roles/:grantId/revocation", params: rtP{"personId": kim, "grantId": "G-1"}, status: http.StatusOK, types: rtT(events.RoleRevoked{}),
			body: rtB{"reason": "moved to another team"}},
		{name: "revoke refused: revoked already", role: "admin", route: "/v1/people/:personId/roles/:grantId/revocation", params: rtP{"personId": kim, "grantId": "G-1"}, status: http.StatusUnprocessableEntity, rule: "person.grant_revoked",
			body: rtB{"reason": "again"}},
	}
}

func TestRoutesDirectory(t *testing.T) {
	f := demoFixture(t)
	project := demo.ProjectID().String()
	w := rtRun(t, f, "", rtDirectorySteps())
	vendor := w["register vendor"].ID
	_, err := uuid.Parse(vendor)
	require.NoError(t, err, "a vendor's id is a new UUID")

	// The vendor master feeds the projects: the new vendor can be contracted.
	var signed api.Written
	f.json("coordinator", http.MethodPost, "/v1/projects/"+project+"/contracts", rtB{"vendor_id": vendor, "title": "Voice operations support",
		"value": rtEUR(12_000), "signed_on": "2026-07-01", "sow_text": "First-line voice support for six months."}, http.StatusCreated, &signed)
	require.Equal(t, "C-4", signed.ID)

	// The directory spans every project: a token bound to one cannot change it.
	f.issue("admin", project, "")
	status, _, body := f.do("admin", http.MethodPost, "/v1/people", rtB{"email": "x@example.com", "name": "X"})
	require.Equal(t, http.StatusForbidden, status, "%s", body)
	require.Contains(t, string(body), "auth.project_token")
}
