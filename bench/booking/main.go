// Command booking is the load benchmark of online booking: it starts the whole
// Sportello application on loopback (SQLite in a temp dir, or PostgreSQL with -db) and
// drives its real HTTP API, by default from a separate client process so the server's
// CPU per operation can be told apart. Three phases, each bounded in count and time:
//
//   - bookings, saturation: -clients closed-loop clients book (hold + confirm, each
//     hold with a solved proof-of-work) back to back; the most the server sustains.
//     With zero think time, latency is clients / throughput (Little's law), so this
//     phase cannot show a low p99 with 500 clients below 10,000 bookings/s.
//   - bookings, offered load: -rate bookings per second arrive on a fixed clock and are
//     served by up to -clients concurrent clients; latency counts from each arrival's
//     due time, so a server falling behind shows it (no coordinated omission).
//   - availability reads: -clients closed-loop clients read a week's calendar.
//
// Afterwards it checks the database: no slot above its capacity, capacity used equal to
// what active bookings hold, one confirmed booking per successful client booking.
//
//	go run ./bench/booking -clients 500 -bookings 20000 -rate 2000 -rate-time 10s -reads 200000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

func main() {
	var o options
	flag.IntVar(&o.Clients, "clients", 500, "concurrent HTTP clients in every phase")
	flag.IntVar(&o.Bookings, "bookings", 20000, "saturation phase: bookings (hold + confirm), closed loop")
	flag.Float64Var(&o.Rate, "rate", 2000, "offered-load phase: bookings per second arriving on a fixed clock")
	flag.DurationVar(&o.RateTime, "rate-time", 10*time.Second, "offered-load phase length (rate × this bookings)")
	flag.IntVar(&o.Reads, "reads", 200000, "availability reads, closed loop")
	flag.DurationVar(&o.MaxTime, "max-time", 60*time.Second, "time limit per phase")
	flag.StringVar(&o.DSN, "db", "", "PostgreSQL URL (postgres://…); empty uses SQLite in a temp dir")
	flag.Int64Var(&o.PoW, "pow", 1000, "ALTCHA max number (solved before the timed phases, as browsers do)")
	inProcess := flag.Bool("in-process", false, "run the clients in the server's process (CPU per operation then counts both)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the server process during the timed phases")
	client := flag.Bool("client", false, "internal: be the client process of a run")
	flag.Parse()
	if *client {
		if err := clientMain(); err != nil {
			fmt.Fprintln(os.Stderr, "bench client:", err)
			os.Exit(1)
		}
		return
	}
	o.Separate = !*inProcess
	o.Log = os.Stderr
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer f.Close()
		o.Profile = f
	}
	rep, err := run(context.Background(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	printReport(os.Stdout, rep, o)
	if problems := rep.problems(); len(problems) > 0 {
		fmt.Fprintln(os.Stderr, "bench: the database is inconsistent:", strings.Join(problems, "; "))
		os.Exit(1)
	}
}

func printReport(w io.Writer, rep *report, o options) {
	where := "clients in a separate process"
	if !o.Separate {
		where = "clients in the server's process"
	}
	fmt.Fprintf(w, "\nSportello booking load test — %s, %d CPU, GOMAXPROCS %d, HTTP on loopback, %s\n\n", rep.DB, runtime.NumCPU(), runtime.GOMAXPROCS(0), where)
	head := []string{"phase", "clients", "offered/s", "ok", "failed", "elapsed", "achieved/s", "p50", "p99", "max", "server CPU ms/op", "client CPU ms/op"}
	width := []int{27, 7, 9, 7, 6, 7, 10, 8, 8, 8, 16, 16}
	row := func(cells ...string) {
		fmt.Fprint(w, "|")
		for i, c := range cells {
			if i == 0 {
				fmt.Fprintf(w, " %-*s |", width[i], c)
			} else {
				fmt.Fprintf(w, " %*s |", width[i], c)
			}
		}
		fmt.Fprintln(w)
	}
	row(head...)
	fmt.Fprint(w, "|")
	for i := range head {
		fmt.Fprintf(w, "%s|", strings.Repeat("-", width[i]+2))
	}
	fmt.Fprintln(w)
	for _, r := range rep.Phases {
		offered := "closed"
		if r.Offered > 0 {
			offered = fmt.Sprintf("%.0f", r.Offered)
		}
		perOp := func(d time.Duration) string {
			if d == 0 || r.OK == 0 {
				return "-"
			}
			return fmt.Sprintf("%.3f", d.Seconds()*1000/float64(r.OK))
		}
		row(r.Name, fmt.Sprint(r.Clients), offered, fmt.Sprint(r.OK), fmt.Sprint(r.Fail), fmt.Sprintf("%.2fs", r.Elapsed.Seconds()),
			fmt.Sprintf("%.0f", float64(r.OK)/max(r.Elapsed.Seconds(), 1e-9)), ms(pct(r.Lat, 0.50)), ms(pct(r.Lat, 0.99)), ms(pct(r.Lat, 1)),
			perOp(r.ServerCPU), perOp(r.ClientCPU))
	}
	fmt.Fprintf(w, "\nA booking is two requests (hold with proof-of-work, confirm), each a write transaction, plus\n"+
		"its audit row and e-mail jobs. Server CPU is the server process (SQLite runs inside it; a\n"+
		"PostgreSQL server's own CPU is not counted); with -in-process it includes the clients.\n"+
		"Load average at the end: %s.\n", loadAvg())
	fmt.Fprintf(w, "\nDatabase afterwards: bookings by state %v; capacity used %d = held by active bookings %d;\n"+
		"fullest slot %d of %d; slots over capacity: %d; confirmations in the audit chain: %d.\n", rep.States, rep.Used, rep.Booked, rep.MaxUsed, rep.Cap, rep.Over, rep.Audited)
}

// problems lists what the database shows that must never happen.
func (r *report) problems() []string {
	var out []string
	if r.Over > 0 {
		out = append(out, fmt.Sprintf("%d slots over capacity", r.Over))
	}
	if r.Used != r.Booked {
		out = append(out, fmt.Sprintf("capacity used %d but active bookings hold %d", r.Used, r.Booked))
	}
	var ok int64
	for _, p := range r.Phases {
		if strings.HasPrefix(p.Name, "bookings") {
			ok += p.OK
		}
	}
	if r.Chain != "" {
		out = append(out, "audit chain: "+r.Chain)
	}
	if r.Audited != r.States["confirmed"] {
		out = append(out, fmt.Sprintf("%d confirmations audited, %d bookings confirmed", r.Audited, r.States["confirmed"]))
	}
	if int64(r.States["confirmed"]) != ok {
		out = append(out, fmt.Sprintf("%d bookings confirmed in the database, %d reported to clients", r.States["confirmed"], ok))
	}
	return out
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.0fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func startProfile(w io.Writer) error { return pprof.StartCPUProfile(w) }

func stopProfile(w io.Writer) {
	if w != nil {
		pprof.StopCPUProfile()
	}
}
