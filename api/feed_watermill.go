package api

import (
	"context"
	"io"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/pledger/pledger/events"
)

// MessageSubscriber is what WatermillFeed needs of a broker; every watermill
// message.Subscriber satisfies it.
type MessageSubscriber interface {
	Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error)
}

// WatermillFeed is a Feed over the messages the relay (events/relay)
// publishes: each message's payload is an event's export line.
//
// The subscriber must deliver each subscription's messages in publish order.
// Watermill's GoChannel does so only with BlockPublishUntilSubscriberAck
// (relay.NewGoChannel sets it); the feed acknowledges every message at once,
// so it never holds the publisher back for long.
//
// A subscription whose reader falls more than Buffer events behind is cut
// off: its channel is closed, and the reader catches up from the store (the
// stream handler does so by itself), rather than the feed buffering without
// bound or slowing the relay, and every other reader, down.
type WatermillFeed struct {
	sub   MessageSubscriber
	topic string
	// Buffer is how many events a subscription holds for a slow reader; 0 means 256.
	Buffer int
	// Log receives messages that are not events; nil discards them.
	Log *slog.Logger
}

// NewWatermillFeed returns a feed of the events published on topic.
func NewWatermillFeed(sub MessageSubscriber, topic string) *WatermillFeed {
	return &WatermillFeed{sub: sub, topic: topic}
}

// Subscribe implements Feed.
func (f *WatermillFeed) Subscribe(ctx context.Context) (<-chan events.Event, error) {
	ctx, cancel := context.WithCancel(ctx)
	msgs, err := f.sub.Subscribe(ctx, f.topic)
	if err != nil {
		cancel()
		return nil, err
	}
	size := f.Buffer
	if size <= 0 {
		size = 256
	}
	log := f.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	out := make(chan events.Event, size)
	go func() {
		defer cancel() // ends the broker subscription too when the reader is cut off
		defer close(out)
		for {
			var msg *message.Message
			var ok bool
			select {
			case <-ctx.Done():
				return
			case msg, ok = <-msgs:
				if !ok {
					return
				}
			}
			ev, err := events.ParseLine(msg.Payload)
			msg.Ack()
			if err != nil {
				log.Warn("feed: message is not an event; skipped", "uuid", msg.UUID, "topic", f.topic, "err", err)
				continue
			}
			select {
			case out <- ev:
			default:
				log.Warn("feed: reader fell behind; subscription closed", "topic", f.topic, "buffer", size)
				return
			}
		}
	}()
	return out, nil
}
