package storebench

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pledger/pledger/events"
)

// The raw engine: plain database/sql over the same driver, file settings and
// table as the store, doing only what SQLite must do to hold the same rows.

func openRaw(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=cache_size(-32000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

const rawInsert = `INSERT INTO events (position, id, stream, version, type, schema_version, data,
	recorded_at, effective_at, actor, reason, correlation_id, causation_id, prev_hash, hash)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func rawArgs(ev *events.Event) []any {
	return []any{int64(ev.Position), ev.ID[:], ev.Stream, int64(ev.Version), ev.Type, ev.SchemaVersion,
		[]byte(ev.Data), ev.RecordedAt.UnixNano(), ev.EffectiveAt.UnixNano(), ev.Actor, ev.Reason,
		nil, nil, ev.PrevHash[:], ev.Hash[:]}
}

// rawInsertBatch inserts rows in one transaction.
func rawInsertBatch(ctx context.Context, db *sql.DB, rows []events.Event) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, rawInsert)
	if err != nil {
		tx.Rollback()
		return err
	}
	for i := range rows {
		if _, err := st.ExecContext(ctx, rawArgs(&rows[i])...); err != nil {
			tx.Rollback()
			return fmt.Errorf("raw insert: %w", err)
		}
	}
	return tx.Commit()
}

// RawScan reads every row of the ledger at path with a plain query, without
// decoding anything: the raw engine's limit for reading a log.
func RawScan(ctx context.Context, path string) (int, error) {
	db, err := openRaw(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	return rawScan(ctx, db)
}

// rawScan reads every row of the table without decoding it into events.
func rawScan(ctx context.Context, db *sql.DB) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT position, id, stream, version, type, schema_version, data,
		recorded_at, effective_at, actor, reason, correlation_id, causation_id, prev_hash, hash FROM events ORDER BY position`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var (
		position, version, recorded, effective, schema               int64
		id, stream, typ, data, actor, reason, corr, caus, prev, hash sql.RawBytes
		n                                                            int
	)
	for rows.Next() {
		if err := rows.Scan(&position, &id, &stream, &version, &typ, &schema, &data, &recorded, &effective,
			&actor, &reason, &corr, &caus, &prev, &hash); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
