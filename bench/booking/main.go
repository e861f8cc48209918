// Command booking is the load benchmark of online booking: it starts the whole
// Sportello application on loopback (SQLite in a temp dir, or PostgreSQL with -db),
// drives its real HTTP API with N concurrent clients and prints a table of bookings per
// second (hold + confirm, each with a solved proof-of-work), latency percentiles, and
// availability reads per second. It is bounded in count and time.
//
//	go run ./bench/booking -clients 500 -bookings 20000 -reads 200000
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
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

func main() {
	clients := flag.Int("clients", 500, "concurrent HTTP clients")
	bookings := flag.Int("bookings", 20000, "bookings to make (hold + confirm)")
	reads := flag.Int("reads", 200000, "availability reads to make")
	maxTime := flag.Duration("max-time", 60*time.Second, "time limit per phase")
	dsn := flag.String("db", "", "PostgreSQL URL (postgres://…); empty uses SQLite in a temp dir")
	difficulty := flag.Int64("pow", 1000, "ALTCHA max number (solved before the timed phase, as browsers do)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the timed phases to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer f.Close()
		profile = f
	}
	if err := run(*clients, *bookings, *reads, *maxTime, *dsn, *difficulty); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// profile receives the CPU profile when -cpuprofile is set.
var profile *os.File

type result struct {
	name     string
	clients  int
	ok, fail int64
	elapsed  time.Duration
	cpu      time.Duration // user+system time of the whole process (server and clients)
	lat      []time.Duration
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func run(clients, nBookings, nReads int, maxTime time.Duration, dsn string, difficulty int64) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "sportello-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.DB = "127.0.0.1:0", dir, dsn
	cfg.SecretKey = strings.Repeat("cd", 32)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(ctx, cfg, log, io.Discard)
	if err != nil {
		return err
	}
	defer a.Close()
	addr, err := a.Listen()
	if err != nil {
		return err
	}
	base := "http://" + addr
	a.Config.BaseURL = base
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()

	// Every client shares one loopback address, so the per-address limits are lifted;
	// the proof-of-work stays on, at a low difficulty, solved before the clock starts.
	for _, l := range []*struct{ b *int }{{&a.Web.BookingLimits.Write.Burst}, {&a.Web.BookingLimits.Read.Burst}, {&a.Web.BookingLimits.CF.Burst}} {
		*l.b = 1 << 30
	}
	a.Web.Captcha.MaxNumber = difficulty
	office, err := benchOffice(ctx, a)
	if err != nil {
		return err
	}

	fmt.Printf("preparing %d proofs of work and codici fiscali…\n", nBookings)
	pows := make([]string, nBookings)
	cfs := make([]string, nBookings)
	var wg sync.WaitGroup
	var prepErr atomic.Value
	next := atomic.Int64{}
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= nBookings {
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

	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, IdleConnTimeout: time.Minute}, Timeout: 30 * time.Second}
	var av struct {
		Days []struct {
			Date  string   `json:"date"`
			Times []string `json:"times"`
		} `json:"days"`
	}
	if err := getJSON(hc, base+"/api/v1/booking/availability?office="+office+"&service=cie-first", &av); err != nil {
		return err
	}
	var starts []string
	for _, d := range av.Days {
		starts = append(starts, d.Times...)
	}
	if len(starts) == 0 {
		return fmt.Errorf("no free times")
	}

	if profile != nil {
		if err := pprof.StartCPUProfile(profile); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	book := phase("bookings (hold+confirm)", clients, nBookings, maxTime, func(i int) bool {
		var h struct {
			HoldToken string `json:"hold_token"`
		}
		st, err := postJSON(hc, base+"/api/v1/booking/holds", map[string]any{"office": office, "service": "cie-first", "start": starts[i%len(starts)], "people": 1, "altcha": pows[i]}, &h)
		if err != nil || st != http.StatusCreated {
			return false
		}
		st, err = postJSON(hc, base+"/api/v1/booking/holds/"+h.HoldToken+"/confirm", map[string]any{
			"persons": []map[string]string{{"name": "Mario", "surname": "Bench", "codice_fiscale": cfs[i]}},
			"email":   fmt.Sprintf("bench%d@example.it", i), "phone": "02 1234567"}, nil)
		return err == nil && st == http.StatusCreated
	})
	week := av.Days[0].Date
	last := av.Days[min(6, len(av.Days)-1)].Date
	readURL := base + "/api/v1/booking/availability?office=" + office + "&service=cie-first&from=" + week + "&to=" + last
	readRes := phase("availability reads (7 days)", clients, nReads, maxTime, func(i int) bool {
		res, err := hc.Get(readURL)
		if err != nil {
			return false
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
	db := "SQLite"
	if dsn != "" {
		db = "PostgreSQL"
	}
	fmt.Printf("\nSportello booking load test — %s, %d CPU, GOMAXPROCS %d, clients on loopback\n\n", db, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Printf("| %-28s | %7s | %8s | %6s | %8s | %10s | %8s | %8s | %8s | %11s | %12s |\n", "phase", "clients", "ok", "failed", "elapsed", "per second", "p50", "p99", "max", "CPU ms/op", "ops/CPU-sec")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 30), strings.Repeat("-", 9), strings.Repeat("-", 10), strings.Repeat("-", 8), strings.Repeat("-", 10), strings.Repeat("-", 12), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 13), strings.Repeat("-", 14))
	for _, r := range []result{book, readRes} {
		sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
		perOp := r.cpu.Seconds() * 1000 / float64(max(1, r.ok))
		fmt.Printf("| %-28s | %7d | %8d | %6d | %7.2fs | %10.0f | %8s | %8s | %8s | %11.3f | %12.0f |\n", r.name, r.clients, r.ok, r.fail, r.elapsed.Seconds(),
			float64(r.ok)/r.elapsed.Seconds(), pct(r.lat, 0.50), pct(r.lat, 0.99), pct(r.lat, 1), perOp, 1000/perOp)
	}
	fmt.Printf("\nCPU is this whole process: the server (with SQLite, which runs in-process), and the %d HTTP\n"+
		"clients; a PostgreSQL server's own CPU is not counted. ops/CPU-sec is what one fully available\n"+
		"core sustains at that cost; the machine's load average at the end was %s.\n", clients, loadAvg())
	used, err := a.Store.SlotUsage(ctx, officeID(ctx, a, office), time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	if err == nil {
		total := 0
		for _, n := range used {
			total += n
		}
		fmt.Printf("\ncapacity held after the run: %d (bookings that succeeded: %d)\n", total, book.ok)
	}
	return nil
}

// phase runs fn(i) for i in [0, n) on clients goroutines until done or maxTime passes.
func phase(name string, clients, n int, maxTime time.Duration, fn func(i int) bool) result {
	r := result{name: name, clients: clients}
	var next, ok, fail atomic.Int64
	lats := make([][]time.Duration, clients)
	deadline := time.Now().Add(maxTime)
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), cpuTime()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				if fn(i) {
					ok.Add(1)
					lats[c] = append(lats[c], time.Since(t0))
				} else {
					fail.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	r.elapsed, r.cpu = time.Since(start), cpuTime()-cpu0
	r.ok, r.fail = ok.Load(), fail.Load()
	for _, l := range lats {
		r.lat = append(r.lat, l...)
	}
	return r
}

func pct(sorted []time.Duration, p float64) string {
	if len(sorted) == 0 {
		return "-"
	}
	i := int(p*float64(len(sorted))) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i].Round(100 * time.Microsecond).String()
}

// benchOffice adds an office with enough capacity for the run: Monday to Saturday
// 08:00-20:00, 10-minute slots, 50 counters.
func benchOffice(ctx context.Context, a *app.App) (string, error) {
	o := &model.Office{Code: "bench", Name: "Ufficio di carico", Address: "Via del Test 1, Milano", Active: true, Counters: 50}
	if err := a.Store.CreateOffice(ctx, a.Store.Writer(), o); err != nil {
		return "", err
	}
	for wd := time.Monday; wd <= time.Saturday; wd++ {
		h := &model.OpeningHours{OfficeID: o.ID, Weekday: wd, OpensMin: 8 * 60, ClosesMin: 20 * 60, SlotMinutes: 10, Counters: 50}
		if err := a.Store.AddOpeningHours(ctx, a.Store.Writer(), h); err != nil {
			return "", err
		}
	}
	st := booking.DefaultSettings(o.ID)
	st.MinDays = 1
	return o.Code, a.Store.SaveBookingSettings(ctx, st)
}

func officeID(ctx context.Context, a *app.App, code string) int64 {
	o, err := a.Store.OfficeByCode(ctx, code)
	if err != nil {
		return 0
	}
	return o.ID
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
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
