package events_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
)

func testHeads() []events.StreamHead {
	return []events.StreamHead{
		{Stream: "project-b", Version: 2, Hash: events.Hash{0xb2}},
		{Stream: "project-a", Version: 3, Hash: events.Hash{0xa3}},
		{Stream: events.SealsStream, Version: 1, Hash: events.Hash{0x51}},
		{Stream: "vendors", Version: 1, Hash: events.Hash{0x71}},
	}
}

// leafHash is an RFC 6962 leaf for a head, spelled out byte by byte:
// 0x00, the stream name's length as a uvarint (one byte below 128), the
// name, the version as 8 big-endian bytes, the head's hash.
func leafHash(lenPrefix []byte, stream string, version uint64, h events.Hash) events.Hash {
	var b []byte
	b = append(b, 0x00)
	b = append(b, lenPrefix...)
	b = append(b, stream...)
	b = append(b, byte(version>>56), byte(version>>48), byte(version>>40), byte(version>>32),
		byte(version>>24), byte(version>>16), byte(version>>8), byte(version))
	b = append(b, h[:]...)
	return sha256.Sum256(b)
}

func node(l, r events.Hash) events.Hash {
	return sha256.Sum256(append(append([]byte{0x01}, l[:]...), r[:]...))
}

func TestMerkleRootByHand(t *testing.T) {
	t.Parallel()
	a := leafHash([]byte{9}, "project-a", 3, events.Hash{0xa3})
	b := leafHash([]byte{9}, "project-b", 2, events.Hash{0xb2})
	s := leafHash([]byte{12}, "ledger-seals", 1, events.Hash{0x51})
	v := leafHash([]byte{7}, "vendors", 1, events.Hash{0x71})
	z := leafHash([]byte{1}, "z", 9, events.Hash{0xff})
	// Sorted by stream name: ledger-seals, project-a, project-b, vendors, z.
	long := strings.Repeat("x", 200)

	emptyRoot, err := hex.DecodeString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	require.NoError(t, err)

	cases := []struct {
		name  string
		heads []events.StreamHead
		want  events.Hash
	}{
		{"no heads is the hash of nothing", nil, events.Hash(emptyRoot)},
		{"one head is its leaf", []events.StreamHead{{Stream: "project-a", Version: 3, Hash: events.Hash{0xa3}}}, a},
		{"a long name has a two-byte length", []events.StreamHead{{Stream: long, Version: 1, Hash: events.Hash{1}}},
			leafHash([]byte{0xc8, 0x01}, long, 1, events.Hash{1})},
		{"version is eight big-endian bytes", []events.StreamHead{{Stream: "project-a", Version: 1<<40 + 5, Hash: events.Hash{0xa3}}},
			leafHash([]byte{9}, "project-a", 1<<40+5, events.Hash{0xa3})},
		{"two heads", testHeads()[:2], node(a, b)},
		{"three heads split 2+1", testHeads()[:3], node(node(s, a), b)},
		{"four heads split 2+2", testHeads(), node(node(s, a), node(b, v))},
		{"five heads split 4+1", append(testHeads(), events.StreamHead{Stream: "z", Version: 9, Hash: events.Hash{0xff}}),
			node(node(node(s, a), node(b, v)), z)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, c.want, events.MerkleRoot(c.heads))
		})
	}
}

// permutations returns every ordering of heads.
func permutations(heads []events.StreamHead) [][]events.StreamHead {
	if len(heads) <= 1 {
		return [][]events.StreamHead{slices.Clone(heads)}
	}
	var out [][]events.StreamHead
	for i := range heads {
		rest := slices.Concat(heads[:i], heads[i+1:])
		for _, p := range permutations(rest) {
			out = append(out, append([]events.StreamHead{heads[i]}, p...))
		}
	}
	return out
}

func TestMerkleRootIgnoresOrder(t *testing.T) {
	t.Parallel()
	heads := append(testHeads(), events.StreamHead{Stream: "people", Version: 4, Hash: events.Hash{0x44}})
	want := events.MerkleRoot(heads)
	perms := permutations(heads)
	require.Len(t, perms, 120)
	for _, p := range perms {
		require.Equal(t, want, events.MerkleRoot(p))
	}
	original := testHeads()
	events.MerkleRoot(original)
	require.Equal(t, testHeads(), original, "MerkleRoot must not reorder its argument")
}

func TestMerkleRootChangesWithAnyHead(t *testing.T) {
	t.Parallel()
	base := events.MerkleRoot(testHeads())
	cases := []struct {
		name   string
		change func([]events.StreamHead) []events.StreamHead
	}{
		{"version", func(h []events.StreamHead) []events.StreamHead { h[0].Version--; return h }},
		{"hash", func(h []events.StreamHead) []events.StreamHead { h[1].Hash[31] = 1; return h }},
		{"stream name", func(h []events.StreamHead) []events.StreamHead { h[3].Stream = "vendor"; return h }},
		{"first head removed", func(h []events.StreamHead) []events.StreamHead { return h[1:] }},
		{"last head removed", func(h []events.StreamHead) []events.StreamHead { return h[:3] }},
		{"middle head removed", func(h []events.StreamHead) []events.StreamHead { return slices.Delete(h, 2, 3) }},
		{"head added", func(h []events.StreamHead) []events.StreamHead {
			return append(h, events.StreamHead{Stream: "x", Version: 1})
		}},
		{"head duplicated", func(h []events.StreamHead) []events.StreamHead { return append(h, h[0]) }},
		{"versions swapped between streams", func(h []events.StreamHead) []events.StreamHead {
			h[0].Version, h[1].Version = h[1].Version, h[0].Version
			return h
		}},
	}
	seen := map[events.Hash]string{base: "base"}
	for _, c := range cases {
		root := events.MerkleRoot(c.change(testHeads()))
		require.NotEqual(t, base, root, c.name)
		prev, dup := seen[root]
		require.False(t, dup, "%s gives the same root as %s", c.name, prev)
		seen[root] = c.name
	}
}

func TestNewSealAndSignature(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(1)
	otherPub, _ := testKey(2)
	heads := testHeads()
	seal := events.NewSeal(priv, 41, heads)

	sum := sha256.Sum256(pub)
	require.Equal(t, events.Sealed{
		Position:  41,
		Streams:   4,
		Root:      events.MerkleRoot(heads),
		KeyID:     hex.EncodeToString(sum[:8]),
		Signature: seal.Signature,
	}, seal)
	require.Len(t, seal.KeyID, 16)
	require.Equal(t, seal.KeyID, events.KeyID(pub))
	require.NotEqual(t, events.KeyID(pub), events.KeyID(otherPub))

	// The signature covers a domain tag, the position, the stream count and the root.
	msg := []byte("pledger.seal.v1")
	msg = append(msg, 0, 0, 0, 0, 0, 0, 0, 41, 0, 0, 0, 0, 0, 0, 0, 4)
	msg = append(msg, seal.Root[:]...)
	require.True(t, ed25519.Verify(pub, msg, seal.Signature))
	require.Equal(t, ed25519.Sign(priv, msg), seal.Signature)

	cases := []struct {
		name   string
		key    ed25519.PublicKey
		change func(*events.Sealed)
		want   bool
	}{
		{"right key", pub, func(*events.Sealed) {}, true},
		{"another key", otherPub, func(*events.Sealed) {}, false},
		{"position altered", pub, func(s *events.Sealed) { s.Position++ }, false},
		{"streams altered", pub, func(s *events.Sealed) { s.Streams-- }, false},
		{"root altered", pub, func(s *events.Sealed) { s.Root[0] ^= 0x80 }, false},
		{"signature altered", pub, func(s *events.Sealed) { s.Signature[10] ^= 1 }, false},
		{"signature missing", pub, func(s *events.Sealed) { s.Signature = nil }, false},
		{"key id altered is not signed", pub, func(s *events.Sealed) { s.KeyID = "0000000000000000" }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := seal
			s.Signature = slices.Clone(seal.Signature)
			c.change(&s)
			require.Equal(t, c.want, s.SignatureValid(c.key))
		})
	}
}

func TestSealedJSON(t *testing.T) {
	t.Parallel()
	_, priv := testKey(1)
	seal := events.NewSeal(priv, 6, testHeads()[:3])
	b, err := json.Marshal(seal)
	require.NoError(t, err)
	require.Equal(t, fmt.Sprintf(`{"position":6,"streams":3,"root":"%s","key_id":"%s","signature":"%s"}`,
		seal.Root, seal.KeyID, base64.StdEncoding.EncodeToString(seal.Signature)), string(b))
	var back events.Sealed
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, seal, back)
	require.Equal(t, "ledger.sealed", back.EventType())
}

func TestSealOfNoStreams(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(1)
	seal := events.NewSeal(priv, 0, nil)
	require.Equal(t, 0, seal.Streams)
	require.Equal(t, events.Hash(sha256.Sum256(nil)), seal.Root)
	require.True(t, seal.SignatureValid(pub))
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	pub, priv, err := events.GenerateKey()
	require.NoError(t, err)
	require.Len(t, priv, ed25519.PrivateKeySize)
	require.Equal(t, pub, priv.Public())
	seal := events.NewSeal(priv, 1, testHeads())
	require.True(t, seal.SignatureValid(pub))
}

func TestKeyPEMRoundTrip(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(3)

	privPEM, err := events.MarshalPrivateKey(priv)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(privPEM), "-----BEGIN PRIVATE KEY-----\n"), string(privPEM))
	gotPriv, err := events.ParsePrivateKey(privPEM)
	require.NoError(t, err)
	require.Equal(t, priv, gotPriv)

	pubPEM, err := events.MarshalPublicKey(pub)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(pubPEM), "-----BEGIN PUBLIC KEY-----\n"), string(pubPEM))
	gotPub, err := events.ParsePublicKey(pubPEM)
	require.NoError(t, err)
	require.Equal(t, pub, gotPub)

	// What openssl writes for an Ed25519 key: the PKIX prefix then the 32 key bytes.
	block, _ := pem.Decode(pubPEM)
	require.Equal(t, append([]byte{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}, pub...), block.Bytes)
}

func TestParseKeyRejects(t *testing.T) {
	t.Parallel()
	pub, priv := testKey(4)
	privPEM, err := events.MarshalPrivateKey(priv)
	require.NoError(t, err)
	pubPEM, err := events.MarshalPublicKey(pub)
	require.NoError(t, err)

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecPubDER, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)
	ecPrivDER, err := x509.MarshalPKCS8PrivateKey(ec)
	require.NoError(t, err)
	ecPubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecPubDER})
	ecPrivPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecPrivDER})
	garbageBlock := func(typ string) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: []byte("not DER")})
	}

	publicCases := []struct {
		name string
		in   []byte
		want string // error prefix
	}{
		{"empty", nil, "events: not a PEM public key"},
		{"garbage", []byte("hello, world"), "events: not a PEM public key"},
		{"private key PEM", privPEM, "events: not a PEM public key"},
		{"certificate block", garbageBlock("CERTIFICATE"), "events: not a PEM public key"},
		{"bad DER", garbageBlock("PUBLIC KEY"), "events: public key: "},
		{"ECDSA key", ecPubPEM, "events: public key is not Ed25519"},
	}
	for _, c := range publicCases {
		t.Run("public "+c.name, func(t *testing.T) {
			t.Parallel()
			key, err := events.ParsePublicKey(c.in)
			require.Nil(t, key)
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), c.want), err.Error())
		})
	}

	privateCases := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "events: not a PEM private key"},
		{"garbage", []byte("-----BEGIN nonsense"), "events: not a PEM private key"},
		{"public key PEM", pubPEM, "events: not a PEM private key"},
		{"bad DER", garbageBlock("PRIVATE KEY"), "events: private key: "},
		{"ECDSA key", ecPrivPEM, "events: private key is not Ed25519"},
	}
	for _, c := range privateCases {
		t.Run("private "+c.name, func(t *testing.T) {
			t.Parallel()
			key, err := events.ParsePrivateKey(c.in)
			require.Nil(t, key)
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), c.want), err.Error())
		})
	}
}
