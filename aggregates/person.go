package aggregates

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// PersonStream is the stream of one person in the people directory.
func PersonStream(id uuid.UUID) string { return "person-" + id.String() }

// personNamespace derives person ids from e-mail addresses.
var personNamespace = uuid.MustParse("b5b0e1d2-7a43-5c8e-9f61-3d2a4c0e8b17")

// PersonIDFor is the id a person with this e-mail address gets when callers
// want one stream per address: the same address (in any letter case) always
// gives the same id, so registering it twice is refused by the stream itself.
func PersonIDFor(email string) uuid.UUID {
	return uuid.NewSHA1(personNamespace, []byte(strings.ToLower(strings.TrimSpace(email))))
}

// Roles in pledger itself (DESIGN.md decision 9).
var pledgerRoles = []string{events.RoleAdmin, events.RolePM, events.RoleCoordinator, events.RoleContributor, events.RoleAuditor, events.RoleVendor}

// Grant is one pledger role given to a person.
type Grant struct {
	ID        string // G-n
	Role      string
	ProjectID string // "" for every project
	VendorID  string // the vendor a vendor role acts for
	Revoked   bool
}

// Person is the people directory's record of one person and their pledger
// role grants.
type Person struct {
	id         uuid.UUID
	ver        uint64
	registered events.PersonRegistered
	grants     map[string]*Grant
	order      []string // grant ids in the order granted
	lastGrant  int      // highest n of a G-n handed out
}

// NewPerson returns the empty state of person id, before registration.
func NewPerson(id uuid.UUID) *Person {
	return &Person{id: id, grants: map[string]*Grant{}}
}

func (p *Person) version() uint64 { return p.ver }

// Version is the stream version the state reflects.
func (p *Person) Version() uint64 { return p.ver }

func (p *Person) apply(ev events.Event, payload events.Payload) {
	p.ver = ev.Version
	switch e := payload.(type) {
	case events.PersonRegistered:
		p.registered = e
	case events.RoleGranted:
		p.grants[e.GrantID] = &Grant{ID: e.GrantID, Role: e.Role, ProjectID: e.ProjectID, VendorID: e.VendorID}
		p.order = append(p.order, e.GrantID)
		if n, err := strconv.Atoi(strings.TrimPrefix(e.GrantID, "G-")); err == nil && n > p.lastGrant {
			p.lastGrant = n
		}
	case events.RoleRevoked:
		p.grants[e.GrantID].Revoked = true
	}
}

// ID is the person's id.
func (p *Person) ID() uuid.UUID { return p.id }

// Registered reports whether the person is in the directory.
func (p *Person) Registered() bool { return p.registered.PersonID != "" }

// Email is the person's e-mail address, their key across projects.
func (p *Person) Email() string { return p.registered.Email }

// Name is the person's name.
func (p *Person) Name() string { return p.registered.Name }

// Organisation is the person's organisation, if given.
func (p *Person) Organisation() string { return p.registered.Organisation }

// Grants returns every grant, revoked ones included, in the order granted.
func (p *Person) Grants() []Grant {
	out := make([]Grant, 0, len(p.order))
	for _, id := range p.order {
		out = append(out, *p.grants[id])
	}
	return out
}

// ActiveGrants returns the grants that still hold, in the order granted.
func (p *Person) ActiveGrants() []Grant {
	return slices.DeleteFunc(p.Grants(), func(g Grant) bool { return g.Revoked })
}

// PersonCommand is a command on a person. Decide checks it against the
// state and returns the events it results in, or a typed *Error; it never
// changes the state.
type PersonCommand interface {
	Decide(p *Person, meta Meta) ([]events.Payload, error)
}

// ExecPerson runs a command on a person and appends its events. A grant
// naming a project or a vendor is checked against them first.
func (r *Repository) ExecPerson(ctx context.Context, id uuid.UUID, cmd PersonCommand, meta Meta) (Result, error) {
	if g, ok := cmd.(GrantRole); ok {
		if err := r.grantTargetsExist(ctx, g); err != nil {
			return Result{}, err
		}
	}
	return execute(ctx, r, PersonStream(id), func() *Person { return NewPerson(id) }, meta,
		func(p *Person) ([]events.Payload, error) { return cmd.Decide(p, meta) })
}

// grantTargetsExist refuses a grant on a project or for a vendor that does
// not exist. Malformed ids are left to Decide to report.
func (r *Repository) grantTargetsExist(ctx context.Context, g GrantRole) error {
	if pid, err := uuid.Parse(g.ProjectID); err == nil && pid != uuid.Nil {
		p, err := r.Project(ctx, pid)
		if err != nil {
			return err
		}
		if !p.Chartered() {
			return notFound("project_id", "project", g.ProjectID)
		}
	}
	if vid, err := uuid.Parse(g.VendorID); err == nil && vid != uuid.Nil && g.Role == events.RoleVendor {
		if _, err := r.Vendor(ctx, vid.String()); err != nil {
			return err
		}
	}
	return nil
}

// Person returns a registered person, or an ErrNotFound *Error. The state is
// shared with the repository: read it, never keep it across commands.
func (r *Repository) Person(ctx context.Context, id uuid.UUID) (*Person, error) {
	p, err := load(ctx, r, PersonStream(id), func() *Person { return NewPerson(id) })
	if err != nil {
		return nil, err
	}
	if !p.Registered() {
		return nil, notFound("person_id", "person", id.String())
	}
	return p, nil
}

// RegisterPerson adds a person to the directory.
type RegisterPerson struct {
	Email        string
	Name         string
	Organisation string
}

// Decide implements PersonCommand.
func (c RegisterPerson) Decide(p *Person, _ Meta) ([]events.Payload, error) {
	if p.Registered() {
		return nil, violates("person.already_registered", "person %s is already registered as %s", p.id, p.registered.Email)
	}
	var v check
	v.person("email", c.Email)
	v.text("name", c.Name)
	v.optionalText("organisation", c.Organisation)
	if v.err != nil {
		return nil, v.err
	}
	return []events.Payload{events.PersonRegistered{PersonID: p.id.String(), Email: c.Email, Name: c.Name, Organisation: c.Organisation}}, nil
}

// GrantRole gives a registered person a pledger role on one project, or on
// every project (ProjectID ""). A vendor role names its vendor; no other
// role does.
type GrantRole struct {
	Role      string
	ProjectID string
	VendorID  string
}

// Decide implements PersonCommand.
func (c GrantRole) Decide(p *Person, _ Meta) ([]events.Payload, error) {
	var v check
	v.oneOf("role", c.Role, pledgerRoles...)
	projectID := c.ProjectID
	if projectID != "" {
		projectID = v.grantTarget("project_id", c.ProjectID)
	}
	vendorID := c.VendorID
	switch {
	case c.Role == events.RoleVendor && c.VendorID == "":
		v.fail(invalid("vendor_id", "required", "a vendor role must name its vendor"))
	case c.Role == events.RoleVendor:
		vendorID = v.grantTarget("vendor_id", c.VendorID)
	case c.VendorID != "":
		v.fail(invalid("vendor_id", "person.vendor_only", "only a vendor role names a vendor, not %s", c.Role))
	}
	if v.err != nil {
		return nil, v.err
	}
	if !p.Registered() {
		return nil, notFound("person_id", "person", p.id.String())
	}
	for _, id := range p.order {
		if g := p.grants[id]; !g.Revoked && g.Role == c.Role && g.ProjectID == projectID && g.VendorID == vendorID {
			return nil, violatesField("role", "person.role_already_granted", "%s already holds %s by grant %s", p.registered.Email, c.Role, g.ID)
		}
	}
	return []events.Payload{events.RoleGranted{GrantID: fmt.Sprintf("G-%d", p.lastGrant+1), Role: c.Role, ProjectID: projectID, VendorID: vendorID}}, nil
}

// grantTarget requires a non-nil UUID and returns it in canonical form.
func (c *check) grantTarget(field, value string) string {
	id, err := uuid.Parse(value)
	if err != nil || id == uuid.Nil {
		c.fail(invalid(field, "uuid", "must be a UUID, got %q", value))
		return value
	}
	return id.String()
}

// RevokeRole withdraws an active grant; the reason is required.
type RevokeRole struct {
	GrantID string
}

// Decide implements PersonCommand.
func (c RevokeRole) Decide(p *Person, meta Meta) ([]events.Payload, error) {
	var v check
	v.reason(meta, "revoke a role")
	if v.err != nil {
		return nil, v.err
	}
	if !p.Registered() {
		return nil, notFound("person_id", "person", p.id.String())
	}
	g, ok := p.grants[c.GrantID]
	switch {
	case !ok:
		return nil, notFound("grant_id", "grant", c.GrantID)
	case g.Revoked:
		return nil, violatesField("grant_id", "person.grant_revoked", "grant %s is already revoked", c.GrantID)
	}
	return []events.Payload{events.RoleRevoked(c)}, nil
}
