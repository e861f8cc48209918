package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

// TestEachRowMatchesScan: rows read straight from the statement (eachRow) hold what
// database/sql scans, for every column type, NULL and the empty string; a statement
// the wrapper leaves to the driver still runs; a cancelled context stops the read.
func TestEachRowMatchesScan(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Exec(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, i BIGINT, f REAL, s TEXT, d DATETIME)`); err != nil {
		t.Fatal(err)
	}
	for _, r := range [][]any{
		{int64(-7), 1.5, "héllo\x00x", "2026-01-02 03:04:05"},
		{nil, nil, "", nil},
		{int64(1) << 40, -0.25, "abc", "2026-12-06"},
	} {
		if _, err := st.Exec(ctx, `INSERT INTO t (i, f, s, d) VALUES (?, ?, ?, ?)`, r...); err != nil {
			t.Fatal(err)
		}
	}
	read := func(r rowReader) string {
		return fmt.Sprintf("%d|%v|%q|%q|%q", r.Int64(0), r.Float64(1), r.String(2), r.Bytes(2), r.String(3))
	}
	var direct, scanned []string
	q := `SELECT i, f, s, CAST(id AS TEXT) FROM t WHERE id >= ? ORDER BY id`
	if err := st.eachRow(ctx, q, []any{1}, func(r rowReader) error { direct = append(direct, read(r)); return nil }); err != nil {
		t.Fatal(err)
	}
	if done, err := st.eachSQLiteRow(ctx, q, []any{1}, func(rowReader) error { return nil }); !done || err != nil {
		t.Fatalf("not read from the statement: %v %v", done, err)
	}
	rows, err := st.Query(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, 4)
	ptrs := []any{&vals[0], &vals[1], &vals[2], &vals[3]}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		scanned = append(scanned, read(scannedRow{vals: vals}))
	}
	rows.Close()
	if fmt.Sprint(direct) != fmt.Sprint(scanned) || len(direct) != 3 {
		t.Fatalf("direct\n%v\nscanned\n%v", direct, scanned)
	}
	// a DATETIME column is the driver's to convert: eachRow goes through database/sql
	if done, err := st.eachSQLiteRow(ctx, `SELECT d FROM t`, nil, func(rowReader) error { return nil }); done || err != nil {
		t.Fatalf("a DATETIME column read from the statement: %v %v", done, err)
	}
	n := 0
	if err := st.eachRow(ctx, `SELECT d FROM t WHERE d IS NOT NULL`, nil, func(r rowReader) error { n++; return nil }); err != nil || n != 2 {
		t.Fatalf("%d DATETIME rows: %v", n, err)
	}
	// fn's error stops the read and comes back
	stop := errors.New("stop")
	if err := st.eachRow(ctx, q, []any{1}, func(rowReader) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("fn's error: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.eachRow(cctx, q, []any{1}, func(rowReader) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: %v", err)
	}
}

// FuzzParseDay: parseDay reads a day exactly as campaignParseDay does.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-03-02", "2026-02-29", "2024-02-29", "2026-13-01", "2026-04-31", "0000-01-01", "2026-1-01", "", "abcd-ef-gh", "2026-03-02x", "2026-03-00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := parseDay([]byte(s)), campaignParseDay(s); !got.Equal(want) || got.Location() != want.Location() {
			t.Fatalf("parseDay(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestCitizenStateConstants: a known state comes back as the constant itself.
func TestCitizenStateConstants(t *testing.T) {
	for _, st := range CitizenStates {
		if got := citizenState([]byte(st)); got != st {
			t.Fatalf("%q read as %q", st, got)
		}
	}
	if got := citizenState([]byte("other")); got != "other" {
		t.Fatal(got)
	}
}
