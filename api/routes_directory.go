package api

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/pledger/pledger/aggregates"
)

// VendorRequest registers a vendor in the vendor master.
type VendorRequest struct {
	Write
	Name    string `json:"name"`
	Contact string `json:"contact"`           // e-mail address
	Country string `json:"country,omitempty"` // ISO 3166 alpha-2
}

// PersonRequest registers a person in the people directory. The person's
// id follows from the e-mail address, so a person is registered once.
type PersonRequest struct {
	Write
	Email        string `json:"email"`
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
}

// RoleRequest grants a person a pledger role on one project (or every
// project, project_id omitted); a vendor role names its vendor.
type RoleRequest struct {
	Write
	Role      string `json:"role"`
	ProjectID string `json:"project_id,omitempty"`
	VendorID  string `json:"vendor_id,omitempty"`
}

// directoryRoutes are the vendor master and the people directory: streams
// of their own, outside any project.
func (s *Server) directoryRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/vendors", Summary: "Register a vendor in the vendor master", Roles: admins, Request: VendorRequest{}, Response: Written{}, Status: http.StatusCreated,
			handle: func(cl *call) error {
				var r VendorRequest
				meta, err := cl.directoryWrite(&r, &r.Write)
				if err != nil {
					return err
				}
				res, err := s.repo.RegisterVendor(cl.Request().Context(), uuid.New(), aggregates.RegisterVendor{Name: r.Name, Contact: r.Contact, Country: r.Country}, meta)
				return cl.wrote(res, err, "vendor_id")
			}},
		{Method: http.MethodPost, Path: "/v1/people", Summary: "Register a person in the people directory", Roles: admins, Request: PersonRequest{}, Response: Written{}, Status: http.StatusCreated,
			handle: func(cl *call) error {
				var r PersonRequest
				meta, err := cl.directoryWrite(&r, &r.Write)
				if err != nil {
					return err
				}
				res, err := s.repo.ExecPerson(cl.Request().Context(), aggregates.PersonIDFor(r.Email),
					aggregates.RegisterPerson{Email: r.Email, Name: r.Name, Organisation: r.Organisation}, meta)
				return cl.wrote(res, err, "person_id")
			}},
		{Method: http.MethodPost, Path: "/v1/people/:personId/roles", Summary: "Grant a person a pledger role", Roles: admins, Request: RoleRequest{}, Response: Written{}, Status: http.StatusCreated,
			handle: func(cl *call) error {
				var r RoleRequest
				meta, err := cl.directoryWrite(&r, &r.Write)
				if err != nil {
					return err
				}
				id, err := uuid.Parse(cl.Param("personId"))
				if err != nil {
					return errNotFound
				}
				res, err := s.repo.ExecPerson(cl.Request().Context(), id, aggregates.GrantRole{Role: r.Role, ProjectID: r.ProjectID, VendorID: r.VendorID}, meta)
				return cl.wrote(res, err, "grant_id")
			}},
		{Method: http.MethodPost, Path: "/v1/people/:personId/roles/:grantId/revocation", Summary: "Revoke a person's role (reason required)", Roles: admins, Request: Write{}, Response: Written{}, Status: http.StatusOK,
			handle: func(cl *call) error {
				var r Write
				meta, err := cl.directoryWrite(&r, &r)
				if err != nil {
					return err
				}
				id, err := uuid.Parse(cl.Param("personId"))
				if err != nil {
					return errNotFound
				}
				res, err := s.repo.ExecPerson(cl.Request().Context(), id, aggregates.RevokeRole{GrantID: cl.Param("grantId")}, meta)
				return cl.wrote(res, err, "")
			}},
	}
}

// directoryWrite refuses a token bound to one project (the directory spans
// every project), then decodes the body into req and builds the metadata
// from w, the request's Write.
func (cl *call) directoryWrite(req any, w *Write) (aggregates.Meta, error) {
	if cl.who.ProjectID != "" {
		return aggregates.Meta{}, problem(http.StatusForbidden, "auth.project_token", "", "a token for one project cannot change the vendor master or the people directory")
	}
	if err := cl.decode(req); err != nil {
		return aggregates.Meta{}, err
	}
	return cl.meta(*w)
}
