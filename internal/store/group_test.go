package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/store"
)

// Concurrent InGroupTx calls share transactions on SQLite: each one's changes must
// commit or vanish on its own, and a later call must see an earlier one's changes
// exactly when that one succeeded.
func TestGroupTxIsolatesFailures(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if _, err := st.Exec(ctx, `CREATE TABLE grp_t (k INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Exec(ctx, `INSERT INTO grp_t (k, n) VALUES (0, 0)`); err != nil {
		t.Fatal(err)
	}
	const calls = 400
	errOdd := errors.New("odd calls fail after writing")
	var wg sync.WaitGroup
	results := make([]error, calls)
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = st.InGroupTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO grp_t (k, n) VALUES (?, ?)`, i+1, i); err != nil {
					return err
				}
				// A counter that every call bumps: it ends at the number of successes
				// only if failed calls' bumps are rolled back and others' are seen.
				if _, err := tx.Exec(ctx, `UPDATE grp_t SET n = n + 1 WHERE k = 0`); err != nil {
					return err
				}
				if i%2 == 1 {
					return fmt.Errorf("call %d: %w", i, errOdd)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range results {
		if (i%2 == 1) != errors.Is(err, errOdd) || (i%2 == 0 && err != nil) {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	var rows, counter int
	if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM grp_t WHERE k > 0 AND n % 2 = 0`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := st.QueryRow(ctx, `SELECT n FROM grp_t WHERE k = 0`).Scan(&counter); err != nil {
		t.Fatal(err)
	}
	var odd int
	if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM grp_t WHERE n % 2 = 1`).Scan(&odd); err != nil {
		t.Fatal(err)
	}
	if rows != calls/2 || counter != calls/2 || odd != 0 {
		t.Fatalf("committed rows %d, counter %d, failed rows left %d; want %d, %d, 0", rows, counter, odd, calls/2, calls/2)
	}

	// A panic inside fn reaches the caller and leaves nothing behind.
	func() {
		defer func() {
			if p := recover(); p == nil {
				t.Fatal("panic in fn was swallowed")
			}
		}()
		_ = st.InGroupTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO grp_t (k, n) VALUES (-1, 1)`); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	var left int
	if err := st.QueryRow(ctx, `SELECT COUNT(*) FROM grp_t WHERE k = -1`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("panicking call left %d rows (%v)", left, err)
	}
	// The writer still works after the panic.
	if err := st.InGroupTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO grp_t (k, n) VALUES (-2, 2)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// A call after Close is refused instead of waiting for a writer that is gone.
func TestGroupTxAfterClose(t *testing.T) {
	for _, used := range []bool{false, true} {
		st := openStore(t)
		ctx := context.Background()
		if used {
			if err := st.InGroupTx(ctx, func(tx *store.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		st.Close()
		done := make(chan error, 1)
		go func() { done <- st.InGroupTx(ctx, func(tx *store.Tx) error { return nil }) }()
		select {
		case err := <-done:
			if err == nil {
				t.Fatalf("used %v: a call after Close succeeded", used)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("used %v: a call after Close hangs", used)
		}
	}
}
