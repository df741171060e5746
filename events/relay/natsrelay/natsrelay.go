// Package natsrelay is the relay's NATS JetStream publisher (DESIGN decision
// 7): every event becomes one JetStream message on the subject
// "<topic>.<event type>" (pledger.events.raid.risk_raised), in a stream that
// holds "<topic>.>", so a consumer can take the whole log or one area of it
// (pledger.events.budget.>).
//
// The message id (the Nats-Msg-Id header) is the event id, so JetStream drops
// a message it already holds inside the stream's de-duplication window: a
// relay that republishes after a restart, or several pledger nodes relaying
// the same ledger, deliver each event once as long as the repeats fall
// inside the window (Config.DuplicateWindow).
//
// The connection reconnects for ever and the stream is provisioned on the
// first publish that reaches the broker, so a broker that is down when
// pledger starts only makes the relay wait and retry; appends never notice.
package natsrelay

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/pledger/pledger/events/relay"
)

// DefaultStream is the JetStream stream events are stored in.
const DefaultStream = "PLEDGER_EVENTS"

// DefaultDuplicateWindow is how long JetStream remembers message ids. It is
// longer than JetStream's own default (2 minutes) so that a relay that
// restarts, or a second node that is a few minutes behind, still does not
// deliver twice; the cost is the broker's memory of ids for that long.
const DefaultDuplicateWindow = 10 * time.Minute

// publishTimeout bounds the wait for one JetStream acknowledgement; the
// relay retries a failed batch with backoff.
const publishTimeout = 5 * time.Second

// Config says where and how to publish.
type Config struct {
	// URL of the NATS server, nats://HOST:PORT (a comma-separated list for
	// a cluster).
	URL string
	// Stream is the JetStream stream name; "" means DefaultStream.
	Stream string
	// DuplicateWindow is the stream's de-duplication window; 0 means
	// DefaultDuplicateWindow. An existing stream is updated to it.
	DuplicateWindow time.Duration
	// Name identifies this connection to the server (monitoring).
	Name string
}

// Publisher publishes relay messages to JetStream. It satisfies
// relay.Publisher; Close it when the relay has stopped.
type Publisher struct {
	cfg     Config
	conn    *nats.Conn
	js      nats.JetStreamContext
	pub     *wnats.Publisher
	ensured atomic.Bool
}

// New connects to cfg.URL. It does not fail when the server is down: the
// connection is retried in the background and Publish fails until it is up.
func New(cfg Config, logger watermill.LoggerAdapter) (*Publisher, error) {
	if cfg.URL == "" {
		return nil, errors.New("natsrelay: the NATS URL is empty")
	}
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.DuplicateWindow <= 0 {
		cfg.DuplicateWindow = DefaultDuplicateWindow
	}
	if cfg.Name == "" {
		cfg.Name = "pledger relay"
	}
	conn, err := nats.Connect(cfg.URL,
		nats.Name(cfg.Name),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
	)
	if err != nil {
		return nil, fmt.Errorf("natsrelay: connect to %s: %w", cfg.URL, err)
	}
	js, err := conn.JetStream(nats.MaxWait(publishTimeout))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("natsrelay: jetstream: %w", err)
	}
	pub, err := wnats.NewPublisherWithNatsConn(conn, wnats.PublisherPublishConfig{
		Marshaler:         typeSubjects{},
		SubjectCalculator: wnats.DefaultSubjectCalculator,
		JetStream: wnats.JetStreamConfig{
			TrackMsgId:     true,
			ConnectOptions: []nats.JSOpt{nats.MaxWait(publishTimeout)},
		},
	}, logger)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("natsrelay: publisher: %w", err)
	}
	return &Publisher{cfg: cfg, conn: conn, js: js, pub: pub}, nil
}

// CheckpointPath is where the JetStream relay of a ledger keeps its
// checkpoint: beside the ledger, apart from the embedded relay's.
func CheckpointPath(ledgerPath string) string { return ledgerPath + ".nats.relay" }

// Subject is where an event of type eventType published to topic lands.
func Subject(topic, eventType string) string { return topic + "." + eventType }

// Publish sends messages in order, each acknowledged by JetStream before
// the next, provisioning the stream first if this publisher has not yet or
// the last publish failed (a broker restarted without its storage has lost
// the stream, and no publish would succeed until it is provisioned again).
func (p *Publisher) Publish(topic string, messages ...*message.Message) error {
	if !p.ensured.Load() {
		if err := p.ensureStream(topic); err != nil {
			return err
		}
		p.ensured.Store(true)
	}
	err := p.pub.Publish(topic, messages...)
	if err != nil {
		p.ensured.Store(false)
	}
	return err
}

// ensureStream creates the stream for topic's subjects, or brings an
// existing one to this configuration (subjects, de-duplication window).
func (p *Publisher) ensureStream(topic string) error {
	cfg := &nats.StreamConfig{
		Name:       p.cfg.Stream,
		Subjects:   []string{topic + ".>"},
		Storage:    nats.FileStorage,
		Duplicates: p.cfg.DuplicateWindow,
	}
	_, err := p.js.AddStream(cfg)
	if errors.Is(err, nats.ErrStreamNameAlreadyInUse) {
		_, err = p.js.UpdateStream(cfg)
	}
	if err != nil {
		return fmt.Errorf("natsrelay: provision stream %s: %w", p.cfg.Stream, err)
	}
	return nil
}

// Close closes the connection, dropping nothing the relay has checkpointed:
// every message it counted as published was acknowledged.
func (p *Publisher) Close() error { return p.pub.Close() }

// typeSubjects marshals like watermill's NATSMarshaler (payload as data,
// metadata as headers) onto the subject of the event's type.
type typeSubjects struct{ wnats.NATSMarshaler }

func (m typeSubjects) Marshal(topic string, msg *message.Message) (*nats.Msg, error) {
	t := msg.Metadata.Get(relay.MetaType)
	if t == "" {
		return nil, fmt.Errorf("natsrelay: message %s has no %q metadata", msg.UUID, relay.MetaType)
	}
	return m.NATSMarshaler.Marshal(Subject(topic, t), msg)
}
