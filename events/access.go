package events

// API access tokens. Stream: access-tokens. A token is shown once, when it
// is issued; the ledger keeps only its SHA-256.

// TokenIssued grants a bearer token a role, on one project or on every
// project (ProjectID ""); a vendor token names its vendor.
type TokenIssued struct {
	TokenID   string `json:"token_id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	ProjectID string `json:"project_id,omitempty"`
	VendorID  string `json:"vendor_id,omitempty"`
	Hash      string `json:"hash"` // hex SHA-256 of the token
}

// TokenRevoked withdraws a token.
type TokenRevoked struct {
	TokenID string `json:"token_id"`
}

func (TokenIssued) EventType() string  { return "access.token_issued" }
func (TokenRevoked) EventType() string { return "access.token_revoked" }
