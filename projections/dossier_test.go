package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pledger/pledger/projections"
)

func TestDumpTmp(t *testing.T) {
	e, id := demoEngine(t)
	e.Records(context.Background(), id, projections.Bound{}, func(rs []projections.Record) error {
		for _, r := range rs {
			b, _ := json.Marshal(r.Payload)
			s := string(b)
			if len(s) > 300 {
				s = s[:300]
			}
			fmt.Printf("%d %s %s %s eff=%s %s cause=%s | %s\n", r.Position, r.ID, r.RecordedAt.Format("2006-01-02T15:04"), r.Type, r.EffectiveAt.Format("2006-01-02"), r.Actor, r.CausationID, s)
		}
		return nil
	})
}
