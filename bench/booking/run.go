package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sportello/sportello/internal/app"
	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/captcha"
	"github.com/sportello/sportello/internal/codicefiscale"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/model"
)

// options bound a run: every phase stops at its count or at MaxTime.
type options struct {
	Clients  int           // concurrent HTTP clients in every phase
	Bookings int           // saturation phase: bookings (hold + confirm), closed loop
	Rate     float64       // latency phase: bookings offered per second, open loop
	RateTime time.Duration // latency phase length: Rate × RateTime bookings
	Reads    int           // availability reads, closed loop
	MaxTime  time.Duration // limit per phase
	DSN      string        // PostgreSQL URL; "" is SQLite in DataDir
	DataDir  string        // "" makes and removes a temp dir
	PoW      int64         // ALTCHA difficulty (max number)
	// Separate runs the clients in a child process, so the server's CPU per operation
	// can be told apart from the clients'.
	Separate bool
	// Profile receives a CPU profile of the server process during the timed phases.
	Profile io.Writer
	Log     io.Writer // progress lines; nil is quiet
	// onlyStarts > 0 books only the first onlyStarts start times, so slots fill up
	// (the tests use it to race for capacity through HTTP).
	onlyStarts int
}

// report is what a run measured, and what it found in the database afterwards.
type report struct {
	DB      string
	Phases  []phaseResult
	Holds   int64 // bookings the database holds for the bench office, by state below
	States  map[string]int
	Booked  int    // units of capacity that active bookings hold
	Used    int    // units that slot_usage says are used
	Over    int    // slots used beyond their capacity
	MaxUsed int    // the fullest slot
	Cap     int    // capacity of every slot of the bench office
	Audited int    // booking.confirm rows in the audit chain
	Chain   string // the audit chain's first problem, "" when it verifies
}

// benchCounters is the capacity of every slot of the bench office.
const benchCounters = 50

// plan is what a client needs to drive one phase; it crosses to a child process as JSON.
type plan struct {
	Phase   string        `json:"phase"` // "book" or "read"
	Name    string        `json:"name"`
	Base    string        `json:"base"`
	Office  string        `json:"office"`
	Starts  []string      `json:"starts"`
	PoWs    []string      `json:"pows"`
	CFs     []string      `json:"cfs"`
	Offset  int           `json:"offset"` // first proof-of-work and codice fiscale of this phase
	N       int           `json:"n"`
	Clients int           `json:"clients"`
	Rate    float64       `json:"rate"` // > 0: open loop
	MaxTime time.Duration `json:"max_time"`
	ReadURL string        `json:"read_url"`
}

func run(ctx context.Context, o options) (*report, error) {
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dir := o.DataDir
	if dir == "" {
		d, err := os.MkdirTemp("", "sportello-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.DB = "127.0.0.1:0", dir, o.DSN
	cfg.SecretKey = strings.Repeat("cd", 32)
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	addr, err := a.Listen()
	if err != nil {
		return nil, err
	}
	base := "http://" + addr
	a.Config.BaseURL = base
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()

	// Every client shares one loopback address, so the per-address limits are lifted;
	// the proof-of-work stays on, at a low difficulty, solved before the clock starts
	// (as a browser does while the citizen types).
	for _, b := range []*int{&a.Web.BookingLimits.Write.Burst, &a.Web.BookingLimits.Read.Burst, &a.Web.BookingLimits.CF.Burst} {
		*b = 1 << 30
	}
	a.Web.Captcha.MaxNumber = o.PoW
	office, officeID, err := benchOffice(ctx, a)
	if err != nil {
		return nil, err
	}
	nRate := int(o.Rate * o.RateTime.Seconds())
	total := o.Bookings + nRate
	logf("preparing %d proofs of work and codici fiscali…", total)
	p := plan{Base: base, Office: office, PoWs: make([]string, total), CFs: make([]string, total)}
	if err := prepare(a, p.PoWs, p.CFs); err != nil {
		return nil, err
	}
	hc := newClient(o.Clients)
	var av struct {
		Days []struct {
			Date  string   `json:"date"`
			Times []string `json:"times"`
		} `json:"days"`
	}
	if err := getJSON(hc, base+"/api/v1/booking/availability?office="+office+"&service=cie-first", &av); err != nil {
		return nil, err
	}
	for _, d := range av.Days {
		p.Starts = append(p.Starts, d.Times...)
	}
	if len(p.Starts) == 0 {
		return nil, fmt.Errorf("no free times")
	}
	if o.onlyStarts > 0 {
		p.Starts = p.Starts[:min(o.onlyStarts, len(p.Starts))]
	}
	last := av.Days[min(6, len(av.Days)-1)].Date
	p.ReadURL = base + "/api/v1/booking/availability?office=" + office + "&service=cie-first&from=" + av.Days[0].Date + "&to=" + last

	rep := &report{DB: "SQLite", Cap: benchCounters}
	if o.DSN != "" {
		rep.DB = "PostgreSQL"
	}
	if o.Profile != nil {
		if err := startProfile(o.Profile); err != nil {
			return nil, err
		}
	}
	phases := []plan{}
	if o.Bookings > 0 {
		phases = append(phases, plan{Phase: "book", Name: "bookings, saturation", N: o.Bookings})
	}
	if nRate > 0 {
		phases = append(phases, plan{Phase: "book", Name: "bookings, offered load", N: nRate, Offset: o.Bookings, Rate: o.Rate})
	}
	if o.Reads > 0 {
		phases = append(phases, plan{Phase: "read", Name: "availability reads (7 days)", N: o.Reads})
	}
	for _, ph := range phases {
		q := p
		q.Phase, q.Name, q.N, q.Offset, q.Rate = ph.Phase, ph.Name, ph.N, ph.Offset, ph.Rate
		q.Clients, q.MaxTime = o.Clients, o.MaxTime
		logf("phase: %s…", q.Name)
		r, err := drive(ctx, q, o.Separate, hc)
		if err != nil {
			stopProfile(o.Profile)
			return nil, err
		}
		rep.Phases = append(rep.Phases, r)
	}
	stopProfile(o.Profile)
	return rep, check(ctx, a, officeID, rep)
}

// drive runs one phase, in this process or in a child process, and measures the CPU
// the server process spent on it.
func drive(ctx context.Context, q plan, separate bool, hc *http.Client) (phaseResult, error) {
	cpu0 := cpuTime()
	if !separate {
		r := runPhase(q, hc)
		r.ServerCPU = cpuTime() - cpu0 // clients included: one process
		return r, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return phaseResult{}, err
	}
	in, err := json.Marshal(q)
	if err != nil {
		return phaseResult{}, err
	}
	cmd := exec.CommandContext(ctx, exe, "-client")
	cmd.Stdin = bytes.NewReader(in)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return phaseResult{}, fmt.Errorf("client process: %v: %s", err, errOut.String())
	}
	var r phaseResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return phaseResult{}, fmt.Errorf("client process output: %w", err)
	}
	r.ServerCPU = cpuTime() - cpu0
	return r, nil
}

// clientMain is the child process of a separate run: a plan on stdin, the phase's
// result on stdout.
func clientMain() error {
	var q plan
	if err := json.NewDecoder(os.Stdin).Decode(&q); err != nil {
		return err
	}
	cpu0 := cpuTime()
	r := runPhase(q, newClient(q.Clients))
	r.ClientCPU = cpuTime() - cpu0
	return json.NewEncoder(os.Stdout).Encode(r)
}

func runPhase(q plan, hc *http.Client) phaseResult {
	var op func(i int) bool
	switch q.Phase {
	case "book":
		op = func(i int) bool { return book(hc, q, q.Offset+i) }
	default:
		op = func(int) bool { return read(hc, q.ReadURL) }
	}
	if q.Rate > 0 {
		return openLoop(q.Name, q.Clients, q.N, q.Rate, q.MaxTime, op)
	}
	return closedLoop(q.Name, q.Clients, q.N, q.MaxTime, op)
}

// book is one citizen's booking through the API: hold a time, then confirm it with
// their data. Both must succeed.
func book(hc *http.Client, q plan, i int) bool {
	var h struct {
		HoldToken string `json:"hold_token"`
	}
	st, err := postJSON(hc, q.Base+"/api/v1/booking/holds", map[string]any{"office": q.Office, "service": "cie-first",
		"start": q.Starts[i%len(q.Starts)], "people": 1, "altcha": q.PoWs[i]}, &h)
	if err != nil || st != http.StatusCreated {
		return false
	}
	st, err = postJSON(hc, q.Base+"/api/v1/booking/holds/"+h.HoldToken+"/confirm", map[string]any{
		"persons": []map[string]string{{"name": "Mario", "surname": "Bench", "codice_fiscale": q.CFs[i]}},
		"email":   fmt.Sprintf("bench%d@example.it", i), "phone": "02 1234567"}, nil)
	return err == nil && st == http.StatusCreated
}

// read fetches a week's calendar as a browser would (accepting gzip), but like any
// load generator it does not unzip what it throws away: on a shared machine that CPU
// would be taken from the server under test.
func read(hc *http.Client, u string) bool {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := hc.Do(req)
	if err != nil {
		return false
	}
	n, _ := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusOK && n > 0
}

// check reads back what the database holds for the bench office: no slot above its
// capacity, capacity used equal to what active bookings hold, and one confirmed
// booking per successful client booking.
func check(ctx context.Context, a *app.App, officeID int64, rep *report) error {
	used, err := a.Store.SlotUsage(ctx, officeID, time.Now().AddDate(0, 0, -1), time.Now().AddDate(2, 0, 0))
	if err != nil {
		return err
	}
	for _, n := range used {
		rep.Used += n
		rep.MaxUsed = max(rep.MaxUsed, n)
		if n > rep.Cap {
			rep.Over++
		}
	}
	rows, err := a.Store.Query(ctx, `SELECT state, COUNT(*) FROM bookings WHERE office_id = ? GROUP BY state`, officeID)
	if err != nil {
		return err
	}
	rep.States = map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return err
		}
		rep.States[st] = n
		rep.Holds += int64(n)
	}
	rows.Close()
	if err := a.Store.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'booking.confirm'`).Scan(&rep.Audited); err != nil {
		return err
	}
	if _, prob, err := a.Store.VerifyAudit(ctx); err != nil {
		return err
	} else if prob != nil {
		rep.Chain = prob.Error()
	}
	return a.Store.QueryRow(ctx, `SELECT COALESCE(SUM(u.n), 0) FROM booking_units u JOIN bookings b ON b.id = u.booking_id
		WHERE b.office_id = ? AND b.released = 0 AND b.state IN ('held', 'confirmed', 'arrived')`, officeID).Scan(&rep.Booked)
}

// prepare solves the proofs of work and makes distinct codici fiscali on every core.
func prepare(a *app.App, pows, cfs []string) error {
	var wg sync.WaitGroup
	var prepErr atomic.Value
	var next atomic.Int64
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(pows) {
					return
				}
				c, err := a.Web.Captcha.Challenge()
				if err == nil {
					pows[i], err = captcha.Solve(c)
				}
				if err != nil {
					prepErr.Store(err)
					return
				}
				cfs[i] = codiceFiscale(i)
			}
		}()
	}
	wg.Wait()
	if err, ok := prepErr.Load().(error); ok {
		return err
	}
	return nil
}

// benchOffice adds an office with room for the run: Monday to Saturday 08:00-20:00,
// 10-minute slots, benchCounters counters.
func benchOffice(ctx context.Context, a *app.App) (string, int64, error) {
	o := &model.Office{Code: "bench", Name: "Ufficio di carico", Address: "Via del Test 1, Milano", Active: true, Counters: benchCounters}
	if err := a.Store.CreateOffice(ctx, a.Store.Writer(), o); err != nil {
		return "", 0, err
	}
	for wd := time.Monday; wd <= time.Saturday; wd++ {
		h := &model.OpeningHours{OfficeID: o.ID, Weekday: wd, OpensMin: 8 * 60, ClosesMin: 20 * 60, SlotMinutes: 10, Counters: benchCounters}
		if err := a.Store.AddOpeningHours(ctx, a.Store.Writer(), h); err != nil {
			return "", 0, err
		}
	}
	st := booking.DefaultSettings(o.ID)
	st.MinDays = 1
	return o.Code, o.ID, a.Store.SaveBookingSettings(ctx, st)
}

// codiceFiscale makes the i-th distinct valid code of the run.
func codiceFiscale(i int) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	base := fmt.Sprintf("BNC%c%c%c%02dA%02dF205", letters[i%26], letters[(i/26)%26], letters[(i/676)%26], 40+(i/17576)%60, 1+i%28)
	for c := 'A'; c <= 'Z'; c++ {
		if codicefiscale.Valid(base + string(c)) {
			return base + string(c)
		}
	}
	return base + "X"
}

func newClient(clients int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, IdleConnTimeout: time.Minute},
		Timeout: 30 * time.Second}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func getJSON(c *http.Client, u string, out any) error {
	res, err := c.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("GET %s: %d", u, res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(out)
}

func postJSON(c *http.Client, u string, in, out any) (int, error) {
	b, _ := json.Marshal(in)
	res, err := c.Post(u, "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode < 300 {
		return res.StatusCode, json.NewDecoder(res.Body).Decode(out)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, nil
}
