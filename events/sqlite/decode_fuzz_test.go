package sqlite

import (
	"bytes"
	"testing"

	"github.com/pledger/pledger/events"
)

// FuzzDecodeStoredEvent feeds arbitrary column values to the row decoder: it
// must never panic, must refuse rows no append could write, and must carry
// every accepted column into the event unchanged.
func FuzzDecodeStoredEvent(f *testing.F) {
	id, hash := bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{2}, 32)
	f.Add(int64(1), id, "project-a", int64(1), "raid.risk_raised", 1, []byte(`{"a":1}`), int64(1e18), int64(1e18), "ann", "why", []byte(nil), id, hash, hash)
	f.Add(int64(0), id, "", int64(0), "", 0, []byte(nil), int64(-1), int64(0), "", "", id[:3], []byte(nil), hash[:31], hash)
	f.Add(int64(7), id[:15], "s", int64(2), "t.x", 2, []byte("{}"), int64(0), int64(0), "a", "", []byte(nil), []byte(nil), hash, hash[:1])
	f.Fuzz(func(t *testing.T, position int64, id []byte, stream string, version int64, typ string, schema int,
		data []byte, recorded, effective int64, actor, reason string, corr, caus, prev, hash []byte) {
		sc := newScanner()
		sc.position, sc.id, sc.stream, sc.version, sc.typ, sc.schema = position, id, []byte(stream), version, []byte(typ), schema
		sc.data, sc.recorded, sc.effective, sc.actor, sc.reason = data, recorded, effective, []byte(actor), []byte(reason)
		sc.corr, sc.caus, sc.prev, sc.hash = corr, caus, prev, hash
		ev, err := sc.decode()
		valid := position >= 1 && version >= 1 && schema >= 1 && len(id) == 16 && len(prev) == 32 && len(hash) == 32 &&
			(len(corr) == 0 || len(corr) == 16) && (len(caus) == 0 || len(caus) == 16)
		if !valid {
			if err == nil {
				t.Fatalf("a malformed row decoded: %+v", ev)
			}
			return
		}
		if err != nil {
			t.Fatalf("a well-formed row was refused: %v", err)
		}
		want := events.Event{Stream: stream, Version: uint64(version), Position: uint64(position), Type: typ,
			SchemaVersion: schema, Actor: actor, Reason: reason}
		if ev.Stream != want.Stream || ev.Version != want.Version || ev.Position != want.Position || ev.Type != want.Type ||
			ev.SchemaVersion != want.SchemaVersion || ev.Actor != want.Actor || ev.Reason != want.Reason ||
			!bytes.Equal(ev.ID[:], id) || !bytes.Equal(ev.PrevHash[:], prev) || !bytes.Equal(ev.Hash[:], hash) ||
			!bytes.Equal(ev.Data, data) || ev.RecordedAt.UnixNano() != recorded || ev.EffectiveAt.UnixNano() != effective {
			t.Fatalf("decoded event differs from its columns: %+v", ev)
		}
		if len(corr) == 16 && !bytes.Equal(ev.CorrelationID[:], corr) || len(caus) == 16 && !bytes.Equal(ev.CausationID[:], caus) {
			t.Fatalf("ids differ: %+v", ev)
		}
	})
}
