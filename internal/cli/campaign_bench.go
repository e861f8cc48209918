package cli

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
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
	tw := tabwriter.NewWriter(stdio.Out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "people\thouseholds\tarcs\tsolve\trepair+fill\ttotal\tcpu\tcost\tbound\tgap\trepaired\tunplanned\t")
	for _, n := range sizes {
		if ctx.Err() != nil {
			return ExitFail
		}
		inst := plan.NewSynthetic(n, *seed, false)
		inst.Params.Weights = *w
		inst.Params.K = *k
		runtime.GC()
		cpu0, t0 := cpuTime(), time.Now()
		res, err := plan.Run(inst.People, inst.Offices, inst.Params)
		total, cpu := time.Since(t0), cpuTime()-cpu0
		if err != nil {
			fmt.Fprintf(stdio.Err, "sportello %s: %d people: %v\n", name, n, err)
			return ExitFail
		}
		st := res.Stats
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\t%s\t%.0f\t%.0f\t%.4f%%\t%d\t%d\t\n",
			st.People, st.Households, st.Arcs, secs(st.Solve), secs(st.RepairFill), secs(total), secs(cpu),
			st.Cost, st.Bound, 100*st.Gap, st.Repaired, st.Unplanned)
	}
	tw.Flush()
	fmt.Fprintln(stdio.Out, "total = model + solve + repair + fill (generation excluded); cpu = process user+system time over the same span")
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
