package aggregates

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
	"github.com/pledger/pledger/events/sqlite"
	"github.com/stretchr/testify/require"
)

var (
	testPersonID  = uuid.MustParse("0c7e5a9b-1d2f-4e3a-8b6c-5f4d3e2a1b0c")
	testVendorID  = "3d9a1c7e-5b2f-4a8d-9e6c-1f0b2a3c4d5e"
	otherProject  = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	personMeta    = Meta{Actor: "admin@example.com"}
	revokeMeta    = Meta{Actor: "admin@example.com", Reason: "left the carrier"}
	registeredAna = events.PersonRegistered{PersonID: testPersonID.String(), Email: engineer, Name: "Ana Lima", Organisation: "Contoso"}
)

// person folds a history into a person's state, as the repository would.
func person(history ...events.Payload) *Person {
	p := NewPerson(testPersonID)
	for i, e := range history {
		p.apply(events.Event{ID: uuid.NewSHA1(testPersonID, fmt.Appendf(nil, "given-%d", i)), Version: uint64(i + 1), Type: e.EventType()}, e)
	}
	return p
}

// personCase is one given-when-then case on a person.
type personCase struct {
	name  string
	given []events.Payload
	when  PersonCommand
	meta  Meta
	then  []events.Payload
	kind  error
	rule  string
	field string
}

func runPersonCases(t *testing.T, cases []personCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := person(c.given...)
			before := p.Version()
			meta := c.meta
			if meta.Actor == "" {
				meta.Actor = personMeta.Actor
			}
			got, ok := requireDecision(t, func() ([]events.Payload, error) { return c.when.Decide(p, meta) }, c.then, c.kind, c.rule, c.field)
			if !ok {
				return
			}
			require.Equal(t, before, p.Version())
			for i, e := range got {
				p.apply(events.Event{ID: uuid.New(), Version: before + uint64(i) + 1, Type: e.EventType()}, e)
			}
		})
	}
}

func TestPeople(t *testing.T) {
	pm := events.RoleGranted{GrantID: "G-1", Role: events.RolePM, ProjectID: testProjectID.String()}
	vendor := events.RoleGranted{GrantID: "G-2", Role: events.RoleVendor, ProjectID: testProjectID.String(), VendorID: testVendorID}
	runPersonCases(t, []personCase{
		{name: "register", when: RegisterPerson{Email: engineer, Name: "Ana Lima", Organisation: "Contoso"},
			then: []events.Payload{registeredAna}},
		{name: "register without an organisation", when: RegisterPerson{Email: engineer, Name: "Ana Lima"},
			then: []events.Payload{events.PersonRegistered{PersonID: testPersonID.String(), Email: engineer, Name: "Ana Lima"}}},
		{name: "register twice", given: []events.Payload{registeredAna}, when: RegisterPerson{Email: engineer, Name: "Ana Lima"},
			kind: ErrRuleViolated, rule: "person.already_registered"},
		{name: "register without an e-mail", when: RegisterPerson{Name: "Ana Lima"},
			kind: ErrInvalid, rule: "email", field: "email"},
		{name: "register a bad e-mail", when: RegisterPerson{Email: "ana at example.com", Name: "Ana Lima"},
			kind: ErrInvalid, rule: "email", field: "email"},
		{name: "register without a name", when: RegisterPerson{Email: engineer},
			kind: ErrInvalid, rule: "required", field: "name"},

		{name: "grant a project role", given: []events.Payload{registeredAna},
			when: GrantRole{Role: events.RolePM, ProjectID: testProjectID.String()}, then: []events.Payload{pm}},
		{name: "grant a role on every project", given: []events.Payload{registeredAna, pm},
			when: GrantRole{Role: events.RoleAuditor},
			then: []events.Payload{events.RoleGranted{GrantID: "G-2", Role: events.RoleAuditor}}},
		{name: "grant a vendor role", given: []events.Payload{registeredAna, pm},
			when: GrantRole{Role: events.RoleVendor, ProjectID: testProjectID.String(), VendorID: testVendorID}, then: []events.Payload{vendor}},
		{name: "ids are written canonically", given: []events.Payload{registeredAna, pm},
			when: GrantRole{Role: events.RoleVendor, ProjectID: strings.ToUpper(testProjectID.String()), VendorID: "urn:uuid:" + testVendorID},
			then: []events.Payload{vendor}},
		{name: "grant the same role again after a revocation", given: []events.Payload{registeredAna, pm, events.RoleRevoked{GrantID: "G-1"}},
			when: GrantRole{Role: events.RolePM, ProjectID: testProjectID.String()},
			then: []events.Payload{events.RoleGranted{GrantID: "G-2", Role: events.RolePM, ProjectID: testProjectID.String()}}},
		{name: "the same role on another project", given: []events.Payload{registeredAna, pm},
			when: GrantRole{Role: events.RolePM, ProjectID: otherProject},
			then: []events.Payload{events.RoleGranted{GrantID: "G-2", Role: events.RolePM, ProjectID: otherProject}}},
		{name: "grant an active role twice", given: []events.Payload{registeredAna, pm},
			when: GrantRole{Role: events.RolePM, ProjectID: testProjectID.String()},
			kind: ErrRuleViolated, rule: "person.role_already_granted", field: "role"},
		{name: "grant to an unregistered person", when: GrantRole{Role: events.RolePM, ProjectID: testProjectID.String()},
			kind: ErrNotFound, rule: "person.not_found", field: "person_id"},
		{name: "grant an unknown role", given: []events.Payload{registeredAna}, when: GrantRole{Role: "owner"},
			kind: ErrInvalid, rule: "one_of", field: "role"},
		{name: "grant on a project that is not a uuid", given: []events.Payload{registeredAna},
			when: GrantRole{Role: events.RolePM, ProjectID: "TPM"}, kind: ErrInvalid, rule: "uuid", field: "project_id"},
		{name: "grant on the nil uuid", given: []events.Payload{registeredAna},
			when: GrantRole{Role: events.RolePM, ProjectID: uuid.Nil.String()}, kind: ErrInvalid, rule: "uuid", field: "project_id"},
		{name: "a vendor role without a vendor", given: []events.Payload{registeredAna},
			when: GrantRole{Role: events.RoleVendor, ProjectID: testProjectID.String()}, kind: ErrInvalid, rule: "required", field: "vendor_id"},
		{name: "a vendor role with a bad vendor id", given: []events.Payload{registeredAna},
			when: GrantRole{Role: events.RoleVendor, VendorID: "Carrier Ltd"}, kind: ErrInvalid, rule: "uuid", field: "vendor_id"},
		{name: "a vendor on a role that is not vendor", given: []events.Payload{registeredAna},
			when: GrantRole{Role: events.RoleContributor, VendorID: testVendorID}, kind: ErrInvalid, rule: "person.vendor_only", field: "vendor_id"},

		{name: "revoke", given: []events.Payload{registeredAna, pm, vendor}, when: RevokeRole{GrantID: "G-2"}, meta: revokeMeta,
			then: []events.Payload{events.RoleRevoked{GrantID: "G-2"}}},
		{name: "revoke without a reason", given: []events.Payload{registeredAna, pm}, when: RevokeRole{GrantID: "G-1"},
			kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "revoke an unknown grant", given: []events.Payload{registeredAna, pm}, when: RevokeRole{GrantID: "G-7"}, meta: revokeMeta,
			kind: ErrNotFound, rule: "grant.not_found", field: "grant_id"},
		{name: "revoke twice", given: []events.Payload{registeredAna, pm, events.RoleRevoked{GrantID: "G-1"}}, when: RevokeRole{GrantID: "G-1"}, meta: revokeMeta,
			kind: ErrRuleViolated, rule: "person.grant_revoked", field: "grant_id"},
		{name: "revoke on an unregistered person", when: RevokeRole{GrantID: "G-1"}, meta: revokeMeta,
			kind: ErrNotFound, rule: "person.not_found", field: "person_id"},
	})
}

func TestPersonGrants(t *testing.T) {
	p := person(registeredAna,
		events.RoleGranted{GrantID: "G-1", Role: events.RolePM, ProjectID: testProjectID.String()},
		events.RoleGranted{GrantID: "G-2", Role: events.RoleAuditor},
		events.RoleRevoked{GrantID: "G-1"})
	require.True(t, p.Registered())
	require.Equal(t, engineer, p.Email())
	require.Equal(t, "Ana Lima", p.Name())
	require.Equal(t, "Contoso", p.Organisation())
	require.Equal(t, []Grant{
		{ID: "G-1", Role: events.RolePM, ProjectID: testProjectID.String(), Revoked: true},
		{ID: "G-2", Role: events.RoleAuditor},
	}, p.Grants())
	require.Equal(t, []Grant{{ID: "G-2", Role: events.RoleAuditor}}, p.ActiveGrants())
	require.Equal(t, PersonIDFor("Ana@Example.com "), PersonIDFor(engineer), "one id per address, whatever its case")
	require.NotEqual(t, PersonIDFor("bo@example.com"), PersonIDFor(engineer))
}

func TestPersonRepository(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "l.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	r := NewRepository(store, events.NewCatalogue())

	_, err = r.Person(ctx, testPersonID)
	require.ErrorIs(t, err, ErrNotFound, "an unregistered person is not found")

	// a grant needs its project and vendor to exist
	_, err = r.ExecProject(ctx, testProjectID, charterCommand(), personMeta)
	require.NoError(t, err)
	vendorID := uuid.MustParse(testVendorID)
	_, err = r.RegisterVendor(ctx, vendorID, RegisterVendor{Name: "Carrier Ltd", Contact: "sales@carrier.example"}, personMeta)
	require.NoError(t, err)

	res, err := r.ExecPerson(ctx, testPersonID, RegisterPerson{Email: engineer, Name: "Ana Lima", Organisation: "Contoso"}, personMeta)
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.Version())
	require.Equal(t, PersonStream(testPersonID), res.Events[0].Stream)

	_, err = r.ExecPerson(ctx, testPersonID, GrantRole{Role: events.RolePM, ProjectID: otherProject}, personMeta)
	require.ErrorIs(t, err, ErrNotFound, "a grant on a project that was never chartered")
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "project.not_found", e.Rule)
	_, err = r.ExecPerson(ctx, testPersonID, GrantRole{Role: events.RoleVendor, ProjectID: testProjectID.String(), VendorID: uuid.NewString()}, personMeta)
	require.ErrorIs(t, err, ErrNotFound, "a vendor grant for a vendor not in the master")

	res, err = r.ExecPerson(ctx, testPersonID, GrantRole{Role: events.RolePM, ProjectID: testProjectID.String()}, personMeta)
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Version())
	_, err = r.ExecPerson(ctx, testPersonID, GrantRole{Role: events.RoleVendor, ProjectID: testProjectID.String(), VendorID: testVendorID}, personMeta)
	require.NoError(t, err)
	res, err = r.ExecPerson(ctx, testPersonID, RevokeRole{GrantID: "G-1"}, revokeMeta)
	require.NoError(t, err)
	require.Equal(t, "left the carrier", res.Events[0].Reason)

	_, err = r.ExecPerson(ctx, testPersonID, RevokeRole{GrantID: "G-1"}, revokeMeta)
	require.ErrorIs(t, err, ErrRuleViolated, "revoking twice")

	want := []Grant{
		{ID: "G-1", Role: events.RolePM, ProjectID: testProjectID.String(), Revoked: true},
		{ID: "G-2", Role: events.RoleVendor, ProjectID: testProjectID.String(), VendorID: testVendorID},
	}
	p, err := r.Person(ctx, testPersonID)
	require.NoError(t, err)
	require.Equal(t, uint64(4), p.Version())
	require.Equal(t, engineer, p.Email())
	require.Equal(t, want, p.Grants())

	// a fresh repository reads the same person back from the log alone
	fresh, err := NewRepository(store, events.NewCatalogue()).Person(ctx, testPersonID)
	require.NoError(t, err)
	require.Equal(t, uint64(4), fresh.Version())
	require.Equal(t, want, fresh.Grants())
}
