package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The modernc SQLite driver compiles every statement again on each Exec or Query (its
// prepared statements only keep the text), and compiling was a fifth of the CPU of a
// booking. sqliteCached wraps the driver: each connection keeps its statements compiled
// (sqlite3_prepare_v3 with SQLITE_PREPARE_PERSISTENT) by query text and only binds,
// steps and resets them. Anything it does not handle exactly as the driver does — named
// arguments, time.Time arguments, DATE/DATETIME/TIMESTAMP columns (which the driver turns
// into time.Time), several statements in one text — goes to the driver unchanged.
const sqliteCachedDriver = "sqlite-stmtcache"

// stmtCacheMax bounds the compiled statements kept per connection; queries built with a
// variable number of placeholders beyond that run uncached.
const stmtCacheMax = 256

func init() { sql.Register(sqliteCachedDriver, sqliteCached{}) }

type sqliteCached struct{}

func (sqliteCached) Open(name string) (driver.Conn, error) {
	c, err := (&sqlite.Driver{}).Open(name)
	if err != nil {
		return nil, err
	}
	db, tls, ok := sqliteHandle(c)
	if !ok {
		return c, nil // an unexpected driver version: plain driver, no cache
	}
	return &cachedConn{base: c, db: db, tls: tls, mu: sqlite3.Xsqlite3_db_mutex(tls, db), stmts: map[string]*cachedStmt{}}, nil
}

// sqliteHandle reads the sqlite3* handle and the libc TLS out of the driver's
// connection. The driver does not export them; the layout is checked by name and type
// so another driver version falls back to the uncached path instead of misbehaving.
func sqliteHandle(c driver.Conn) (uintptr, *libc.TLS, bool) {
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return 0, nil, false
	}
	t := v.Elem().Type()
	if t.PkgPath() != "modernc.org/sqlite" || t.Name() != "conn" || t.NumField() < 2 {
		return 0, nil, false
	}
	f0, f1 := t.Field(0), t.Field(1)
	if f0.Name != "db" || f0.Type.Kind() != reflect.Uintptr || f1.Name != "tls" || f1.Type != reflect.TypeFor[*libc.TLS]() {
		return 0, nil, false
	}
	db := v.Elem().Field(0).Uint()
	tls := (*libc.TLS)(v.Elem().Field(1).UnsafePointer())
	if db == 0 || tls == nil {
		return 0, nil, false
	}
	return uintptr(db), tls, true
}

// baseConn is what the wrapped driver connection implements.
type baseConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
}

// cachedConn is one SQLite connection with its compiled statements. database/sql uses
// a connection from one goroutine at a time, so the map needs no lock.
type cachedConn struct {
	base  driver.Conn
	db    uintptr
	tls   *libc.TLS
	mu    uintptr // the connection's sqlite3_mutex (see hold)
	stmts map[string]*cachedStmt
}

// hold takes the connection's mutex until the returned func is called. The driver
// opens connections serialized, so every sqlite3_column_* and sqlite3_bind_* call
// takes that mutex again; held around a whole row or a whole bind those calls only
// re-enter it (the mutex is recursive). In the Milan re-plan's CPU profile the mutex
// had been 40% of reading a row of ten columns; with this, the bind and the column
// values, the pass used about 7% less CPU (BenchmarkReplanMilan, medians of 5
// alternating runs, 2026-12-06). Nothing
// else uses the connection meanwhile: database/sql hands it to one goroutine at a
// time, and sqlite3_interrupt does not take the mutex.
func (c *cachedConn) hold() (release func()) {
	sqlite3.Xsqlite3_mutex_enter(c.tls, c.mu)
	return func() { sqlite3.Xsqlite3_mutex_leave(c.tls, c.mu) }
}

type cachedStmt struct {
	p      uintptr // sqlite3_stmt*
	text   uintptr // C copy of the bound strings and blobs, freed at release
	params int
	cols   []string
	cached bool // kept in the map; otherwise finalized after use
	busy   bool // rows still open on it
	plain  bool // the driver must run this text (see sqliteCachedDriver)
}

func (c *cachedConn) b() baseConn { return c.base.(baseConn) }

func (c *cachedConn) Prepare(q string) (driver.Stmt, error) { return c.base.Prepare(q) }
func (c *cachedConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.b().PrepareContext(ctx, q)
}
func (c *cachedConn) Begin() (driver.Tx, error) {
	return c.b().BeginTx(context.Background(), driver.TxOptions{})
}
func (c *cachedConn) BeginTx(ctx context.Context, o driver.TxOptions) (driver.Tx, error) {
	return c.b().BeginTx(ctx, o)
}

func (c *cachedConn) Close() error {
	for q, s := range c.stmts {
		sqlite3.Xsqlite3_finalize(c.tls, s.p)
		delete(c.stmts, q)
	}
	return c.base.Close()
}

func (c *cachedConn) Ping(ctx context.Context) error {
	if p, ok := c.base.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachedConn) ResetSession(ctx context.Context) error {
	if r, ok := c.base.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachedConn) IsValid() bool {
	if v, ok := c.base.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// stmt returns the compiled statement for q, or nil when the driver must run q.
func (c *cachedConn) stmt(q string, args []driver.NamedValue) (*cachedStmt, error) {
	for _, a := range args {
		if a.Name != "" {
			return nil, nil
		}
		switch a.Value.(type) {
		case nil, int64, float64, bool, []byte, string:
		default:
			return nil, nil
		}
	}
	s := c.stmts[q]
	if s != nil {
		if s.plain {
			return nil, nil
		}
		if !s.busy {
			if s.params != len(args) {
				return nil, nil // let the driver report the mismatch its own way
			}
			return s, nil
		}
		// Rows of this very query are still open: compile a second, uncached copy.
	}
	ns, err := c.compile(q)
	if err != nil || ns == nil {
		return nil, err
	}
	if s == nil && len(c.stmts) < stmtCacheMax {
		ns.cached = !ns.plain
		c.stmts[q] = ns
	}
	if ns.plain {
		return nil, nil
	}
	if ns.params != len(args) {
		if !ns.cached {
			sqlite3.Xsqlite3_finalize(c.tls, ns.p)
		}
		return nil, nil
	}
	return ns, nil
}

func (c *cachedConn) compile(q string) (*cachedStmt, error) {
	z, err := libc.CString(q)
	if err != nil {
		return nil, err
	}
	defer libc.Xfree(c.tls, z)
	// Out-parameters live in C memory: the statement pointer and the unparsed tail.
	w := unsafe.Sizeof(uintptr(0))
	out := libc.Xcalloc(c.tls, 2, uint64(w))
	if out == 0 {
		return nil, fmt.Errorf("sqlite: out of memory")
	}
	defer libc.Xfree(c.tls, out)
	rc := sqlite3.Xsqlite3_prepare_v3(c.tls, c.db, z, int32(len(q)+1), sqlite3.SQLITE_PREPARE_PERSISTENT, out, out+w)
	p, tail := libc.AtomicLoadNUintptr(out, 0), libc.AtomicLoadNUintptr(out+w, 0)
	if rc != sqlite3.SQLITE_OK {
		return nil, nil // the driver reports the error exactly as callers expect it
	}
	if p == 0 {
		return &cachedStmt{plain: true}, nil // empty statement
	}
	s := &cachedStmt{p: p, params: int(sqlite3.Xsqlite3_bind_parameter_count(c.tls, p))}
	if tail != 0 && strings.Trim(libc.GoString(tail), " \t\r\n;") != "" {
		s.plain = true // several statements: the driver runs them in turn
	}
	n := int(sqlite3.Xsqlite3_column_count(c.tls, p))
	for i := 0; i < n; i++ {
		s.cols = append(s.cols, libc.GoString(sqlite3.Xsqlite3_column_name(c.tls, p, int32(i))))
		switch strings.ToUpper(libc.GoString(sqlite3.Xsqlite3_column_decltype(c.tls, p, int32(i)))) {
		case "DATE", "DATETIME", "TIMESTAMP":
			s.plain = true
		}
	}
	if s.plain {
		sqlite3.Xsqlite3_finalize(c.tls, p)
		s.p = 0
	}
	return s, nil
}

// errorf builds the driver's own error type, so store.translate and callers see the
// same errors either way; the message carries SQLite's text.
func (c *cachedConn) errorf(rc int32) error {
	str := libc.GoString(sqlite3.Xsqlite3_errstr(c.tls, rc))
	msg := libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db))
	if msg != str {
		str += ": " + msg
	}
	return &sqliteError{msg: fmt.Sprintf("%s (%d)", str, rc), code: int(rc)}
}

// sqliteError is an SQLite failure of the cached path; Code is the extended result code.
type sqliteError struct {
	msg  string
	code int
}

func (e *sqliteError) Error() string { return e.msg }

// Code returns the SQLite result code, as the driver's *sqlite.Error does.
func (e *sqliteError) Code() int { return e.code }

func (c *cachedConn) bind(s *cachedStmt, args []driver.NamedValue) error {
	defer c.hold()()
	// The strings and blobs are copied into one C buffer that lives until the
	// statement is reset (release) and bound SQLITE_STATIC: one malloc per statement
	// instead of two per argument (ours and SQLite's own copy).
	size, texts := 0, false
	for _, a := range args {
		switch v := a.Value.(type) {
		case string:
			size, texts = size+len(v), true
		case []byte:
			size, texts = size+len(v), true
		}
	}
	var buf []byte
	if texts {
		// one byte more, so an empty string too is bound at a valid address (a NULL
		// one would bind NULL)
		s.text = libc.Xmalloc(c.tls, uint64(size+1))
		if s.text == 0 {
			return c.errorf(sqlite3.SQLITE_NOMEM)
		}
		buf = libc.GoBytes(s.text, size+1)
	}
	off := 0
	const static = 0 // SQLITE_STATIC: the buffer outlives the binding
	for i, a := range args {
		idx := int32(i + 1)
		if a.Ordinal > 0 {
			idx = int32(a.Ordinal)
		}
		var rc int32
		switch v := a.Value.(type) {
		case nil:
			rc = sqlite3.Xsqlite3_bind_null(c.tls, s.p, idx)
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(c.tls, s.p, idx, v)
		case float64:
			rc = sqlite3.Xsqlite3_bind_double(c.tls, s.p, idx, v)
		case bool:
			var n int64
			if v {
				n = 1
			}
			rc = sqlite3.Xsqlite3_bind_int64(c.tls, s.p, idx, n)
		case []byte:
			switch {
			case v == nil:
				rc = sqlite3.Xsqlite3_bind_null(c.tls, s.p, idx)
			case len(v) == 0:
				rc = sqlite3.Xsqlite3_bind_zeroblob(c.tls, s.p, idx, 0)
			default:
				p := s.text + uintptr(off)
				off += copy(buf[off:], v)
				rc = sqlite3.Xsqlite3_bind_blob(c.tls, s.p, idx, p, int32(len(v)), static)
			}
		case string:
			p := s.text + uintptr(off)
			off += copy(buf[off:], v)
			rc = sqlite3.Xsqlite3_bind_text(c.tls, s.p, idx, p, int32(len(v)), static)
		}
		if rc != sqlite3.SQLITE_OK {
			return c.errorf(rc)
		}
	}
	return nil
}

// release resets a statement after use; one that is not cached is finalized.
func (c *cachedConn) release(s *cachedStmt) {
	sqlite3.Xsqlite3_reset(c.tls, s.p)
	sqlite3.Xsqlite3_clear_bindings(c.tls, s.p)
	if s.text != 0 {
		libc.Xfree(c.tls, s.text)
		s.text = 0
	}
	s.busy = false
	if !s.cached {
		sqlite3.Xsqlite3_finalize(c.tls, s.p)
		s.p = 0
	}
}

// watch interrupts the running statement if ctx ends before done is called, as the
// driver does; done makes sure a late interrupt never reaches a later statement.
func (c *cachedConn) watch(ctx context.Context) (done func() bool) {
	if ctx.Done() == nil {
		return func() bool { return false }
	}
	var mu sync.Mutex
	running, fired := true, false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if running {
			fired = true
			tls := libc.NewTLS()
			sqlite3.Xsqlite3_interrupt(tls, c.db)
			tls.Close()
		}
	})
	return func() bool {
		stop()
		mu.Lock()
		defer mu.Unlock()
		running = false
		return fired
	}
}

func (c *cachedConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	// before stmt: an uncached statement it compiles must reach release
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := c.stmt(q, args)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.b().ExecContext(ctx, q, args)
	}
	s.busy = true
	defer c.release(s)
	if err := c.bind(s, args); err != nil {
		return nil, err
	}
	done := c.watch(ctx)
	rc := sqlite3.Xsqlite3_step(c.tls, s.p)
	if done() {
		return nil, ctx.Err()
	}
	if rc != sqlite3.SQLITE_DONE && rc != sqlite3.SQLITE_ROW {
		return nil, c.errorf(rc)
	}
	return cachedResult{id: sqlite3.Xsqlite3_last_insert_rowid(c.tls, c.db), n: sqlite3.Xsqlite3_changes64(c.tls, c.db)}, nil
}

type cachedResult struct{ id, n int64 }

func (r cachedResult) LastInsertId() (int64, error) { return r.id, nil }
func (r cachedResult) RowsAffected() (int64, error) { return r.n, nil }

func (c *cachedConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	// before stmt: an uncached statement it compiles must reach release
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := c.stmt(q, args)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.b().QueryContext(ctx, q, args)
	}
	s.busy = true
	if err := c.bind(s, args); err != nil {
		c.release(s)
		return nil, err
	}
	return &cachedRows{c: c, s: s, ctx: ctx, done: c.watch(ctx)}, nil
}

type cachedRows struct {
	c      *cachedConn
	s      *cachedStmt
	ctx    context.Context
	done   func() bool
	closed bool
	eof    bool
}

func (r *cachedRows) Columns() []string { return r.s.cols }

func (r *cachedRows) Close() error {
	if !r.closed {
		r.closed = true
		r.done()
		r.c.release(r.s)
	}
	return nil
}

func (r *cachedRows) Next(dest []driver.Value) error {
	if r.eof {
		return io.EOF
	}
	c, p := r.c, r.s.p
	defer c.hold()()
	rc := sqlite3.Xsqlite3_step(c.tls, p)
	switch rc {
	case sqlite3.SQLITE_ROW:
	case sqlite3.SQLITE_DONE:
		r.eof = true
		return io.EOF
	default:
		if rc == sqlite3.SQLITE_INTERRUPT && r.ctx.Err() != nil {
			return r.ctx.Err()
		}
		return c.errorf(rc)
	}
	if len(dest) != len(r.s.cols) {
		return fmt.Errorf("sqlite: Next: have %v destination values, expected %v", len(dest), len(r.s.cols))
	}
	// One call per column under the connection mutex (held): sqlite3_column_value,
	// then the value's own accessors, which take no mutex, where the column_*
	// accessors take it again on each of their three calls per column.
	for i := range dest {
		v := sqlite3.Xsqlite3_column_value(c.tls, p, int32(i))
		switch sqlite3.Xsqlite3_value_type(c.tls, v) {
		case sqlite3.SQLITE_INTEGER:
			dest[i] = sqlite3.Xsqlite3_value_int64(c.tls, v)
		case sqlite3.SQLITE_FLOAT:
			dest[i] = sqlite3.Xsqlite3_value_double(c.tls, v)
		case sqlite3.SQLITE_TEXT:
			t := sqlite3.Xsqlite3_value_text(c.tls, v)
			n := int(sqlite3.Xsqlite3_value_bytes(c.tls, v))
			if t == 0 || n == 0 {
				dest[i] = ""
			} else {
				dest[i] = string(libc.GoBytes(t, n))
			}
		case sqlite3.SQLITE_BLOB:
			b := sqlite3.Xsqlite3_value_blob(c.tls, v)
			n := int(sqlite3.Xsqlite3_value_bytes(c.tls, v))
			if b == 0 || n == 0 {
				dest[i] = []byte(nil) // typed, as the driver gives it
			} else {
				dest[i] = append([]byte(nil), libc.GoBytes(b, n)...)
			}
		default:
			dest[i] = nil
		}
	}
	return nil
}
