package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// openStore opens a fresh migrated store on the suite's database (SQLite or PostgreSQL).
func openStore(t *testing.T) *store.Store {
	t.Helper()
	return testdb.Open(t)
}

func TestMigrateIsIdempotentAndRefusesNewerSchema(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	applied, err := st.Migrate(ctx)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second migrate applied %v, err %v", applied, err)
	}
	// A newer binary's migration inside a feature range (not the highest number).
	if _, err := st.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	_, err = st.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("migrate on newer schema: %v", err)
	}
}

func TestSentinelErrors(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if _, err := st.UserByUsername(ctx, "nobody"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("missing user: %v", err)
	}
	u := &model.User{Username: "alice", Role: model.RoleAdmin, PasswordHash: "x"}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, &model.User{Username: "alice", Role: model.RoleOperator, PasswordHash: "y"}); !errors.Is(err, model.ErrConflict) {
		t.Errorf("duplicate user: %v", err)
	}
	if model.ErrorCode(fmtWrap(model.ErrConflict)) != model.ECONFLICT {
		t.Error("wrapped conflict lost its code")
	}
	if err := st.SetUserDisabled(ctx, 4242, true); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("disable missing: %v", err)
	}
}

func fmtWrap(err error) error { return errors.Join(errors.New("context"), err) }

func TestSessionsExpire(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	u := &model.User{Username: "alice", Role: model.RoleOperator, PasswordHash: "x"}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	hash := []byte("0123456789abcdef0123456789abcdef")
	if err := st.CreateSession(ctx, &model.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got, err := st.SessionUser(ctx, hash); err != nil || got.Username != "alice" {
		t.Fatalf("session user %v %v", got, err)
	}
	now = now.Add(2 * time.Hour)
	if _, err := st.SessionUser(ctx, hash); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("expired session still valid: %v", err)
	}
	if n, err := st.DeleteExpiredSessions(ctx); err != nil || n != 1 {
		t.Fatalf("cleanup removed %d, %v", n, err)
	}
}

func TestDemoSeedOnce(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	seeded, err := st.SeedDemo(ctx)
	if err != nil || !seeded {
		t.Fatalf("seed: %v %v", seeded, err)
	}
	if again, err := st.SeedDemo(ctx); err != nil || again {
		t.Fatalf("second seed: %v %v", again, err)
	}
	offices, err := st.ListOffices(ctx, true)
	if err != nil || len(offices) < 5 {
		t.Fatalf("offices %d %v", len(offices), err)
	}
	larga, err := st.OfficeByCode(ctx, "larga")
	if err != nil {
		t.Fatal(err)
	}
	hours, err := st.OpeningHours(ctx, larga.ID)
	if err != nil {
		t.Fatal(err)
	}
	var sat, thuLate bool
	for _, h := range hours {
		if h.Weekday == time.Saturday && h.OpensMin == 8*60+30 && h.ClosesMin == 11*60+30 {
			sat = true
		}
		if h.Weekday == time.Thursday && h.ClosesMin == 19*60 {
			thuLate = true
		}
		if err := h.Validate(); err != nil {
			t.Errorf("seeded hours invalid: %v", err)
		}
	}
	if !sat || !thuLate {
		t.Errorf("Via Larga hours: saturday %v, thursday late %v", sat, thuLate)
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if err := st.Audit(ctx, &model.AuditEntry{Actor: "user:alice", Action: "photo.view", Object: "photo:" + string(rune('A'+i)), IP: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	}
	n, problem, err := st.VerifyAudit(ctx)
	if err != nil || problem != nil || n != 5 {
		t.Fatalf("intact chain: n=%d problem=%v err=%v", n, problem, err)
	}
	// The application's connection cannot change the log…
	if _, err := st.Exec(ctx, `UPDATE audit_log SET actor = 'user:mallory' WHERE id = 3`); err == nil {
		t.Fatal("update of audit_log was allowed")
	}
	if _, err := st.Exec(ctx, `DELETE FROM audit_log WHERE id = 2`); err == nil {
		t.Fatal("delete from audit_log was allowed")
	}
	wipe := `DELETE FROM audit_log`
	if st.Dialect() == store.Postgres {
		wipe = `TRUNCATE audit_log`
	}
	if _, err := st.Exec(ctx, wipe); err == nil {
		t.Fatal("wiping audit_log was allowed")
	}
	// …so an attacker with database access first drops the guard; the chain still tells.
	disableGuards(t, st)
	if _, err := st.Exec(ctx, `UPDATE audit_log SET actor = 'user:mallory' WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	_, problem, err = st.VerifyAudit(ctx)
	if err != nil || problem == nil || problem.ID != 3 || !strings.Contains(problem.Reason, "altered") {
		t.Fatalf("altered row: problem=%v err=%v", problem, err)
	}
}

func TestAuditChainDetectsRemoval(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		if err := st.Audit(ctx, &model.AuditEntry{Actor: "system", Action: "photo.expire"}); err != nil {
			t.Fatal(err)
		}
	}
	disableGuards(t, st)
	if _, err := st.Exec(ctx, `DELETE FROM audit_log WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	_, problem, err := st.VerifyAudit(ctx)
	if err != nil || problem == nil || problem.ID != 2 || !strings.Contains(problem.Reason, "removed") {
		t.Fatalf("removed row: problem=%v err=%v", problem, err)
	}
}

func disableGuards(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if st.Dialect() == store.Postgres {
		stmts = []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
	}
	for _, q := range stmts {
		if _, err := st.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditAppendsConcurrently(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	const n = 40
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() { errs <- st.Audit(ctx, &model.AuditEntry{Actor: "system", Action: "concurrent"}) }()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	count, problem, err := st.VerifyAudit(ctx)
	if err != nil || problem != nil || count != n {
		t.Fatalf("count=%d problem=%v err=%v", count, problem, err)
	}
}
