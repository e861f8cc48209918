package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckpointerCopiesTheLog: a write well under the writer's own autocheckpoint
// reaches the database file within a few seconds, with no checkpoint asked for; and
// closing the store stops the checkpointer.
func TestCheckpointerCopiesTheLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Exec(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	const rows, size = 2000, 1000 // about 2 MB: 500 pages, far below walBackstop
	err = st.InTx(ctx, func(tx *Tx) error {
		for i := 0; i < rows; i++ {
			if _, err := tx.Exec(ctx, `INSERT INTO t (v) VALUES (?)`, strings.Repeat("x", size)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * checkpointEvery)
	for {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() >= rows*size {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes after %v: the log was not checkpointed", fi.Size(), 5*checkpointEvery)
		}
		time.Sleep(50 * time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- st.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
}
