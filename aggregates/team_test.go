package aggregates

import (
	"testing"

	"github.com/pledger/pledger/events"
	"github.com/stretchr/testify/require"
)

const engineer = "ana@example.com"

func joined() events.MemberJoined {
	return events.MemberJoined{Person: engineer, Name: "Ana Lima", Role: "Voice engineer"}
}

func TestTeam(t *testing.T) {
	revoke := Meta{Reason: "offboarding"}
	requested := events.AccessRequested{Person: engineer, System: "Teams admin", Level: "Teams Communications Administrator"}
	provisioned := events.AccessProvisioned{Person: engineer, System: "Teams admin"}
	revoked := events.AccessRevoked{Person: engineer, System: "Teams admin"}
	left := events.MemberLeft{Person: engineer}
	runGWT(t, []gwt{
		{name: "join", given: withCharter(), when: JoinMember{Person: engineer, Name: "Ana Lima", Role: "Voice engineer"},
			then: []events.Payload{joined()}},
		{name: "join with a name, not an e-mail", given: withCharter(), when: JoinMember{Person: "Ana Lima", Name: "Ana Lima", Role: "r"},
			kind: ErrInvalid, rule: "email", field: "person"},
		{name: "join without a role", given: withCharter(), when: JoinMember{Person: engineer, Name: "Ana Lima"},
			kind: ErrInvalid, rule: "required", field: "role"},
		{name: "join without a name", given: withCharter(), when: JoinMember{Person: engineer, Role: "r"},
			kind: ErrInvalid, rule: "required", field: "name"},
		{name: "join twice", given: withCharter(joined()), when: JoinMember{Person: engineer, Name: "Ana Lima", Role: "Architect"},
			kind: ErrRuleViolated, rule: "team.already_member", field: "person"},
		{name: "rejoin after leaving", given: withCharter(joined(), requested, provisioned, revoked, left),
			when: JoinMember{Person: engineer, Name: "Ana Lima", Role: "Architect"},
			then: []events.Payload{events.MemberJoined{Person: engineer, Name: "Ana Lima", Role: "Architect"}}},
		{name: "join on a closed project", given: withCharter(events.ProjectClosed{Outcome: "o", LessonsLearned: []string{"l"}}),
			when: JoinMember{Person: engineer, Name: "Ana Lima", Role: "r"}, kind: ErrRuleViolated, rule: "project.closed"},

		{name: "request access", given: withCharter(joined()),
			when: RequestAccess{Person: engineer, System: "Teams admin", Level: "Teams Communications Administrator"},
			then: []events.Payload{requested}},
		{name: "request access again after a revocation", given: withCharter(joined(), requested, provisioned, revoked),
			when: RequestAccess{Person: engineer, System: "Teams admin", Level: "read-only"},
			then: []events.Payload{events.AccessRequested{Person: engineer, System: "Teams admin", Level: "read-only"}}},
		{name: "request access for a rejoined member", given: withCharter(joined(), requested, provisioned, revoked, left, joined()),
			when: RequestAccess{Person: engineer, System: "Teams admin", Level: "read-only"},
			then: []events.Payload{events.AccessRequested{Person: engineer, System: "Teams admin", Level: "read-only"}}},
		{name: "request access without a level", given: withCharter(joined()), when: RequestAccess{Person: engineer, System: "Teams admin"},
			kind: ErrInvalid, rule: "required", field: "level"},
		{name: "request access without a system", given: withCharter(joined()), when: RequestAccess{Person: engineer, Level: "l"},
			kind: ErrInvalid, rule: "required", field: "system"},
		{name: "request access for a stranger", given: withCharter(), when: RequestAccess{Person: engineer, System: "s", Level: "l"},
			kind: ErrRuleViolated, rule: "team.not_a_member", field: "person"},
		{name: "request access for a leaver", given: withCharter(joined(), left), when: RequestAccess{Person: engineer, System: "s", Level: "l"},
			kind: ErrRuleViolated, rule: "team.member_left", field: "person"},
		{name: "request access twice", given: withCharter(joined(), requested),
			when: RequestAccess{Person: engineer, System: "Teams admin", Level: "l"},
			kind: ErrRuleViolated, rule: "team.access_already_requested", field: "system"},
		{name: "request access already provisioned", given: withCharter(joined(), requested, provisioned),
			when: RequestAccess{Person: engineer, System: "Teams admin", Level: "l"},
			kind: ErrRuleViolated, rule: "team.access_already_provisioned", field: "system"},

		{name: "provision", given: withCharter(joined(), requested), when: ProvisionAccess{Person: engineer, System: "Teams admin"},
			then: []events.Payload{provisioned}},
		{name: "provision what was not requested", given: withCharter(joined()), when: ProvisionAccess{Person: engineer, System: "Teams admin"},
			kind: ErrRuleViolated, rule: "team.access_not_requested", field: "system"},
		{name: "provision revoked access", given: withCharter(joined(), requested, provisioned, revoked),
			when: ProvisionAccess{Person: engineer, System: "Teams admin"},
			kind: ErrRuleViolated, rule: "team.access_not_requested", field: "system"},
		{name: "provision twice", given: withCharter(joined(), requested, provisioned), when: ProvisionAccess{Person: engineer, System: "Teams admin"},
			kind: ErrRuleViolated, rule: "team.access_already_provisioned", field: "system"},
		{name: "provision for a stranger", given: withCharter(), when: ProvisionAccess{Person: engineer, System: "Teams admin"},
			kind: ErrRuleViolated, rule: "team.not_a_member", field: "person"},
		{name: "provision with a bad e-mail", given: withCharter(), when: ProvisionAccess{Person: "ana", System: "Teams admin"},
			kind: ErrInvalid, rule: "email", field: "person"},

		{name: "revoke provisioned access", given: withCharter(joined(), requested, provisioned),
			when: RevokeAccess{Person: engineer, System: "Teams admin"}, meta: revoke, then: []events.Payload{revoked}},
		{name: "revoke a request", given: withCharter(joined(), requested),
			when: RevokeAccess{Person: engineer, System: "Teams admin"}, meta: revoke, then: []events.Payload{revoked}},
		{name: "revoke without a reason", given: withCharter(joined(), requested, provisioned),
			when: RevokeAccess{Person: engineer, System: "Teams admin"}, kind: ErrInvalid, rule: "reason_required", field: "reason"},
		{name: "revoke twice", given: withCharter(joined(), requested, provisioned, revoked),
			when: RevokeAccess{Person: engineer, System: "Teams admin"}, meta: revoke,
			kind: ErrRuleViolated, rule: "team.access_not_granted", field: "system"},
		{name: "revoke access never asked for", given: withCharter(joined()),
			when: RevokeAccess{Person: engineer, System: "Carrier portal"}, meta: revoke,
			kind: ErrRuleViolated, rule: "team.access_not_granted", field: "system"},
		{name: "revoke for a stranger", given: withCharter(),
			when: RevokeAccess{Person: engineer, System: "Teams admin"}, meta: revoke,
			kind: ErrRuleViolated, rule: "team.not_a_member", field: "person"},

		{name: "leave", given: withCharter(joined()), when: LeaveMember{Person: engineer}, then: []events.Payload{left}},
		{name: "leave after offboarding", given: withCharter(joined(), requested, provisioned, revoked),
			when: LeaveMember{Person: engineer}, then: []events.Payload{left}},
		{name: "leave with access provisioned", given: withCharter(joined(), requested, provisioned),
			when: LeaveMember{Person: engineer}, kind: ErrRuleViolated, rule: "team.access_still_provisioned", field: "person"},
		{name: "leave with access requested", given: withCharter(joined(), requested),
			when: LeaveMember{Person: engineer}, kind: ErrRuleViolated, rule: "team.access_still_requested", field: "person"},
		{name: "leave twice", given: withCharter(joined(), left), when: LeaveMember{Person: engineer},
			kind: ErrRuleViolated, rule: "team.member_left", field: "person"},
		{name: "a stranger leaves", given: withCharter(), when: LeaveMember{Person: engineer},
			kind: ErrRuleViolated, rule: "team.not_a_member", field: "person"},
		{name: "leave with a bad e-mail", given: withCharter(), when: LeaveMember{Person: "ana"},
			kind: ErrInvalid, rule: "email", field: "person"},
	})
}

// TestAssignable pins the rules others rely on: who may be given new work.
func TestAssignable(t *testing.T) {
	requested := events.AccessRequested{Person: engineer, System: "s", Level: "l"}
	provisioned := events.AccessProvisioned{Person: engineer, System: "s"}
	revoked := events.AccessRevoked{Person: engineer, System: "s"}
	left := events.MemberLeft{Person: engineer}
	cases := []struct {
		name    string
		history []events.Payload
		rule    string // "" when assignable
	}{
		{"a stranger", withCharter(), "team.not_a_member"},
		{"a new member", withCharter(joined()), ""},
		{"a member with access", withCharter(joined(), requested, provisioned), ""},
		{"a member whose access was revoked", withCharter(joined(), requested, provisioned, revoked), "team.access_revoked"},
		{"a leaver", withCharter(joined(), requested, provisioned, revoked, left), "team.member_left"},
		{"a member who rejoined", withCharter(joined(), requested, provisioned, revoked, left, joined()), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := given(c.history...).team.assignable("owner", engineer)
			if c.rule == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrRuleViolated)
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, c.rule, e.Rule)
			require.Equal(t, "owner", e.Field)
		})
	}
}

// TestAccessRequestedAgainStaysRevoked: found by the property test — a new
// request after a revocation is not access; until it is provisioned the
// member still cannot be given new actions.
func TestAccessRequestedAgainStaysRevoked(t *testing.T) {
	history := withCharter(
		events.MemberJoined{Person: "ann@example.com", Name: "Ann", Role: "engineer"},
		events.AccessRequested{Person: "ann@example.com", System: "portal", Level: "user"},
		events.AccessProvisioned{Person: "ann@example.com", System: "portal"},
		events.AccessRevoked{Person: "ann@example.com", System: "portal"},
		events.AccessRequested{Person: "ann@example.com", System: "portal", Level: "user"},
	)
	runGWT(t, []gwt{
		{name: "an action while access is only requested again", given: history,
			when: AddAction{Title: "a", Owner: "ann@example.com", Due: date("2026-04-01")},
			kind: ErrRuleViolated, rule: "team.access_revoked", field: "owner"},
		{name: "once provisioned again, actions are allowed", given: append(history, events.AccessProvisioned{Person: "ann@example.com", System: "portal"}),
			when: AddAction{Title: "a", Owner: "ann@example.com", Due: date("2026-04-01")},
			then: []events.Payload{events.ActionItemAdded{ActionID: "AI-1", Title: "a", Owner: "ann@example.com", Due: date("2026-04-01")}}},
	})
}
