package events

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// SealsStream holds the ledger's seals. It is a stream like any other, so
// its own head is covered by the next seal.
const SealsStream = "ledger-seals"

// Sealed is the payload of a seal: an Ed25519 signature over the Merkle root
// of every stream head at Position. A seal detects what a per-stream chain
// cannot: a stream's tail cut off, or a whole stream deleted.
type Sealed struct {
	Position  uint64 `json:"position"`
	Streams   int    `json:"streams"`
	Root      Hash   `json:"root"`
	KeyID     string `json:"key_id"`
	Signature []byte `json:"signature"`
}

// EventType implements Payload.
func (Sealed) EventType() string { return "ledger.sealed" }

// MerkleRoot returns the RFC 6962 Merkle tree hash over heads sorted by
// stream name. A leaf is SHA-256(0x00 ‖ len ‖ stream ‖ version ‖ hash); an
// inner node is SHA-256(0x01 ‖ left ‖ right).
func MerkleRoot(heads []StreamHead) Hash {
	sorted := slices.Clone(heads)
	slices.SortFunc(sorted, func(a, b StreamHead) int { return strings.Compare(a.Stream, b.Stream) })
	leaves := make([]Hash, len(sorted))
	for i, h := range sorted {
		buf := make([]byte, 0, 1+binary.MaxVarintLen64+len(h.Stream)+8+len(h.Hash))
		buf = append(buf, 0x00)
		buf = binary.AppendUvarint(buf, uint64(len(h.Stream)))
		buf = append(buf, h.Stream...)
		buf = binary.BigEndian.AppendUint64(buf, h.Version)
		buf = append(buf, h.Hash[:]...)
		leaves[i] = sha256.Sum256(buf)
	}
	return merkle(leaves)
}

func merkle(leaves []Hash) Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	left, right := merkle(leaves[:k]), merkle(leaves[k:])
	node := make([]byte, 0, 1+2*len(left))
	node = append(append(append(node, 0x01), left[:]...), right[:]...)
	return sha256.Sum256(node)
}

// sealMessage is what a seal's signature covers.
func sealMessage(position uint64, streams int, root Hash) []byte {
	msg := []byte("pledger.seal.v1")
	msg = binary.BigEndian.AppendUint64(msg, position)
	msg = binary.BigEndian.AppendUint64(msg, uint64(streams))
	return append(msg, root[:]...)
}

// NewSeal signs the Merkle root of heads, which describe the log at position.
func NewSeal(key ed25519.PrivateKey, position uint64, heads []StreamHead) Sealed {
	root := MerkleRoot(heads)
	pub := key.Public().(ed25519.PublicKey)
	return Sealed{
		Position:  position,
		Streams:   len(heads),
		Root:      root,
		KeyID:     KeyID(pub),
		Signature: ed25519.Sign(key, sealMessage(position, len(heads), root)),
	}
}

// SignatureValid reports whether s was signed by key.
func (s Sealed) SignatureValid(key ed25519.PublicKey) bool {
	return ed25519.Verify(key, sealMessage(s.Position, s.Streams, s.Root), s.Signature)
}

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// SealLedger appends a seal over the store's current stream heads, signed by
// key, and returns the seal event. A concurrent seal makes it fail with
// ErrWrongExpectedVersion rather than write two seals over one snapshot.
func SealLedger(ctx context.Context, store Store, key ed25519.PrivateKey, actor string) (Event, error) {
	position, heads, err := store.Heads(ctx)
	if err != nil {
		return Event{}, err
	}
	var sealsVersion uint64
	for _, h := range heads {
		if h.Stream == SealsStream {
			sealsVersion = h.Version
		}
	}
	seal := NewSeal(key, position, heads)
	data, err := json.Marshal(seal)
	if err != nil {
		return Event{}, err
	}
	res, err := store.Append(ctx, SealsStream, Exact(sealsVersion), Proposed{
		ID:            uuid.New(),
		Type:          seal.EventType(),
		SchemaVersion: 1,
		Data:          data,
		Actor:         actor,
		Reason:        fmt.Sprintf("seal %d streams at position %d", len(heads), position),
	})
	if err != nil {
		return Event{}, err
	}
	return res.Events[0], nil
}

// GenerateKey makes a new Ed25519 signing key pair.
func GenerateKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader)
}

// MarshalPrivateKey encodes key as a PKCS #8 PEM block.
func MarshalPrivateKey(key ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalPublicKey encodes key as a PKIX PEM block (what openssl prints).
func MarshalPublicKey(key ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePrivateKey decodes a PEM PKCS #8 Ed25519 private key.
func ParsePrivateKey(pemBytes []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("events: not a PEM private key")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("events: private key: %w", err)
	}
	ed, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("events: private key is not Ed25519")
	}
	return ed, nil
}

// ParsePublicKey decodes a PEM PKIX Ed25519 public key.
func ParsePublicKey(pemBytes []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("events: not a PEM public key")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("events: public key: %w", err)
	}
	ed, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, errors.New("events: public key is not Ed25519")
	}
	return ed, nil
}
