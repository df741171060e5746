// Package esdbtest runs an in-process stand-in for a KurrentDB node: the
// gRPC Streams service (append, stream and $all reads, $all subscriptions
// with filters) over a real loopback listener, spoken to by the real
// EventStore-Client-Go client.
//
// It exists because no KurrentDB server runs where pledger's CI does. It
// models what the store relies on, as KurrentDB (22.6 on) behaves: revisions
// from 0; optimistic concurrency with the current revision in the refusal;
// idempotent appends by event id at the expected revision; $all ordered by
// (commit, prepare), every record at its own log position (commit = prepare);
// reads and subscriptions refused at a position inside a record; "stream not
// found" sent as the first message; system records ($-prefixed) interleaved
// in $all; subscriptions that start after their position and drop when told
// to; gossip naming the leader, which can die. It is a model, not KurrentDB:
// it does not model followers serving stale reads, nor requires-leader. The
// real contract run is TestContract with PLEDGER_ESDB_URL set.
package esdbtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/gossip"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Server is one node. Its methods are safe for concurrent use.
type Server struct {
	api.UnimplementedStreamsServer
	*cluster

	id   uuid.UUID
	grpc *grpc.Server
	addr string
}

// cluster is what the nodes of one cluster share: the log (replication is
// not modelled; every node serves the same log) and who is alive and leads.
type cluster struct {
	mu      sync.Mutex
	log     []record
	streams map[string][]int // indexes into log, by revision
	next    uint64           // the log position of the next record
	appends int
	changed chan struct{} // closed and replaced after every append
	drop    chan struct{} // closed and replaced by DropSubscriptions
	nodes   []*Server
	alive   map[*Server]bool
	leader  *Server
}

type record struct {
	stream          string
	revision        uint64
	id              uuid.UUID
	eventType       string
	contentType     string
	data, metadata  []byte
	commit, prepare uint64
	created         time.Time
}

// systemEvery is how often (in appends) the node writes a record of its
// own, as a real node writes statistics and epochs into $all.
const systemEvery = 5

// Start starts a single node on a loopback port and stops it when the test
// ends.
func Start(t testing.TB) *Server { return StartCluster(t, 1)[0] }

// StartCluster starts n nodes sharing one log; the first leads.
func StartCluster(t testing.TB, n int) []*Server {
	t.Helper()
	c := &cluster{streams: map[string][]int{}, changed: make(chan struct{}), drop: make(chan struct{}), alive: map[*Server]bool{}}
	c.write("$epoch-information", "$epoch-information", "application/json", []byte(`{}`), nil, uuid.New())
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s := &Server{cluster: c, id: uuid.New(), grpc: grpc.NewServer(), addr: l.Addr().String()}
		api.RegisterStreamsServer(s.grpc, s)
		gossip.RegisterGossipServer(s.grpc, gossipService{node: s})
		go s.grpc.Serve(l) //nolint:errcheck // ends with ErrServerStopped when stopped
		t.Cleanup(s.grpc.Stop)
		c.nodes = append(c.nodes, s)
		c.alive[s] = true
	}
	c.leader = c.nodes[0]
	return c.nodes
}

// URL is the connection string for this node alone.
func (s *Server) URL() string {
	return "esdb://" + s.addr + "?tls=false&maxDiscoverAttempts=3&discoveryInterval=20"
}

// ClusterURL is the connection string a client of the whole cluster uses:
// every node a gossip seed, the leader preferred.
func (s *Server) ClusterURL() string {
	addrs := make([]string, len(s.nodes))
	for i, n := range s.nodes {
		addrs[i] = n.addr
	}
	return "esdb://" + strings.Join(addrs, ",") + "?tls=false&nodePreference=leader&maxDiscoverAttempts=5&discoveryInterval=20&gossipTimeout=1"
}

// Stop stops the node as a crash does; if it led, the next live node leads.
func (s *Server) Stop() {
	s.mu.Lock()
	s.alive[s] = false
	if s.leader == s {
		s.leader = nil
		for _, n := range s.nodes {
			if s.alive[n] {
				s.leader = n
				break
			}
		}
	}
	s.mu.Unlock()
	s.grpc.Stop()
}

// gossipService answers a node's gossip: the members, who is alive and
// who leads.
type gossipService struct {
	gossip.UnimplementedGossipServer
	node *Server
}

func (g gossipService) Read(context.Context, *shared.Empty) (*gossip.ClusterInfo, error) {
	s := g.node
	s.mu.Lock()
	defer s.mu.Unlock()
	info := &gossip.ClusterInfo{}
	for _, n := range s.nodes {
		state := gossip.MemberInfo_Follower
		if n == s.leader {
			state = gossip.MemberInfo_Leader
		}
		host, port, _ := net.SplitHostPort(n.addr)
		p, _ := strconv.Atoi(port)
		most, least := esdb.UUIDAsInt64(n.id)
		info.Members = append(info.Members, &gossip.MemberInfo{
			InstanceId: &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{MostSignificantBits: most, LeastSignificantBits: least}}},
			TimeStamp:  time.Now().UnixNano(), State: state, IsAlive: s.alive[n],
			HttpEndPoint: &gossip.EndPoint{Address: host, Port: uint32(p)},
		})
	}
	return info, nil
}

// DropSubscriptions ends every open subscription with Unavailable, as a
// leader change or a node restart does.
func (c *cluster) DropSubscriptions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.drop)
	c.drop = make(chan struct{})
}

// size is the log space a record takes: positions are byte offsets.
func size(data, metadata []byte) uint64 { return uint64(64 + len(data) + len(metadata)) }

// write appends one record of a batch of one; the caller holds mu or owns s.
func (s *cluster) write(stream, eventType, contentType string, data, metadata []byte, id uuid.UUID) {
	s.writeBatch(stream, []record{{eventType: eventType, contentType: contentType, data: data, metadata: metadata, id: id}})
}

// writeBatch appends records as one append. Like KurrentDB (20.6 on), every
// record of an append is committed by itself: its commit and prepare
// positions are both its own log position.
func (s *cluster) writeBatch(stream string, batch []record) (first, last record) {
	for i := range batch {
		r := batch[i]
		r.stream, r.revision = stream, uint64(len(s.streams[stream]))
		r.commit, r.prepare, r.created = s.next, s.next, time.Now().UTC()
		s.next += size(r.data, r.metadata)
		s.streams[stream] = append(s.streams[stream], len(s.log))
		s.log = append(s.log, r)
		batch[i] = r
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return batch[0], batch[len(batch)-1]
}

// Append implements the Streams service's append.
func (s *Server) Append(stream api.Streams_AppendServer) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	opts := first.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "the first message must be the options")
	}
	name := string(opts.GetStreamIdentifier().GetStreamName())
	var batch []record
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		p := msg.GetProposedMessage()
		id, err := esdb.ParseUUIDFromInt64(p.GetId().GetStructured().GetMostSignificantBits(), p.GetId().GetStructured().GetLeastSignificantBits())
		if err != nil {
			return status.Error(codes.InvalidArgument, err.Error())
		}
		batch = append(batch, record{id: id, eventType: p.GetMetadata()["type"], contentType: p.GetMetadata()["content-type"],
			data: p.GetData(), metadata: p.GetCustomMetadata()})
	}
	if len(batch) == 0 {
		return status.Error(codes.InvalidArgument, "no events")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	revs := s.streams[name]
	current := int64(len(revs)) - 1 // -1: no stream
	var expected int64 = -2         // any
	switch e := opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_NoStream:
		expected = -1
	case *api.AppendReq_Options_Revision:
		expected = int64(e.Revision)
	case *api.AppendReq_Options_StreamExists:
		if current < 0 {
			return stream.SendAndClose(wrongVersion(current))
		}
		expected = current
	}
	if expected != -2 && expected != current {
		// KurrentDB's idempotency: the same ids right after the expected
		// revision is the append already done.
		if expected < current && s.sameIDs(name, expected+1, batch) {
			r := s.log[revs[expected+int64(len(batch))]]
			return stream.SendAndClose(success(r.revision, r.commit, r.prepare))
		}
		return stream.SendAndClose(wrongVersion(current))
	}
	first2, last := s.writeBatch(name, batch)
	s.appends++
	if s.appends%systemEvery == 0 {
		s.write("$stats-"+s.addr, "$statsCollected", "application/json", []byte(`{"proc-cpu":1}`), nil, uuid.New())
	}
	return stream.SendAndClose(success(last.revision, first2.commit, last.prepare))
}

func (s *cluster) sameIDs(stream string, from int64, batch []record) bool {
	revs := s.streams[stream]
	if from+int64(len(batch)) > int64(len(revs)) {
		return false
	}
	for i, r := range batch {
		if s.log[revs[from+int64(i)]].id != r.id {
			return false
		}
	}
	return true
}

func success(revision, commit, prepare uint64) *api.AppendResp {
	return &api.AppendResp{Result: &api.AppendResp_Success_{Success: &api.AppendResp_Success{
		CurrentRevisionOption: &api.AppendResp_Success_CurrentRevision{CurrentRevision: revision},
		PositionOption:        &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{CommitPosition: commit, PreparePosition: prepare}},
	}}}
}

func wrongVersion(current int64) *api.AppendResp {
	w := &api.AppendResp_WrongExpectedVersion{ExpectedRevisionOption: &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}}
	if current < 0 {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
	} else {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(current)}
	}
	return &api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: w}}
}

// Read implements the Streams service's reads and subscriptions.
func (s *Server) Read(req *api.ReadReq, out api.Streams_ReadServer) error {
	opts := req.GetOptions()
	backwards := opts.GetReadDirection() == api.ReadReq_Options_Backwards
	count := uint64(math.MaxUint64)
	if c, ok := opts.GetCountOption().(*api.ReadReq_Options_Count); ok {
		count = c.Count
	}
	if st := opts.GetStream(); st != nil {
		if opts.GetSubscription() != nil {
			return status.Error(codes.Unimplemented, "stream subscriptions are not modelled")
		}
		return s.readStream(st, backwards, count, out)
	}
	all := opts.GetAll()
	if all == nil {
		return status.Error(codes.InvalidArgument, "a read names a stream or $all")
	}
	keep, err := filter(opts.GetFilter())
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	if opts.GetSubscription() != nil {
		return s.subscribe(all, keep, out)
	}
	s.mu.Lock()
	if p := all.GetPosition(); p != nil && !s.isRecordPosition(p.GetCommitPosition(), p.GetPreparePosition()) {
		s.mu.Unlock()
		return invalidPosition(p)
	}
	var picked []record
	if backwards {
		end := len(s.log)
		if p := all.GetPosition(); p != nil {
			end = s.firstAtOrAfter(p.GetCommitPosition(), p.GetPreparePosition())
		}
		for i := end - 1; i >= 0 && uint64(len(picked)) < count; i-- {
			picked = append(picked, s.log[i])
		}
	} else {
		from := 0
		switch {
		case all.GetEnd() != nil:
			from = len(s.log)
		case all.GetPosition() != nil:
			from = s.firstAtOrAfter(all.GetPosition().GetCommitPosition(), all.GetPosition().GetPreparePosition())
		}
		for i := from; i < len(s.log) && uint64(len(picked)) < count; i++ {
			picked = append(picked, s.log[i])
		}
	}
	s.mu.Unlock()
	for _, r := range picked {
		if err := out.Send(readEvent(r, true)); err != nil {
			return err
		}
	}
	return nil
}

// isRecordPosition reports whether a position points at the start of
// records, as KurrentDB requires of a read or subscription: it refuses to
// read from inside a record. The end of the log and (0, 0) are valid too.
func (s *cluster) isRecordPosition(commit, prepare uint64) bool {
	starts := func(pos uint64) bool {
		if pos == 0 || pos == s.next {
			return true
		}
		i := sort.Search(len(s.log), func(i int) bool { return s.log[i].prepare >= pos })
		return i < len(s.log) && s.log[i].prepare == pos
	}
	return starts(commit) && starts(prepare)
}

func invalidPosition(p *api.ReadReq_Options_Position) error {
	return status.Errorf(codes.InvalidArgument, "invalid position (%d, %d): not the start of a record", p.GetCommitPosition(), p.GetPreparePosition())
}

// firstAtOrAfter is the index of the first record at or after (commit,
// prepare) in $all order.
func (s *cluster) firstAtOrAfter(commit, prepare uint64) int {
	for i, r := range s.log {
		if r.commit > commit || (r.commit == commit && r.prepare >= prepare) {
			return i
		}
	}
	return len(s.log)
}

func (s *Server) readStream(st *api.ReadReq_Options_StreamOptions, backwards bool, count uint64, out api.Streams_ReadServer) error {
	name := string(st.GetStreamIdentifier().GetStreamName())
	s.mu.Lock()
	revs := s.streams[name]
	var picked []record
	if len(revs) > 0 {
		from := int64(0)
		if backwards {
			from = int64(len(revs)) - 1
		}
		if r, ok := st.GetRevisionOption().(*api.ReadReq_Options_StreamOptions_Revision); ok {
			from = int64(min(r.Revision, uint64(math.MaxInt64)))
		} else if st.GetEnd() != nil && !backwards {
			from = int64(len(revs))
		}
		step := int64(1)
		if backwards {
			step = -1
			from = min(from, int64(len(revs))-1)
		}
		for i := from; i >= 0 && i < int64(len(revs)) && uint64(len(picked)) < count; i += step {
			picked = append(picked, s.log[revs[i]])
		}
	}
	s.mu.Unlock()
	if len(revs) == 0 {
		return out.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(name)}}}})
	}
	for _, r := range picked {
		if err := out.Send(readEvent(r, false)); err != nil {
			return err
		}
	}
	return nil
}

// subscribe sends the records after the start position, then each new one,
// until the client goes away or DropSubscriptions is called.
func (s *Server) subscribe(all *api.ReadReq_Options_AllOptions, keep func(record) bool, out api.Streams_ReadServer) error {
	if err := out.Send(&api.ReadResp{Content: &api.ReadResp_Confirmation{Confirmation: &api.ReadResp_SubscriptionConfirmation{SubscriptionId: uuid.NewString()}}}); err != nil {
		return err
	}
	s.mu.Lock()
	if p := all.GetPosition(); p != nil && !s.isRecordPosition(p.GetCommitPosition(), p.GetPreparePosition()) {
		s.mu.Unlock()
		return invalidPosition(p)
	}
	next := 0
	switch {
	case all.GetEnd() != nil:
		next = len(s.log)
	case all.GetPosition() != nil:
		p := all.GetPosition()
		next = s.firstAtOrAfter(p.GetCommitPosition(), p.GetPreparePosition())
		if next < len(s.log) && s.log[next].commit == p.GetCommitPosition() && s.log[next].prepare == p.GetPreparePosition() {
			next++ // a subscription starts after its position
		}
	}
	drop := s.drop
	s.mu.Unlock()
	for {
		s.mu.Lock()
		fresh := s.log[next:len(s.log):len(s.log)]
		changed := s.changed
		s.mu.Unlock()
		for _, r := range fresh {
			next++
			if !keep(r) {
				continue
			}
			if err := out.Send(readEvent(r, true)); err != nil {
				return err
			}
		}
		select {
		case <-out.Context().Done():
			return out.Context().Err()
		case <-drop:
			return status.Error(codes.Unavailable, "subscription dropped: the node is changing leader")
		case <-changed:
		}
	}
}

// filter turns a subscription filter into a predicate on records.
func filter(f *api.ReadReq_Options_FilterOptions) (func(record) bool, error) {
	if f == nil {
		return func(record) bool { return true }, nil
	}
	expr, field := f.GetStreamIdentifier(), func(r record) string { return r.stream }
	if expr == nil {
		expr, field = f.GetEventType(), func(r record) string { return r.eventType }
	}
	if expr == nil {
		return nil, fmt.Errorf("a filter on stream or event type is required")
	}
	if len(expr.GetPrefix()) > 0 {
		prefixes := expr.GetPrefix()
		return func(r record) bool {
			for _, p := range prefixes {
				if strings.HasPrefix(field(r), p) {
					return true
				}
			}
			return false
		}, nil
	}
	re, err := regexp.Compile(expr.GetRegex())
	if err != nil {
		return nil, err
	}
	return func(r record) bool { return re.MatchString(field(r)) }, nil
}

// readEvent is a record as the server sends it (22.6 on: a read of one
// stream carries the record's positions too, but no commit position beside
// the event).
func readEvent(r record, fromAll bool) *api.ReadResp {
	most, least := esdb.UUIDAsInt64(r.id)
	ev := &api.ReadResp_ReadEvent{
		Event: &api.ReadResp_ReadEvent_RecordedEvent{
			Id:               &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{MostSignificantBits: most, LeastSignificantBits: least}}},
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(r.stream)},
			StreamRevision:   r.revision,
			PreparePosition:  r.prepare,
			CommitPosition:   r.commit,
			Metadata: map[string]string{"type": r.eventType, "content-type": r.contentType,
				"created": strconv.FormatInt(r.created.UnixNano()/100, 10)},
			CustomMetadata: r.metadata,
			Data:           r.data,
		},
	}
	if fromAll {
		ev.Position = &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: r.commit}
	} else {
		ev.Position = &api.ReadResp_ReadEvent_NoPosition{NoPosition: &shared.Empty{}}
	}
	return &api.ReadResp{Content: &api.ReadResp_Event{Event: ev}}
}
