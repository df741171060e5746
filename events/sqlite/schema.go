package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] brings the schema from version i to i+1. Append only: a
// shipped migration is never edited.
var migrations = []string{
	`CREATE TABLE events (
		position       INTEGER PRIMARY KEY,
		id             BLOB    NOT NULL,
		stream         TEXT    NOT NULL,
		version        INTEGER NOT NULL,
		type           TEXT    NOT NULL,
		schema_version INTEGER NOT NULL,
		data           BLOB    NOT NULL,
		recorded_at    INTEGER NOT NULL,
		effective_at   INTEGER NOT NULL,
		actor          TEXT    NOT NULL,
		reason         TEXT    NOT NULL,
		correlation_id BLOB,
		causation_id   BLOB,
		prev_hash      BLOB    NOT NULL,
		hash           BLOB    NOT NULL
	);
	CREATE UNIQUE INDEX events_id ON events (id);
	CREATE UNIQUE INDEX events_stream_version ON events (stream, version);`,
}

// migrate applies the migrations the file lacks, each in its own transaction
// together with the new user_version.
func migrate(ctx context.Context, db *sql.DB) error {
	var current int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("sqlite: read schema version: %w", err)
	}
	if current > len(migrations) {
		return fmt.Errorf("sqlite: ledger schema version %d is newer than this pledger understands (%d): upgrade pledger", current, len(migrations))
	}
	for v := current; v < len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("sqlite: migrate schema to version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: migrate schema to version %d: %w", v+1, err)
		}
	}
	return nil
}

// checkSchema is migrate's read-only counterpart.
func checkSchema(ctx context.Context, db *sql.DB) error {
	var current int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("sqlite: read schema version: %w", err)
	}
	if current != len(migrations) {
		return fmt.Errorf("sqlite: ledger schema version is %d, this pledger reads %d: open it once for writing to migrate", current, len(migrations))
	}
	return nil
}
