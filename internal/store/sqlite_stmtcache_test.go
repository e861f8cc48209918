package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/model"
)

// The statement cache must answer exactly as the plain driver does; each check runs
// the same statements through a cached and a plain connection and compares.
func TestStmtCacheMatchesDriver(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := st.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cached bool
	_ = conn.Raw(func(dc any) error { _, cached = dc.(*cachedConn); return nil })
	conn.Close()
	if !cached {
		t.Fatal("the SQLite connection is not the caching wrapper: the driver's layout changed")
	}
	if _, err := st.Exec(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, i BIGINT, f REAL, s TEXT, b BLOB, u TEXT UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	ins := `INSERT INTO t (i, f, s, b, u) VALUES (?, ?, ?, ?, ?)`
	for i, args := range [][]any{
		{int64(-7), 1.5, "héllo\x00x", []byte{0, 1, 2}, "a"},
		{nil, nil, "", []byte{}, "b"},
		{true, 0.0, "x", nil, nil},
	} {
		res, err := st.Exec(ctx, ins, args...)
		if err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
		if id, _ := res.LastInsertId(); id != int64(i+1) {
			t.Fatalf("insert %d: last id %d", i, id)
		}
	}
	if _, err := st.Exec(ctx, ins, 1, 1.0, "dup", nil, "a"); !errors.Is(st.translate(err), model.ErrConflict) {
		t.Fatalf("unique violation: %v, want a conflict", err)
	}
	plain, err := sql.Open("sqlite", filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	q := `SELECT id, i, f, s, b, u FROM t WHERE id >= ? ORDER BY id`
	dump := func(db interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}) [][]any {
		rows, err := db.QueryContext(ctx, q, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out [][]any
		for rows.Next() {
			v := make([]any, 6)
			p := make([]any, 6)
			for i := range v {
				p[i] = &v[i]
			}
			if err := rows.Scan(p...); err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	got, want := dump(st.read), dump(plain)
	if len(got) != 3 || fmtRows(got) != fmtRows(want) {
		t.Fatalf("cached rows\n%s\nplain rows\n%s", fmtRows(got), fmtRows(want))
	}
	// The same query again while its rows are open (a nested use) must not clobber them.
	rows, err := st.Query(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
		var c int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM t WHERE id >= ?`, 1).Scan(&c); err != nil || c != 3 {
			t.Fatalf("inner query: %d %v", c, err)
		}
		inner := dump(st.read)
		if len(inner) != 3 {
			t.Fatalf("nested rows: %d", len(inner))
		}
	}
	rows.Close()
	if n != 3 {
		t.Fatalf("outer rows: %d", n)
	}
	// Bound strings stay valid while their rows are open, beside other statements
	// binding theirs.
	srows, err := st.Query(ctx, `SELECT id, u FROM t WHERE u >= ? AND s <> ? ORDER BY id`, "a", "zz")
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for srows.Next() {
		var id int
		var u string
		if err := srows.Scan(&id, &u); err != nil {
			t.Fatal(err)
		}
		var c int
		if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM t WHERE u = ? OR s = ?`, "b", "héllo\x00x").Scan(&c); err != nil || c != 2 {
			t.Fatalf("inner query with strings: %d %v", c, err)
		}
		seen = append(seen, u)
	}
	srows.Close()
	if strings.Join(seen, ",") != "a,b" {
		t.Fatalf("rows by string arguments: %v", seen)
	}
	// The same on the one write connection: the query's rows stay open while the same
	// text runs again (an uncached copy, with its own strings) and another binds its.
	err = st.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, u FROM t WHERE u >= ? AND s <> ? ORDER BY id`, "a", "zz")
		if err != nil {
			return err
		}
		defer rows.Close()
		var seen []string
		for rows.Next() {
			var id int
			var u string
			if err := rows.Scan(&id, &u); err != nil {
				return err
			}
			var again string
			if err := tx.QueryRow(ctx, `SELECT id, u FROM t WHERE u >= ? AND s <> ? ORDER BY id`, "b", "zz").Scan(&id, &again); err != nil || again != "b" {
				return fmt.Errorf("the same query again: %q %v", again, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE t SET s = s WHERE u = ? OR s = ?`, "nobody", "héllo\x00x"); err != nil {
				return err
			}
			seen = append(seen, u)
		}
		if strings.Join(seen, ",") != "a,b" {
			return fmt.Errorf("rows on the write connection: %v", seen)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	// A cancelled context stops the statement, as with the driver.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := st.Query(cctx, q, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled query: %v", err)
	}
	// Several statements in one text still all run.
	if _, err := st.Exec(ctx, `UPDATE t SET i = 1 WHERE id = 1; UPDATE t SET i = 2 WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	var a, b int
	if err := st.QueryRow(ctx, `SELECT (SELECT i FROM t WHERE id = 1), (SELECT i FROM t WHERE id = 2)`).Scan(&a, &b); err != nil || a != 1 || b != 2 {
		t.Fatalf("multi-statement exec: %d %d %v", a, b, err)
	}
}

func fmtRows(rs [][]any) string {
	var s string
	for _, r := range rs {
		for _, v := range r {
			switch x := v.(type) {
			case []byte:
				s += "b" + string(x) + fmtNil(x == nil) + "|"
			default:
				s += sprint(x) + "|"
			}
		}
		s += "\n"
	}
	return s
}

func fmtNil(isNil bool) string {
	if isNil {
		return "<nil>"
	}
	return ""
}

func sprint(v any) string { return fmt.Sprintf("%T:%v", v, v) }
