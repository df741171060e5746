package aggregates

import (
	"github.com/pledger/pledger/events"
)

// Access states per system.
const (
	accessRequested   = "requested"
	accessProvisioned = "provisioned"
	accessRevoked     = "revoked"
)

type member struct {
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
		case accessRevoked:
			anyRevoked = true
		}
	}
	return anyRevoked
}

type team struct {
	members map[string]*member // by e-mail
}

func newTeam() team { return team{members: map[string]*member{}} }

func (t *team) apply(payload events.Payload) {
	switch e := payload.(type) {
	case events.MemberJoined:
		t.members[e.Person] = &member{role: e.Role, access: map[string]string{}}
	case events.AccessRequested:
		t.members[e.Person].access[e.System] = accessRequested
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
