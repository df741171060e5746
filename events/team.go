package events

// Team and onboarding, in the project's stream; people and their pledger
// access grants, across projects, in person-<uuid> streams.

// MemberJoined adds a person to the project team.
type MemberJoined struct {
	Person string `json:"person"` // e-mail address, the person's key across projects
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// AccessRequested asks for a member's access to a system (Teams admin, the
// carrier portal, …).
type AccessRequested struct {
	Person string `json:"person"`
	System string `json:"system"`
	Level  string `json:"level"`
}

// AccessProvisioned records that requested access was granted.
type AccessProvisioned struct {
	Person string `json:"person"`
	System string `json:"system"`
}

// AccessRevoked withdraws a member's access to a system.
type AccessRevoked struct {
	Person string `json:"person"`
	System string `json:"system"`
}

// MemberLeft removes a person from the team.
type MemberLeft struct {
	Person string `json:"person"`
}

// PersonRegistered adds a person to the directory. Stream: person-<uuid>.
type PersonRegistered struct {
	PersonID     string `json:"person_id"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
}

// Roles in pledger itself (DESIGN.md decision 9).
const (
	RoleAdmin       = "admin"
	RolePM          = "pm"
	RoleCoordinator = "coordinator"
	RoleContributor = "contributor"
	RoleAuditor     = "auditor"
	RoleVendor      = "vendor"
)

// RoleGranted gives a person a pledger role on a project (or on every
// project, ProjectID ""); a vendor role names its vendor.
type RoleGranted struct {
	GrantID   string `json:"grant_id"`
	Role      string `json:"role"`
	ProjectID string `json:"project_id,omitempty"`
	VendorID  string `json:"vendor_id,omitempty"`
}

// RoleRevoked withdraws a grant.
type RoleRevoked struct {
	GrantID string `json:"grant_id"`
}

func (MemberJoined) EventType() string      { return "team.member_joined" }
func (AccessRequested) EventType() string   { return "team.access_requested" }
func (AccessProvisioned) EventType() string { return "team.access_provisioned" }
func (AccessRevoked) EventType() string     { return "team.access_revoked" }
func (MemberLeft) EventType() string        { return "team.member_left" }
func (PersonRegistered) EventType() string  { return "person.registered" }
func (RoleGranted) EventType() string       { return "person.role_granted" }
func (RoleRevoked) EventType() string       { return "person.role_revoked" }
