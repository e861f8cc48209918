package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/campaign/register"
)

// weightFlags registers the objective's weights, shared by plan and bench.
func weightFlags(fs *flag.FlagSet) *plan.Weights {
	w := new(plan.Weights)
	*w = plan.DefaultWeights()
	fs.Float64Var(&w.Distance, "distance-weight", w.Distance, "cost per metre of great-circle distance from residence to office")
	fs.Float64Var(&w.Late, "late-weight", w.Late, "cost per person per week served after the week of the due date")
	fs.Float64Var(&w.Early, "early-weight", w.Early, "cost per person per week served before the week of the due date")
	return w
}

func runCampaignPlan(ctx context.Context, stdio Stdio, args []string) int {
	const name = "campaign plan"
	fs := newFlags(name, "campaign plan --citizens FILE.csv --offices OFFICES.csv --start YYYY-MM-DD --weeks N --out PLAN.csv", stdio)
	citizens := fs.String("citizens", "", "register extract, CSV with header (UTF-8 or Latin-1)")
	offices := fs.String("offices", "", "OFFICES.csv: office_id,name,address,lat,lon,capacity_per_week[,capacity_weeks as \"400;400;320\" for the first weeks]")
	start := fs.String("start", "", "first day of week 0, YYYY-MM-DD")
	weeks := fs.Int("weeks", 26, "number of campaign weeks")
	out := fs.String("out", "", "where to write PLAN.csv")
	unplannedOut := fs.String("unplanned", "", "where to write the people left out with the reason (default: next to --out, only when there are any)")
	k := fs.Int("k", 0, "nearest offices per household before pricing adds more (0: default)")
	elderly := fs.Int("elderly-age", 75, "age at --start from which a household is served first in the morning (as are those with frail=yes)")
	paperInvalid := fs.String("paper-invalid", "", "day paper cards stop being valid, YYYY-MM-DD, as the campaign setting \"Carte cartacee non valide dal\" (default: the campaign's end, --start + --weeks, as the setting defaults to the deadline)")
	leadDays := fs.Int("due-lead-days", int(register.DefaultLead/(24*time.Hour)), "a card without due_date is due this many days before it stops being valid (its expiry or --paper-invalid)")
	patron := fs.String("patron-day", "", "the comune's patron saint's day as MM-DD (Milan: 12-07), closed like the public holidays, as the server's --patron-day")
	w := weightFlags(fs)
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	if *citizens == "" || *offices == "" || *start == "" || *out == "" {
		return usageError(stdio, name, "--citizens, --offices, --start and --out are required")
	}
	if fs.NArg() > 0 {
		return usageError(stdio, name, "unexpected argument %q", fs.Arg(0))
	}
	if *weeks < 1 || *weeks > 520 {
		return usageError(stdio, name, "--weeks %d: want 1-520", *weeks)
	}
	day, err := time.Parse("2006-01-02", *start)
	if err != nil {
		return usageError(stdio, name, "--start %q: want YYYY-MM-DD", *start)
	}
	if err := booking.ParsePatron(*patron); err != nil {
		return usageError(stdio, name, "--patron-day: %v", err)
	}
	if *leadDays < 0 || *leadDays > 3650 {
		return usageError(stdio, name, "--due-lead-days %d: want 0-3650", *leadDays)
	}
	// the due date rule of the import (register.Policy), so a file plans here as it
	// does once imported with the same paper-invalid day
	policy := register.PolicyFor(day.AddDate(0, 0, 7**weeks))
	if *paperInvalid != "" {
		if policy.PaperCutoff, err = time.Parse(time.DateOnly, *paperInvalid); err != nil {
			return usageError(stdio, name, "--paper-invalid %q: want YYYY-MM-DD", *paperInvalid)
		}
	}
	policy.Lead = time.Duration(*leadDays) * 24 * time.Hour
	params := plan.Params{Start: day, Weeks: *weeks, Weights: *w, K: *k, ElderlyAge: *elderly, Holidays: booking.Holidays{Patron: *patron}}

	offs, err := readWith(*offices, func(r io.Reader) ([]plan.Office, error) { return plan.ReadOffices(r, *offices) })
	if err != nil {
		return usageError(stdio, name, "%v", err)
	}
	people, err := readWith(*citizens, func(r io.Reader) ([]plan.Person, error) { return plan.ReadCitizens(r, *citizens, day, policy) })
	if err != nil {
		return usageError(stdio, name, "%v", err)
	}
	if len(people) == 0 {
		return usageError(stdio, name, "%s: nobody to plan (no paper-card holders)", *citizens)
	}
	res, err := plan.RunContext(ctx, people, offs, params)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", name, err)
		return ExitFail
	}
	if err := writeFile(*out, func(w io.Writer) error { return plan.WritePlan(w, people, offs, res.Assignments) }); err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", name, err)
		return ExitFail
	}
	st := res.Stats
	fmt.Fprintf(stdio.Out, "planned %d of %d people (%d households) into %d offices over %d weeks from %s\n",
		len(res.Assignments), st.People, st.Households, len(offs), *weeks, day.Format("2006-01-02"))
	fmt.Fprintf(stdio.Out, "cost %.2f  lower bound %.2f  gap %.4f%%  (split households repaired: %d)\n", st.Cost, st.Bound, 100*st.Gap, st.Repaired)
	if st.Proven {
		fmt.Fprintf(stdio.Out, "bound proof: %d solve round(s); the last priced %d arcs left out of the graph with the duals, none with a negative reduced cost: the bound is the full model's LP optimum\n", st.Rounds, st.ArcsPriced)
	} else {
		fmt.Fprintf(stdio.Out, "bound: a valid Lagrangian bound after %d rounds, not yet the full model's LP optimum\n", st.Rounds)
	}
	fmt.Fprintf(stdio.Out, "time: model %v, solve %v, repair+fill %v\n", st.Build.Round(time.Millisecond), st.Solve.Round(time.Millisecond), st.RepairFill.Round(time.Millisecond))
	fmt.Fprintf(stdio.Out, "wrote %s\n", *out)
	if len(res.Unplanned) > 0 {
		path := *unplannedOut
		if path == "" {
			path = strings.TrimSuffix(*out, ".csv") + "-unplanned.csv"
		}
		if err := writeFile(path, func(w io.Writer) error { return plan.WriteUnplanned(w, people, res.Unplanned) }); err != nil {
			fmt.Fprintf(stdio.Err, "sportello %s: %v\n", name, err)
			return ExitFail
		}
		fmt.Fprintf(stdio.Out, "unplanned: %d people (%s), listed in %s\n", len(res.Unplanned), res.Unplanned[0].Reason, path)
		if st.Unplanned > st.UnplannedLP {
			fmt.Fprintf(stdio.Out, "note: the bound assumes %d people left out, the plan leaves out %d\n", st.UnplannedLP, st.Unplanned)
		}
	}
	return ExitOK
}

func readWith[T any](path string, read func(io.Reader) ([]T, error)) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f)
}

// writeFile writes through a temporary file and renames, so a failed run never
// leaves half a plan where the previous one was.
func writeFile(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.Rename(tmp, path)
}
