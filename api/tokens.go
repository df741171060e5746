package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"

	"github.com/pledger/pledger/aggregates"
)

// tokenPrefix marks pledger tokens, so secret scanners can find leaked ones.
const tokenPrefix = "plg_"

// IssueToken makes a random token, records only its hash with the grant in
// cmd, and returns the token (to show once) and its id.
func IssueToken(ctx context.Context, repo *aggregates.Repository, cmd aggregates.IssueToken, meta aggregates.Meta) (token, id string, err error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", "", err
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(secret)
	sum := sha256.Sum256([]byte(token))
	cmd.Hash = hex.EncodeToString(sum[:])
	res, err := repo.IssueToken(ctx, cmd, meta)
	if err != nil {
		return "", "", err
	}
	return token, firstField(res, "token_id"), nil
}
