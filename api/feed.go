package api

import (
	"context"

	"github.com/pledger/pledger/events"
)

// Feed delivers events as they are committed, for the live event stream.
// Subscribe returns a channel of every event committed from about now on
// (the stream handler replays from the store what came before, and drops
// duplicates by position); it is closed when ctx is done.
type Feed interface {
	Subscribe(ctx context.Context) (<-chan events.Event, error)
}
