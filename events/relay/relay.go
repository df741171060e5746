// Package relay publishes the event log to a message broker. The store is
// the outbox (DESIGN decision 6): a Relay follows the log from a checkpoint
// and publishes every committed event, at least once and in log order, to a
// watermill Publisher. It only reads the store, so a broker that is down
// never slows or blocks an append; it only makes the relay fall behind.
//
// Each event becomes one message:
//
//	UUID      the event id (consumers de-duplicate by it)
//	metadata  stream, version, position, type, recorded_at (RFC 3339, UTC, nine fractional digits)
//	payload   the event's JSON Lines export record without its newline (events.AppendLine)
//
// The checkpoint (the position of the last published event) is saved after
// every published batch, so a restarted relay resumes where it stopped;
// only events published but not yet checkpointed when it stopped are sent
// again.
package relay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/pledger/pledger/events"
)

// DefaultTopic is the topic events are published to unless Options say otherwise.
const DefaultTopic = "pledger.events"

// Metadata keys of a published message.
const (
	MetaStream     = "stream"
	MetaVersion    = "version"
	MetaPosition   = "position"
	MetaType       = "type"
	MetaRecordedAt = "recorded_at"
)

// Publisher is what the relay needs of a broker; every watermill
// message.Publisher satisfies it.
type Publisher interface {
	Publish(topic string, messages ...*message.Message) error
}

// Checkpoint remembers the position of the last published event.
type Checkpoint interface {
	// Load returns the saved position, 0 if none was saved yet.
	Load(ctx context.Context) (uint64, error)
	// Save durably records position.
	Save(ctx context.Context, position uint64) error
}

// Options tune a Relay. The zero value is usable.
type Options struct {
	// Topic is where events are published; "" means DefaultTopic.
	Topic string
	// BatchSize caps how many events one Publish call carries; 0 means 100.
	BatchSize int
	// MinBackoff and MaxBackoff bound the wait between retries of a failed
	// publish or read (doubling from min up to max); 0 means 100ms and 30s.
	MinBackoff, MaxBackoff time.Duration
	// LagInterval is how often the end of the log is read to report the
	// lag; 0 means 1s.
	LagInterval time.Duration
	// Lag, if set, is called with the number of committed events not yet
	// published (last committed position − last published position) after
	// every batch and every LagInterval. Calls are serialized.
	Lag func(lag uint64)
	// Log receives retries and failures; nil discards them.
	Log *slog.Logger
}

// Relay follows the log and publishes it. Create it with New, start it with Run.
type Relay struct {
	store events.Store
	pub   Publisher
	cp    Checkpoint
	opts  Options
	log   *slog.Logger

	published atomic.Uint64 // position of the last published event
	seen      atomic.Uint64 // highest position read from the log
	committed atomic.Uint64 // last committed position, as last read
	lagMu     sync.Mutex
}

// New returns a relay from store to pub that resumes from cp.
func New(store events.Store, pub Publisher, cp Checkpoint, opts Options) *Relay {
	if opts.Topic == "" {
		opts.Topic = DefaultTopic
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 100
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.LagInterval <= 0 {
		opts.LagInterval = time.Second
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Relay{store: store, pub: pub, cp: cp, opts: opts, log: log}
}

// Topic returns the topic the relay publishes to.
func (r *Relay) Topic() string { return r.opts.Topic }

// Published returns the position of the last event published.
func (r *Relay) Published() uint64 { return r.published.Load() }

// Run publishes until ctx is done, then returns nil once every goroutine
// it started has ended. Failed reads and publishes are retried with
// backoff; only a checkpoint that cannot be loaded is returned as an error.
func (r *Relay) Run(ctx context.Context) error {
	from, err := r.cp.Load(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("relay: load checkpoint: %w", err)
	}
	r.published.Store(from)
	r.seen.Store(from)

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // runs after cancel: deferred calls run last-in first-out
	defer cancel()
	wg.Go(func() { r.watchLag(ctx) })

	failures := 0
	for ctx.Err() == nil {
		before := r.published.Load()
		err := r.follow(ctx)
		if ctx.Err() != nil {
			break
		}
		if r.published.Load() != before {
			failures = 0 // it made progress: start the backoff again
		}
		r.log.Warn("relay: reading the log failed; retrying", "err", err, "after", r.published.Load())
		if events.Sleep(ctx, r.backoff(failures)) != nil {
			break
		}
		failures++
	}
	return nil
}

// item is one result of the log subscription.
type item struct {
	ev  events.Event
	err error
}

var errEnded = errors.New("relay: subscription ended")

// follow subscribes to the log after the last published position and
// publishes what it yields, batching whatever has already been read, until
// ctx is done (ctx.Err()) or the read fails (that error).
func (r *Relay) follow(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	items := make(chan item, r.opts.BatchSize)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(items)
		for ev, err := range r.store.Subscribe(ctx, r.published.Load()) {
			select {
			case items <- item{ev, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	defer func() {
		cancel()
		<-done
	}()

	batch := make([]events.Event, 0, r.opts.BatchSize)
	for {
		var it item
		var ok bool
		select {
		case it, ok = <-items:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			return errEnded
		}
		if it.err != nil {
			return it.err
		}
		batch = append(batch[:0], it.ev)
		var pending error // a read error to return once the batch is out
	drain:
		for len(batch) < r.opts.BatchSize {
			select {
			case it, ok = <-items:
				switch {
				case !ok:
					pending = errEnded
				case it.err != nil:
					pending = it.err
				default:
					batch = append(batch, it.ev)
					continue
				}
				break drain
			default:
				break drain
			}
		}
		r.seen.Store(max(r.seen.Load(), batch[len(batch)-1].Position))
		if err := r.publish(ctx, batch); err != nil {
			return err
		}
		if pending != nil {
			return pending
		}
	}
}

// publish sends batch until the broker takes it, then saves the checkpoint.
// It fails only when ctx is done.
func (r *Relay) publish(ctx context.Context, batch []events.Event) error {
	for attempt := 0; ; attempt++ {
		msgs := make([]*message.Message, len(batch))
		for i, ev := range batch {
			msgs[i] = NewMessage(ev)
		}
		err := r.pub.Publish(r.opts.Topic, msgs...)
		if err == nil {
			break
		}
		r.log.Warn("relay: publish failed; retrying", "err", err, "topic", r.opts.Topic,
			"from", batch[0].Position, "to", batch[len(batch)-1].Position, "attempt", attempt+1)
		r.reportLag()
		if events.Sleep(ctx, r.backoff(attempt)) != nil {
			return ctx.Err()
		}
	}
	last := batch[len(batch)-1].Position
	r.published.Store(last)
	// Published is published: record it even if ctx ended meanwhile, so a
	// restart does not send the batch again.
	if err := r.cp.Save(context.WithoutCancel(ctx), last); err != nil {
		r.log.Error("relay: save checkpoint failed (events after the last saved one will be published again on restart)", "err", err, "position", last)
	}
	r.reportLag()
	return nil
}

// backoff is the wait before retry n (0-based): doubling from MinBackoff,
// capped at MaxBackoff, less up to a quarter of jitter.
func (r *Relay) backoff(n int) time.Duration {
	d := r.opts.MaxBackoff
	if n < 32 {
		d = min(r.opts.MinBackoff<<n, r.opts.MaxBackoff)
	}
	if d <= 0 { // overflowed
		d = r.opts.MaxBackoff
	}
	return d - time.Duration(rand.Int64N(int64(d)/4+1))
}

// watchLag reads the end of the log every LagInterval and reports the lag.
func (r *Relay) watchLag(ctx context.Context) {
	if r.opts.Lag == nil {
		return
	}
	t := time.NewTicker(r.opts.LagInterval)
	defer t.Stop()
	for {
		end, err := events.LastPosition(ctx, r.store)
		if err == nil {
			r.committed.Store(max(r.committed.Load(), end))
			r.reportLag()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Lag returns the number of committed events known not to be published yet.
func (r *Relay) Lag() uint64 {
	end := max(r.committed.Load(), r.seen.Load())
	return end - min(end, r.published.Load())
}

func (r *Relay) reportLag() {
	if r.opts.Lag == nil {
		return
	}
	r.lagMu.Lock()
	defer r.lagMu.Unlock()
	r.opts.Lag(r.Lag())
}

// NewMessage is the message an event is published as.
func NewMessage(ev events.Event) *message.Message {
	msg := message.NewMessage(ev.ID.String(), bytes.TrimSuffix(events.AppendLine(nil, ev), []byte("\n")))
	msg.Metadata.Set(MetaStream, ev.Stream)
	msg.Metadata.Set(MetaVersion, strconv.FormatUint(ev.Version, 10))
	msg.Metadata.Set(MetaPosition, strconv.FormatUint(ev.Position, 10))
	msg.Metadata.Set(MetaType, ev.Type)
	msg.Metadata.Set(MetaRecordedAt, ev.RecordedAt.UTC().Format(events.TimeLayout))
	return msg
}

// DecodeMessage returns the event a message carries, checking that its UUID
// and metadata agree with the payload.
func DecodeMessage(msg *message.Message) (events.Event, error) {
	ev, err := events.ParseLine(msg.Payload)
	if err != nil {
		return events.Event{}, fmt.Errorf("relay: message %s: %w", msg.UUID, err)
	}
	if msg.UUID != ev.ID.String() {
		return events.Event{}, fmt.Errorf("relay: message %s carries event %s", msg.UUID, ev.ID)
	}
	for key, want := range map[string]string{MetaStream: ev.Stream, MetaType: ev.Type,
		MetaVersion: strconv.FormatUint(ev.Version, 10), MetaPosition: strconv.FormatUint(ev.Position, 10)} {
		if got := msg.Metadata.Get(key); got != "" && got != want {
			return events.Event{}, fmt.Errorf("relay: message %s: metadata %s is %q, the event says %q", msg.UUID, key, got, want)
		}
	}
	return ev, nil
}

// NewGoChannel returns the embedded, in-process pub/sub configured for the
// relay: Publish waits until every subscriber has acknowledged a message
// before sending the next, which is what keeps each subscriber's messages in
// log order (without it GoChannel delivers concurrently, in any order).
// Subscribers must therefore acknowledge promptly.
func NewGoChannel(logger watermill.LoggerAdapter) *gochannel.GoChannel {
	return gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true}, logger)
}

// MemoryCheckpoint keeps the position in memory: a restarted process
// publishes the whole log again. The zero value starts from the beginning.
type MemoryCheckpoint struct {
	mu       sync.Mutex
	position uint64
}

// Load implements Checkpoint.
func (m *MemoryCheckpoint) Load(context.Context) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.position, nil
}

// Save implements Checkpoint.
func (m *MemoryCheckpoint) Save(_ context.Context, position uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.position = position
	return nil
}

// CheckpointPath is where a ledger's relay keeps its checkpoint by default:
// a small file beside the ledger file.
func CheckpointPath(ledgerPath string) string { return ledgerPath + ".relay" }

// FileCheckpoint keeps the position in a small text file (the position in
// decimal and a newline), replaced atomically on every save: written to a
// temporary file in the same folder, synced, then renamed over the old one.
type FileCheckpoint struct {
	path string
	mu   sync.Mutex
}

// NewFileCheckpoint returns a checkpoint kept at path.
func NewFileCheckpoint(path string) *FileCheckpoint { return &FileCheckpoint{path: path} }

// Path returns the file's path.
func (f *FileCheckpoint) Path() string { return f.path }

// Load implements Checkpoint: a missing file is position 0.
func (f *FileCheckpoint) Load(context.Context) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	pos, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("relay checkpoint %s: not a position: %q", f.path, bytes.TrimSpace(data))
	}
	return pos, nil
}

// Save implements Checkpoint.
func (f *FileCheckpoint) Save(_ context.Context, position uint64) (err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(f.path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.WriteString(strconv.FormatUint(position, 10) + "\n"); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), f.path); err != nil {
		return err
	}
	// Make the rename itself durable; not every platform can sync a folder.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
