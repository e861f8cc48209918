package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationsFS embed.FS

// migration is one numbered SQL file. Numbers are ranges per feature (0001-0009 spine,
// 0010-0019 booking, 0020-0029 photos, 0030-0039 campaign, 0040-0049 cards) so parallel
// work never collides; they are applied in numeric order.
type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := path.Join("migrations", string(s.dialect))
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", name)
		}
		body, err := migrationsFS.ReadFile(path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion returns the highest applied migration (0 on an empty database).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("schema_migrations: %w", err)
	}
	var v int
	if err := s.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, err
	}
	return v, nil
}

// Migrate applies every embedded migration not yet applied, each in its own transaction.
// It refuses to touch a database that has a migration this binary does not know — a
// newer binary's — because running old code on a new schema could corrupt data. Feature
// ranges mean "newer" is not simply "higher": any unknown applied version counts.
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	ms, err := s.migrations()
	if err != nil {
		return nil, err
	}
	if _, err := s.SchemaVersion(ctx); err != nil {
		return nil, err
	}
	if s.dialect == Postgres {
		// Two instances starting together must not both apply 0001. A session lock on a
		// dedicated connection, released when the connection goes back.
		conn, err := s.write.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7346002)`); err != nil {
			return nil, err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7346002)`)
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.version] = true
	}
	done := map[int]bool{}
	rows, err := s.write.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, err
		}
		done[v] = true
	}
	rows.Close()
	for v := range done {
		if !known[v] {
			return nil, fmt.Errorf("database has migration %04d that this binary does not know (schema newer than this binary): upgrade sportello", v)
		}
	}
	for _, m := range ms {
		if done[m.version] {
			continue
		}
		err := s.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.version, m.name, Micros(s.Now()))
			return err
		})
		if err != nil {
			return applied, err
		}
		applied = append(applied, m.name)
	}
	return applied, nil
}
