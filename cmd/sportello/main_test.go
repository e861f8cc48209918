package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/cli"
)

// TestMain lets the test binary act as the sportello binary when re-executed with
// SPORTELLO_AS_MAIN=1, so process-level tests need no separate build step.
func TestMain(m *testing.M) {
	if os.Getenv("SPORTELLO_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SPORTELLO_AS_MAIN=1")
	return cmd
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type server struct {
	cmd    *exec.Cmd
	base   string
	stdout *safeBuffer
	stderr *safeBuffer
}

type safeBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startServer(t *testing.T, dataDir, db string) *server {
	t.Helper()
	addr := freeAddr(t)
	args := []string{"serve", "--addr", addr, "--data", dataDir}
	if db != "" {
		args = append(args, "--db", db)
	}
	s := &server{cmd: command(context.Background(), args...), base: "http://" + addr, stdout: &safeBuffer{}, stderr: &safeBuffer{}}
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.cmd.Process.Kill(); _ = s.cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(s.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not become ready; stderr:\n%s", s.stderr.String())
	return nil
}

func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func login(t *testing.T, c *http.Client, base, user, pw string) {
	t.Helper()
	res, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
}

// TestCrashKeepsAcknowledgedWrites kills the server with SIGKILL while clients are
// creating accounts, restarts it, and checks every acknowledged write survived and the
// database and audit chain are intact.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	apptest.RequirePostgresInCI(t)
	db, dataDir := apptest.DSN(t)
	s1 := startServer(t, dataDir, db)
	m := regexp.MustCompile(`Password: (\S+)`).FindStringSubmatch(s1.stdout.String())
	if m == nil {
		t.Fatalf("no one-time admin password printed; stdout: %q", s1.stdout.String())
	}
	adminPW := m[1]
	c := client()
	login(t, c, s1.base, "admin", adminPW)

	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("clerk-%d-%d", w, i)
				res, err := c.PostForm(s1.base+"/op/users", url.Values{"username": {name}, "role": {"operator"}})
				if err != nil {
					return // the server died mid-request: not acknowledged
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, name)
					mu.Unlock()
				}
			}
		}(w)
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 25 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = s1.cmd.Wait()
	close(stop)
	wg.Wait()

	s2 := startServer(t, dataDir, db)
	if strings.Contains(s2.stdout.String(), "Password:") {
		t.Error("restart created a second first admin")
	}
	c2 := client()
	login(t, c2, s2.base, "admin", adminPW)
	res, err := c2.Get(s2.base + "/op/users")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, name := range acked {
		if !strings.Contains(string(body), ">"+name+"<") {
			t.Errorf("acknowledged account %s lost after kill -9", name)
		}
	}
	t.Logf("%d acknowledged writes survived kill -9", len(acked))

	if db == "" {
		sdb, err := sql.Open("sqlite", filepath.Join(dataDir, "sportello.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer sdb.Close()
		var ok string
		if err := sdb.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Errorf("integrity_check: %q %v", ok, err)
		}
	}
	args := []string{"audit", "verify", "--data", dataDir}
	if db != "" {
		args = append(args, "--db", db)
	}
	out, err := command(context.Background(), args...).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "OK:") {
		t.Errorf("audit verify after crash: %v\n%s", err, out)
	}
}

// TestAuditVerifyNamesTamperedRow alters a row behind the application's back and expects
// `sportello audit verify` to fail and name it.
func TestAuditVerifyNamesTamperedRow(t *testing.T) {
	apptest.RequirePostgresInCI(t)
	db, dataDir := apptest.DSN(t)
	s := startServer(t, dataDir, db)
	adminPW := regexp.MustCompile(`Password: (\S+)`).FindStringSubmatch(s.stdout.String())[1]
	c := client()
	for i := 0; i < 3; i++ {
		login(t, c, s.base, "admin", adminPW)
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_ = s.cmd.Wait()

	verify := func() (string, int) {
		args := []string{"audit", "verify", "--data", dataDir}
		if db != "" {
			args = append(args, "--db", db)
		}
		cmd := command(context.Background(), args...)
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	if out, code := verify(); code != 0 {
		t.Fatalf("untouched log: exit %d\n%s", code, out)
	}
	driver, dsn := "sqlite", filepath.Join(dataDir, "sportello.db")
	tamper := []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET ip = '10.6.6.6' WHERE id = 2`}
	if db != "" {
		driver, dsn = "pgx", db
		tamper = []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`, `UPDATE audit_log SET ip = '10.6.6.6' WHERE id = 2`}
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range tamper {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	out, code := verify()
	if code != 1 || !strings.Contains(out, "audit row 2") {
		t.Fatalf("tampered log: exit %d, output %q; want exit 1 naming row 2", code, out)
	}
}

func TestCLIUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		env  []string
		code int
		out  string // substring of stdout+stderr
	}{
		{[]string{}, nil, 2, "Usage: sportello COMMAND"},
		{[]string{"--help"}, nil, 0, "Commands:"},
		{[]string{"bogus"}, nil, 2, `unknown command "bogus"`},
		{[]string{"serve", "--bogus"}, nil, 2, "flag provided but not defined: -bogus"},
		{[]string{"serve", "--help"}, nil, 0, "-no-demo"},
		{[]string{"serve", "--addr", "nonsense"}, nil, 2, "--addr"},
		{[]string{"serve", "--db", "mysql://x"}, nil, 2, "postgres:// URL"},
		{[]string{"serve"}, []string{"SPORTELLO_ADDR=bad"}, 2, "--addr \"bad\""},
		{[]string{"serve"}, []string{"SPORTELLO_PHOTO_RETENTION=9000h"}, 2, "at most 6 months"},
		{[]string{"serve"}, []string{"SPORTELLO_NO_DEMO=maybe"}, 2, "SPORTELLO_NO_DEMO"},
		{[]string{"version"}, nil, 0, "sportello "},
		{[]string{"user"}, nil, 2, "add|list|disable"},
		{[]string{"user", "add", "--username", "X!"}, nil, 2, "username must be"},
		{[]string{"audit"}, nil, 2, "audit verify"},
		{[]string{"migrate", "--help"}, nil, 0, "-data"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " ")+strings.Join(tc.env, " "), func(t *testing.T) {
			for _, e := range tc.env {
				k, v, _ := strings.Cut(e, "=")
				t.Setenv(k, v)
			}
			var out, errb strings.Builder
			code := cli.Run(context.Background(), cli.Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, tc.args)
			all := out.String() + errb.String()
			if code != tc.code || !strings.Contains(all, tc.out) {
				t.Fatalf("exit %d (want %d), output %q (want %q)", code, tc.code, all, tc.out)
			}
			if code == 2 && errb.Len() > 0 && strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
				t.Errorf("usage error is not one line: %q", errb.String())
			}
		})
	}
}

func TestUserCommands(t *testing.T) {
	apptest.RequirePostgresInCI(t)
	db, dir := apptest.DSN(t)
	run := func(stdin string, args ...string) (string, int) {
		args = append(args, "--data", dir)
		if db != "" {
			args = append(args, "--db", db)
		}
		var out, errb strings.Builder
		code := cli.Run(context.Background(), cli.Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb}, args)
		return out.String() + errb.String(), code
	}
	if out, code := run("", "user", "add", "--username", "maria", "--role", "admin"); code != 0 || !strings.Contains(out, "one-time password: ") {
		t.Fatalf("add: %d %q", code, out)
	}
	if out, code := run("a-long-enough-password\n", "user", "add", "--username", "luca", "--password-stdin"); code != 0 || strings.Contains(out, "a-long-enough") {
		t.Fatalf("add stdin: %d %q", code, out)
	}
	if out, code := run("", "user", "add", "--username", "maria"); code != 1 || !strings.Contains(out, "already exists") {
		t.Fatalf("duplicate: %d %q", code, out)
	}
	if out, code := run("", "user", "disable", "--username", "luca"); code != 0 {
		t.Fatalf("disable: %d %q", code, out)
	}
	out, code := run("", "user", "list")
	if code != 0 || !regexp.MustCompile(`luca\s+operator\s+disabled`).MatchString(out) || !regexp.MustCompile(`maria\s+admin\s+active`).MatchString(out) {
		t.Fatalf("list: %d %q", code, out)
	}
	if out, code := run("", "migrate"); code != 0 || !strings.Contains(out, "schema version") {
		t.Fatalf("migrate: %d %q", code, out)
	}
	if out, code := run("", "audit", "verify"); code != 0 || !strings.Contains(out, "OK: 3 rows") {
		t.Fatalf("audit verify: %d %q", code, out)
	}
}

// TestAuditExpectHeadDetectsTailRemoval: deleting the newest rows leaves a valid chain;
// only a head recorded outside the database (verify's output, the hourly checkpoint)
// reveals it.
func TestAuditExpectHeadDetectsTailRemoval(t *testing.T) {
	apptest.RequirePostgresInCI(t)
	db, dataDir := apptest.DSN(t)
	s := startServer(t, dataDir, db)
	adminPW := regexp.MustCompile(`Password: (\S+)`).FindStringSubmatch(s.stdout.String())[1]
	for i := 0; i < 3; i++ {
		login(t, client(), s.base, "admin", adminPW)
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_ = s.cmd.Wait()
	verify := func(extra ...string) (string, int) {
		args := append([]string{"audit", "verify", "--data", dataDir}, extra...)
		if db != "" {
			args = append(args, "--db", db)
		}
		cmd := command(context.Background(), args...)
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}
	out, code := verify()
	m := regexp.MustCompile(`head (\d+:[0-9a-f]{64})`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("verify: %d %q", code, out)
	}
	driver, dsn := "sqlite", filepath.Join(dataDir, "sportello.db")
	stmts := []string{`DROP TRIGGER audit_log_no_delete`, `DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`}
	if db != "" {
		driver, dsn = "pgx", db
		stmts = []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`, `DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`}
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	if out, code := verify(); code != 0 {
		t.Fatalf("the chain alone should still look intact: %d %q", code, out)
	}
	if out, code := verify("--expect-head", m[1]); code != 1 || !strings.Contains(out, "recorded head missing") {
		t.Fatalf("with the recorded head: exit %d %q", code, out)
	}
}
