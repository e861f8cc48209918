package cli

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sportello/sportello/internal/campaign/plan"
)

func runCampaignBench(ctx context.Context, stdio Stdio, args []string) int {
	const name = "campaign bench"
	fs := newFlags(name, "campaign bench [--people N[,N...]] [--seed S]", stdio)
	peopleList := fs.String("people", "82142", "people in the synthetic instance; a comma list runs several sizes in one table")
	seed := fs.Uint64("seed", 1, "generator seed; the same seed gives the same instance")
	k := fs.Int("k", 0, "nearest offices per household before pricing adds more (0: default)")
	w := weightFlags(fs)
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	var sizes []int
	for _, s := range strings.Split(*peopleList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 50_000_000 {
			return usageError(stdio, name, "--people %q: want whole numbers 1-50000000", s)
		}
		sizes = append(sizes, n)
	}
	fmt.Fprintf(stdio.Out, "synthetic Milan-like instances: 10 offices, 26 weeks, capacity 1.10 x demand, seed %d, GOMAXPROCS %d\n", *seed, runtime.GOMAXPROCS(0))
	// Fixed widths rather than a tabwriter, so each row shows as soon as its
	// instance is done: a 5 M run takes a while.
	const row = "%9v %10v %9v %8v %11v %8v %8v %15v %15v %6v %9v %8v %9v\n"
	fmt.Fprintf(stdio.Out, row, "people", "households", "arcs", "solve", "repair+fill", "total", "cpu", "cost", "bound", "proven", "gap", "repaired", "unplanned")
	for _, n := range sizes {
		if ctx.Err() != nil {
			return ExitFail
		}
		inst := plan.NewSynthetic(n, *seed, false)
		inst.Params.Weights = *w
		inst.Params.K = *k
		runtime.GC()
		cpu0, t0 := cpuTime(), time.Now()
		res, err := plan.RunContext(ctx, inst.People, inst.Offices, inst.Params)
		total, cpu := time.Since(t0), cpuTime()-cpu0
		if err != nil {
			fmt.Fprintf(stdio.Err, "sportello %s: %d people: %v\n", name, n, err)
			return ExitFail
		}
		st := res.Stats
		fmt.Fprintf(stdio.Out, row, st.People, st.Households, st.Arcs, secs(st.Solve), secs(st.RepairFill), secs(total), secs(cpu),
			fmt.Sprintf("%.0f", st.Cost), fmt.Sprintf("%.0f", st.Bound), st.Proven, fmt.Sprintf("%.4f%%", 100*st.Gap), st.Repaired, st.Unplanned)
	}
	fmt.Fprintln(stdio.Out, "total = model (with the sample solve that prices pinning) + solve + repair + fill, generation excluded;")
	fmt.Fprintln(stdio.Out, "cpu = process user+system time over the same span; proven = pricing left no arc of the full model")
	fmt.Fprintln(stdio.Out, "with a negative reduced cost, so bound is the LP optimum of the full household x office x week model")
	return ExitOK
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }

// cpuTime is the process's user+system time, to tell a slow run from a busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
