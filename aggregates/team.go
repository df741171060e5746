package aggregates

import (
	"slices"
	"strings"

	"github.com/pledger/pledger/events"
)

// Access states per system.
const (
	accessRequested   = "requested"
	accessProvisioned = "provisioned"
	accessRevoked     = "revoked"
	// accessRerequested is access requested again after a revocation: until
	// it is provisioned, the member's access is still revoked.
	accessRerequested = "requested again"
)

type member struct {
	name   string
	role   string
	left   bool
	access map[string]string // system → state
}

// revoked reports whether the member's access was taken away: some access
// was revoked and none is provisioned any more.
func (m *member) revoked() bool {
	anyRevoked := false
	for _, state := range m.access {
		switch state {
		case accessProvisioned:
			return false
		case accessRevoked, accessRerequested:
			anyRevoked = true
		}
	}
	return anyRevoked
}

// accessIn returns the systems whose access is in state, for messages.
func (m *member) accessIn(state string) []string {
	var systems []string
	for system, s := range m.access {
		if s == state {
			systems = append(systems, system)
		}
	}
	slices.Sort(systems)
	return systems
}

type team struct {
	members map[string]*member // by e-mail
}

func newTeam() team { return team{members: map[string]*member{}} }

func (t *team) apply(payload events.Payload) {
	switch e := payload.(type) {
	case events.MemberJoined:
		m, rejoined := t.members[e.Person]
		if !rejoined {
			t.members[e.Person] = &member{name: e.Name, role: e.Role, access: map[string]string{}}
			return
		}
		// A member who left and rejoins starts onboarding afresh: revoked
		// access is history (it stays in the events), anything still live
		// is kept.
		m.name, m.role, m.left = e.Name, e.Role, false
		for system, state := range m.access {
			if state == accessRevoked {
				delete(m.access, system)
			}
		}
	case events.AccessRequested:
		m := t.members[e.Person]
		if m.access[e.System] == accessRevoked {
			m.access[e.System] = accessRerequested
		} else {
			m.access[e.System] = accessRequested
		}
	case events.AccessProvisioned:
		t.members[e.Person].access[e.System] = accessProvisioned
	case events.AccessRevoked:
		t.members[e.Person].access[e.System] = accessRevoked
	case events.MemberLeft:
		t.members[e.Person].left = true
	}
}

// assignable returns nil if person may be given new work (actions).
func (t *team) assignable(field, person string) error {
	m, ok := t.members[person]
	switch {
	case !ok:
		return violatesField(field, "team.not_a_member", "%s is not a member of the project team", person)
	case m.left:
		return violatesField(field, "team.member_left", "%s has left the project team", person)
	case m.revoked():
		return violatesField(field, "team.access_revoked", "%s's access was revoked: they cannot be assigned new actions", person)
	}
	return nil
}

// member returns a member who joined, whether or not they left since.
func (t *team) member(person string) (*member, error) {
	m, ok := t.members[person]
	if !ok {
		return nil, violatesField("person", "team.not_a_member", "%s is not a member of the project team", person)
	}
	return m, nil
}

// current returns a member who is on the team now.
func (t *team) current(person string) (*member, error) {
	m, err := t.member(person)
	if err != nil {
		return nil, err
	}
	if m.left {
		return nil, violatesField("person", "team.member_left", "%s has left the project team", person)
	}
	return m, nil
}

// JoinMember adds a person to the project team. A member who left may
// rejoin.
type JoinMember struct {
	Person string // e-mail address
	Name   string
	Role   string // the role on the project (network engineer, …), not a pledger role
}

// Decide implements ProjectCommand.
func (c JoinMember) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.person("person", c.Person)
	v.text("name", c.Name)
	v.text("role", c.Role)
	if v.err != nil {
		return nil, v.err
	}
	if m, ok := p.team.members[c.Person]; ok && !m.left {
		return nil, violatesField("person", "team.already_member", "%s is already a member of the project team (as %s)", c.Person, m.role)
	}
	return []events.Payload{events.MemberJoined(c)}, nil
}

// RequestAccess asks for a current member's access to a system.
type RequestAccess struct {
	Person string
	System string
	Level  string
}

// Decide implements ProjectCommand.
func (c RequestAccess) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.person("person", c.Person)
	v.text("system", c.System)
	v.text("level", c.Level)
	if v.err != nil {
		return nil, v.err
	}
	m, err := p.team.current(c.Person)
	if err != nil {
		return nil, err
	}
	switch m.access[c.System] {
	case accessRequested, accessRerequested:
		return nil, violatesField("system", "team.access_already_requested", "access to %s for %s is already requested", c.System, c.Person)
	case accessProvisioned:
		return nil, violatesField("system", "team.access_already_provisioned", "%s already has access to %s", c.Person, c.System)
	}
	return []events.Payload{events.AccessRequested(c)}, nil
}

// ProvisionAccess records that requested access was granted.
type ProvisionAccess struct {
	Person string
	System string
}

// Decide implements ProjectCommand.
func (c ProvisionAccess) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.person("person", c.Person)
	v.text("system", c.System)
	if v.err != nil {
		return nil, v.err
	}
	m, err := p.team.current(c.Person)
	if err != nil {
		return nil, err
	}
	switch m.access[c.System] {
	case accessRequested, accessRerequested:
		return []events.Payload{events.AccessProvisioned(c)}, nil
	case accessProvisioned:
		return nil, violatesField("system", "team.access_already_provisioned", "%s already has access to %s", c.Person, c.System)
	}
	return nil, violatesField("system", "team.access_not_requested", "no access to %s is requested for %s", c.System, c.Person)
}

// RevokeAccess withdraws provisioned (or still requested) access; the
// reason is required.
type RevokeAccess struct {
	Person string
	System string
}

// Decide implements ProjectCommand.
func (c RevokeAccess) Decide(p *Project, meta Meta) ([]events.Payload, error) {
	var v check
	v.person("person", c.Person)
	v.text("system", c.System)
	v.reason(meta, "revoke access")
	if v.err != nil {
		return nil, v.err
	}
	m, err := p.team.member(c.Person) // access left behind by a leaver can still be cleaned up
	if err != nil {
		return nil, err
	}
	switch m.access[c.System] {
	case accessRequested, accessRerequested, accessProvisioned:
		return []events.Payload{events.AccessRevoked(c)}, nil
	}
	return nil, violatesField("system", "team.access_not_granted", "%s has no access to %s to revoke", c.Person, c.System)
}

// LeaveMember removes a current member from the team. Offboarding is
// explicit: access still provisioned or requested must be revoked first.
type LeaveMember struct {
	Person string
}

// Decide implements ProjectCommand.
func (c LeaveMember) Decide(p *Project, _ Meta) ([]events.Payload, error) {
	var v check
	v.person("person", c.Person)
	if v.err != nil {
		return nil, v.err
	}
	m, err := p.team.current(c.Person)
	if err != nil {
		return nil, err
	}
	if live := m.accessIn(accessProvisioned); len(live) > 0 {
		return nil, violatesField("person", "team.access_still_provisioned", "%s still has access to %s: revoke it first", c.Person, strings.Join(live, ", "))
	}
	if pending := append(m.accessIn(accessRequested), m.accessIn(accessRerequested)...); len(pending) > 0 {
		return nil, violatesField("person", "team.access_still_requested", "access to %s is still requested for %s: revoke the request first", strings.Join(pending, ", "), c.Person)
	}
	return []events.Payload{events.MemberLeft(c)}, nil
}
