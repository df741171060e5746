package projections

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// view answers q about a project with compute.
func view[T any](ctx context.Context, e *Engine, id uuid.UUID, q Query, compute func(s *State, moment time.Time) T) (T, error) {
	var out T
	err := e.At(ctx, id, q, func(s *State, moment time.Time) error {
		out = compute(s, moment)
		return nil
	})
	return out, err
}

// RAID returns the RAID log of project id as q asks.
func (e *Engine) RAID(ctx context.Context, id uuid.UUID, q Query, f RAIDFilter) (RAID, error) {
	return view(ctx, e, id, q, func(s *State, m time.Time) RAID { return RAIDView(s, q, m, f) })
}
