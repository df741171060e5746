package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrLocked means another process has the ledger open for writing.
var ErrLocked = errors.New("sqlite: ledger is open for writing by another process")

// ErrNoLedger means a read-only open found no ledger file.
var ErrNoLedger = errors.New("sqlite: no ledger at this path")

// ErrBadPath means the path cannot name a ledger: the SQLite driver would
// read '?' and '#' as the start of connection parameters.
var ErrBadPath = errors.New("sqlite: bad ledger path")

// Options configure Open. The zero value opens for writing with the wall clock.
type Options struct {
	// ReadOnly opens an existing ledger without taking the writer lock, so
	// verify or export can run beside a serving process.
	ReadOnly bool
	// Clock stamps recorded-at; nil means time.Now.
	Clock func() time.Time
	// MaxBatchEvents caps how many events one group commit takes; 0 means 4096.
	MaxBatchEvents int
	// PollInterval is how often a subscriber looks for events committed by
	// another process (a read-only store follows a serving one); 0 means 250ms.
	PollInterval time.Duration
}

// Store is the SQLite event store. It is safe for concurrent use; Close it
// to release the file.
type Store struct {
	path  string
	opts  Options
	rdb   *sql.DB // reader pool
	reads readStatements
	wdb   *sql.DB // the writer's single connection; nil when read-only
	lock  *os.File

	closeMu  sync.RWMutex // held for reading while sending to requests
	closed   bool
	requests chan *request
	done     chan struct{} // closed when the writer goroutine has stopped
	stop     chan struct{} // closed by Close, ends subscriptions

	wakeMu sync.Mutex
	wake   chan struct{} // closed and replaced after every commit

	w         *writer       // owned by the writer goroutine
	committed atomic.Uint64 // the position of the last commit, for CommittedPosition
}

// Open opens or, unless read-only, creates the ledger at path.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("%w: %q must not contain '?' or '#'", ErrBadPath, path)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.MaxBatchEvents <= 0 {
		opts.MaxBatchEvents = 4096
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 250 * time.Millisecond
	}
	s := &Store{path: path, opts: opts, done: make(chan struct{}), stop: make(chan struct{}), wake: make(chan struct{})}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%w: %s (create one with pledger init)", ErrNoLedger, path)
		}
	} else if err := s.openWriter(ctx); err != nil {
		return nil, err
	}
	rdb, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)&_pragma=cache_size(-4000)"))
	if err != nil {
		s.Close()
		return nil, err
	}
	rdb.SetMaxOpenConns(4)
	rdb.SetMaxIdleConns(4)
	s.rdb = rdb
	if opts.ReadOnly {
		if err := checkSchema(ctx, rdb); err != nil {
			s.Close()
			return nil, err
		}
	}
	if s.reads, err = prepareReads(ctx, rdb); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func dsn(path, extra string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&" + extra
}

func (s *Store) openWriter(ctx context.Context) error {
	lock, err := os.OpenFile(s.path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("sqlite: open lock file: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		owner, _ := os.ReadFile(s.path + ".lock")
		lock.Close()
		return fmt.Errorf("%w (%s, %s)", ErrLocked, s.path, strings.TrimSpace(string(owner)))
	}
	lock.Truncate(0)
	fmt.Fprintf(lock, "pid %d\n", os.Getpid())
	s.lock = lock

	// synchronous(FULL) makes every commit wait for the WAL fsync: an
	// acknowledged append survives power loss, not just a process crash.
	wdb, err := sql.Open("sqlite", dsn(s.path, "_pragma=synchronous(FULL)&_pragma=cache_size(-8000)&_txlock=immediate"))
	if err != nil {
		s.Close()
		return err
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	s.wdb = wdb
	if err := migrate(ctx, wdb); err != nil {
		s.Close()
		return err
	}
	w, err := newWriter(ctx, s)
	if err != nil {
		s.Close()
		return err
	}
	s.w = w
	s.requests = make(chan *request, 256)
	go s.runWriter()
	return nil
}

// Close waits for appends already handed to the writer, then releases the
// file. Subscriptions end with events.ErrClosed.
func (s *Store) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return nil
	}
	s.closed = true
	writing := s.requests != nil
	if writing {
		close(s.requests)
	}
	s.closeMu.Unlock()
	close(s.stop)
	if writing {
		<-s.done
	}
	var errs []error
	if s.w != nil {
		errs = append(errs, s.w.close())
	}
	errs = append(errs, s.reads.close())
	for _, db := range []*sql.DB{s.rdb, s.wdb} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Close())
	}
	return errors.Join(errs...)
}

func (s *Store) isClosed() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// CommittedPosition returns the position of the last committed event
// without a query, and whether it knows it: only a store opened for writing
// does (another process may be writing to a read-only one).
func (s *Store) CommittedPosition() (uint64, bool) {
	if s.requests == nil {
		return 0, false
	}
	return s.committed.Load(), true
}

// changed returns a channel closed at the next commit.
func (s *Store) changed() <-chan struct{} {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	return s.wake
}

func (s *Store) broadcast() {
	s.wakeMu.Lock()
	close(s.wake)
	s.wake = make(chan struct{})
	s.wakeMu.Unlock()
}
