package events_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pledger/pledger/events"
)

func TestExpectedVersionAllows(t *testing.T) {
	t.Parallel()
	cases := []struct {
		expected events.ExpectedVersion
		current  uint64
		want     bool
	}{
		{events.Any{}, 0, true},
		{events.Any{}, 1, true},
		{events.Any{}, 1 << 40, true},
		{events.NoStream{}, 0, true},
		{events.NoStream{}, 1, false},
		{events.NoStream{}, 7, false},
		{events.Exact(0), 0, true},
		{events.Exact(0), 1, false},
		{events.Exact(3), 0, false},
		{events.Exact(3), 2, false},
		{events.Exact(3), 3, true},
		{events.Exact(3), 4, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s at %d", c.expected, c.current), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, c.want, c.expected.Allows(c.current))
		})
	}
}

func TestExpectedVersionString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "any", events.Any{}.String())
	require.Equal(t, "no stream", events.NoStream{}.String())
	require.Equal(t, "exactly 0", events.Exact(0).String())
	require.Equal(t, "exactly 3", events.Exact(3).String())
}

func TestVersionConflictError(t *testing.T) {
	t.Parallel()
	var err error = &events.VersionConflictError{Stream: "project-1", Expected: events.Exact(2), Actual: 5}
	wrapped := fmt.Errorf("append: %w", err)

	require.ErrorIs(t, wrapped, events.ErrWrongExpectedVersion)
	require.NotErrorIs(t, wrapped, events.ErrInvalidEvent)
	var conflict *events.VersionConflictError
	require.True(t, errors.As(wrapped, &conflict))
	require.Equal(t, uint64(5), conflict.Actual)
	require.Equal(t, events.Exact(2), conflict.Expected)
	require.Equal(t, "project-1", conflict.Stream)
	require.Equal(t, `events: stream "project-1": expected version exactly 2, stream is at 5`, err.Error())
	require.Equal(t, `events: stream "x": expected version no stream, stream is at 1`,
		(&events.VersionConflictError{Stream: "x", Expected: events.NoStream{}, Actual: 1}).Error())
}

func TestFieldError(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("append: %w", &events.FieldError{Index: 2, Field: "actor", Rule: "is required"})
	require.ErrorIs(t, err, events.ErrInvalidEvent)
	require.NotErrorIs(t, err, events.ErrWrongExpectedVersion)
	require.Equal(t, "append: events: event 2: actor: is required", err.Error())
}

func TestHashText(t *testing.T) {
	t.Parallel()
	h := events.Hash{0: 0x01, 1: 0xab, 31: 0xff}
	text := "01ab" + strings.Repeat("00", 29) + "ff"
	require.Equal(t, text, h.String())
	require.False(t, h.IsZero())
	require.True(t, events.Hash{}.IsZero())
	require.Equal(t, strings.Repeat("0", 64), events.Hash{}.String())

	b, err := h.MarshalText()
	require.NoError(t, err)
	require.Equal(t, text, string(b))
	var back events.Hash
	require.NoError(t, back.UnmarshalText(b))
	require.Equal(t, h, back)

	parsed, err := events.ParseHash(text)
	require.NoError(t, err)
	require.Equal(t, h, parsed)

	bad := []struct{ in, msg string }{
		{"", "hash must be 64 hex digits, got 0 characters"},
		{text[:62], "hash must be 64 hex digits, got 62 characters"},
		{text + "00", "hash must be 64 hex digits, got 66 characters"},
		{"zz" + text[2:], "hash must be hex: encoding/hex: invalid byte: U+007A 'z'"},
	}
	for _, c := range bad {
		_, err := events.ParseHash(c.in)
		require.EqualError(t, err, c.msg)
		var into events.Hash
		require.EqualError(t, into.UnmarshalText([]byte(c.in)), c.msg)
		require.True(t, into.IsZero(), "a failed UnmarshalText leaves the hash alone")
	}
}

func TestAppendResult(t *testing.T) {
	t.Parallel()
	require.Equal(t, uint64(0), events.AppendResult{}.LastVersion())
	require.Equal(t, uint64(0), events.AppendResult{}.LastPosition())
	r := events.AppendResult{Events: []events.Event{
		{Version: 3, Position: 10},
		{Version: 4, Position: 12},
	}}
	require.Equal(t, uint64(4), r.LastVersion())
	require.Equal(t, uint64(12), r.LastPosition())
}
