package aggregates

import (
	"context"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// VendorStream is the stream of one vendor in the vendor master.
func VendorStream(id uuid.UUID) string { return "vendor-" + id.String() }

// Vendor is the vendor master's record of one vendor.
type Vendor struct {
	id         uuid.UUID
	ver        uint64
	registered events.VendorRegistered
}

func (v *Vendor) version() uint64 { return v.ver }

func (v *Vendor) apply(ev events.Event, payload events.Payload) {
	v.ver = ev.Version
	if e, ok := payload.(events.VendorRegistered); ok {
		v.registered = e
	}
}

// ID is the vendor's id.
func (v *Vendor) ID() uuid.UUID { return v.id }

// Name is the vendor's registered name.
func (v *Vendor) Name() string { return v.registered.Name }

// RegisterVendor adds a vendor to the master.
type RegisterVendor struct {
	Name    string
	Contact string
	Country string
}

// Decide returns the events registering the vendor.
func (c RegisterVendor) Decide(v *Vendor) ([]events.Payload, error) {
	if v.registered.VendorID != "" {
		return nil, violates("vendor.already_registered", "vendor %s is already registered as %q", v.id, v.registered.Name)
	}
	var ck check
	ck.text("name", c.Name)
	ck.person("contact", c.Contact)
	if c.Country != "" && !countryPattern.MatchString(c.Country) {
		ck.fail(invalid("country", "iso_3166", "must be a two-letter country code, got %q", c.Country))
	}
	if ck.err != nil {
		return nil, ck.err
	}
	return []events.Payload{events.VendorRegistered{VendorID: v.id.String(), Name: c.Name, Contact: c.Contact, Country: c.Country}}, nil
}

// RegisterVendor runs cmd for vendor id.
func (r *Repository) RegisterVendor(ctx context.Context, id uuid.UUID, cmd RegisterVendor, meta Meta) (Result, error) {
	return execute(ctx, r, VendorStream(id), func() *Vendor { return &Vendor{id: id} }, meta, cmd.Decide)
}

// Vendor returns a registered vendor, or an ErrNotFound *Error.
func (r *Repository) Vendor(ctx context.Context, id string) (*Vendor, error) {
	vid, err := uuid.Parse(id)
	if err != nil {
		return nil, invalid("vendor_id", "uuid", "must be a vendor's UUID, got %q", id)
	}
	v, err := load(ctx, r, VendorStream(vid), func() *Vendor { return &Vendor{id: vid} })
	if err != nil {
		return nil, err
	}
	if v.registered.VendorID == "" {
		return nil, notFound("vendor_id", "vendor", id)
	}
	return v, nil
}

// needsVendor is a project command that refers to a vendor in the master:
// the repository looks the vendor up and hands it to the command before it
// decides, so decide stays pure.
type needsVendor interface {
	vendorID() string
	withVendor(*Vendor) ProjectCommand
}
