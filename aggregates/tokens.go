package aggregates

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/pledger/pledger/events"
)

// TokensStream holds every API token ever issued, and its revocation.
const TokensStream = "access-tokens"

// Token is an issued API token as the ledger knows it.
type Token struct {
	events.TokenIssued
	Revoked bool
}

// Tokens is the state of the access-tokens stream.
type Tokens struct {
	ver    uint64
	byID   map[string]*Token
	byHash map[string]*Token
	order  []string
}

// NewTokens returns the empty token register.
func NewTokens() *Tokens { return &Tokens{byID: map[string]*Token{}, byHash: map[string]*Token{}} }

func (t *Tokens) version() uint64 { return t.ver }

func (t *Tokens) apply(ev events.Event, payload events.Payload) {
	t.ver = ev.Version
	switch e := payload.(type) {
	case events.TokenIssued:
		tok := &Token{TokenIssued: e}
		t.byID[e.TokenID], t.byHash[e.Hash] = tok, tok
		t.order = append(t.order, e.TokenID)
	case events.TokenRevoked:
		t.byID[e.TokenID].Revoked = true
	}
}

// ByHash returns the active token with this hash.
func (t *Tokens) ByHash(hash string) (Token, bool) {
	tok, ok := t.byHash[hash]
	if !ok || tok.Revoked {
		return Token{}, false
	}
	return *tok, true
}

// All returns every token, in the order issued.
func (t *Tokens) All() []Token {
	out := make([]Token, 0, len(t.order))
	for _, id := range t.order {
		out = append(out, *t.byID[id])
	}
	return out
}

var roles = []string{events.RoleAdmin, events.RolePM, events.RoleCoordinator, events.RoleContributor, events.RoleAuditor, events.RoleVendor}

// IssueToken grants a new token a role. Hash is the SHA-256 of the token,
// which the caller made and shows once; ProjectID "" means every project.
type IssueToken struct {
	Name      string
	Role      string
	ProjectID string
	VendorID  string
	Hash      string
}

// Decide returns the events issuing the token.
func (c IssueToken) Decide(t *Tokens) ([]events.Payload, error) {
	var v check
	v.text("name", c.Name)
	v.oneOf("role", c.Role, roles...)
	if c.ProjectID != "" {
		if _, err := uuid.Parse(c.ProjectID); err != nil {
			v.fail(invalid("project_id", "uuid", "must be a project's UUID, got %q", c.ProjectID))
		}
	}
	switch {
	case c.Role == events.RoleVendor && (c.VendorID == "" || c.ProjectID == ""):
		v.fail(invalid("vendor_id", "required", "a vendor token names its vendor and its project"))
	case c.Role != events.RoleVendor && c.VendorID != "":
		v.fail(invalid("vendor_id", "vendor_only", "only a vendor token names a vendor"))
	}
	if len(c.Hash) != 64 {
		v.fail(invalid("hash", "sha256_hex", "must be 64 hex digits"))
	}
	if v.err != nil {
		return nil, v.err
	}
	if _, dup := t.byHash[c.Hash]; dup {
		return nil, violates("token.duplicate", "this token was issued before")
	}
	id := fmt.Sprintf("TK-%d", len(t.order)+1)
	return []events.Payload{events.TokenIssued{TokenID: id, Name: c.Name, Role: c.Role, ProjectID: c.ProjectID, VendorID: c.VendorID, Hash: c.Hash}}, nil
}

// RevokeToken withdraws a token; the reason is required.
type RevokeToken struct {
	TokenID string
}

// Decide returns the events revoking the token.
func (c RevokeToken) Decide(t *Tokens, meta Meta) ([]events.Payload, error) {
	var v check
	v.reason(meta, "revoke a token")
	if v.err != nil {
		return nil, v.err
	}
	tok, ok := t.byID[c.TokenID]
	switch {
	case !ok:
		return nil, notFound("token_id", "token", c.TokenID)
	case tok.Revoked:
		return nil, violatesField("token_id", "token.revoked", "token %s is already revoked", c.TokenID)
	}
	return []events.Payload{events.TokenRevoked(c)}, nil
}

// IssueToken appends a token grant.
func (r *Repository) IssueToken(ctx context.Context, cmd IssueToken, meta Meta) (Result, error) {
	return execute(ctx, r, TokensStream, NewTokens, meta, cmd.Decide)
}

// RevokeToken appends a token revocation.
func (r *Repository) RevokeToken(ctx context.Context, cmd RevokeToken, meta Meta) (Result, error) {
	return execute(ctx, r, TokensStream, NewTokens, meta, func(t *Tokens) ([]events.Payload, error) { return cmd.Decide(t, meta) })
}

// LookupToken returns the active token with this hash, caught up with the
// log. Safe for concurrent use with IssueToken and RevokeToken.
func (r *Repository) LookupToken(ctx context.Context, hash string) (Token, bool, error) {
	var tok Token
	var ok bool
	err := withState(ctx, r, TokensStream, NewTokens, func(t *Tokens) { tok, ok = t.ByHash(hash) })
	return tok, ok, err
}

// ListTokens returns every token ever issued, in order.
func (r *Repository) ListTokens(ctx context.Context) ([]Token, error) {
	var all []Token
	err := withState(ctx, r, TokensStream, NewTokens, func(t *Tokens) { all = t.All() })
	return all, err
}
