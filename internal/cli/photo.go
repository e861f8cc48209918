package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/photo"
)

// runPhoto dispatches the photo subcommands; the work is all in package photo.
func runPhoto(ctx context.Context, stdio Stdio, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdio.Out, "Usage: sportello photo check [--json] FILE...\n"+
			"       sportello photo crop FILE -o OUT.jpg\n"+
			"       sportello photo eval DIR [--labels manifest.csv]\n"+
			"       sportello photo bench [--runs N] FILE\n")
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	switch args[0] {
	case "check":
		return photoCheck(ctx, stdio, args[1:])
	case "crop":
		return photoCrop(ctx, stdio, args[1:])
	case "eval":
		return photoEval(ctx, stdio, args[1:])
	case "bench":
		return photoBench(ctx, stdio, args[1:])
	}
	return usageError(stdio, "photo", "unknown subcommand %q (check, crop, eval, bench)", args[0])
}

// interleave lets flags follow positional arguments (FILE -o OUT.jpg), as users type them.
func interleave(args []string, valued map[string]bool) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if valued[name] && !strings.Contains(a, "=") && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func openEngine(stdio Stdio, cmd string) (*photo.Engine, bool) {
	e, err := photo.OpenDefault(photo.Options{})
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", cmd, err)
		return nil, false
	}
	return e, true
}

func photoCheck(ctx context.Context, stdio Stdio, args []string) int {
	fs := newFlags("photo check", "photo check [--json] FILE...", stdio)
	asJSON := fs.Bool("json", false, "print one JSON report per file")
	if code, ok := parseFlags(fs, interleave(args, nil), stdio); !ok {
		return code
	}
	if fs.NArg() == 0 {
		return usageError(stdio, "photo check", "no file given")
	}
	e, ok := openEngine(stdio, "photo check")
	if !ok {
		return ExitUsage
	}
	code := ExitOK
	for _, name := range fs.Args() {
		rep, err := checkFile(ctx, e, name)
		if err != nil {
			fmt.Fprintf(stdio.Err, "%s: %s\n", name, explain(err))
			code = ExitUsage
			continue
		}
		if !rep.Compliant && code == ExitOK {
			code = ExitFail
		}
		if *asJSON {
			b, _ := json.Marshal(struct {
				File string `json:"file"`
				*photo.Report
			}{name, rep})
			fmt.Fprintln(stdio.Out, string(b))
			continue
		}
		printReport(stdio, name, rep)
	}
	return code
}

func checkFile(ctx context.Context, e *photo.Engine, name string) (*photo.Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return e.Check(ctx, f)
}

// explain prints an input error in both languages.
func explain(err error) string {
	var ie *photo.InputError
	if errors.As(err, &ie) {
		return ie.IT + " / " + ie.EN
	}
	return err.Error()
}

func printReport(stdio Stdio, name string, rep *photo.Report) {
	verdict := "CONFORME / COMPLIANT"
	if !rep.Compliant {
		verdict = "NON CONFORME / NOT COMPLIANT"
	}
	fmt.Fprintf(stdio.Out, "%s (%dx%d): %s\n", name, rep.Width, rep.Height, verdict)
	for _, c := range rep.Checks {
		mark := map[photo.Status]string{photo.Pass: "ok  ", photo.Fail: "FAIL", photo.NotAssessed: "n/a "}[c.Status]
		line := fmt.Sprintf("  %s %-18s %8.3f %-4s (%s)", mark, c.ID, c.Value, c.Unit, c.Threshold)
		if c.Status == photo.NotAssessed {
			line = fmt.Sprintf("  %s %-18s not assessed: %s", mark, c.ID, c.Note)
		} else if c.Note != "" {
			line += " " + c.Note
		}
		fmt.Fprintln(stdio.Out, line)
		if c.Status == photo.Fail {
			fmt.Fprintf(stdio.Out, "       → %s / %s\n", c.IT, c.EN)
		}
	}
}

func photoCrop(ctx context.Context, stdio Stdio, args []string) int {
	fs := newFlags("photo crop", "photo crop FILE -o OUT.jpg", stdio)
	out := fs.String("o", "", "where to write the CIE photo (JPEG)")
	if code, ok := parseFlags(fs, interleave(args, map[string]bool{"o": true}), stdio); !ok {
		return code
	}
	if fs.NArg() != 1 || *out == "" {
		return usageError(stdio, "photo crop", "want one FILE and -o OUT.jpg")
	}
	e, ok := openEngine(stdio, "photo crop")
	if !ok {
		return ExitUsage
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello photo crop: %v\n", err)
		return ExitUsage
	}
	defer f.Close()
	c, err := e.Crop(ctx, f)
	var ie *photo.InputError
	switch {
	case errors.As(err, &ie):
		fmt.Fprintf(stdio.Err, "%s: %s\n", fs.Arg(0), explain(err))
		return ExitUsage
	case err != nil:
		fmt.Fprintf(stdio.Err, "%s: %v\n", fs.Arg(0), err)
		return ExitFail
	}
	if err := os.WriteFile(*out, c.JPEG, 0o644); err != nil {
		fmt.Fprintf(stdio.Err, "sportello photo crop: %v\n", err)
		return ExitFail
	}
	fmt.Fprintf(stdio.Out, "%s: %dx%d, %d KB, quality %d\n", *out, c.Width, c.Height, len(c.JPEG)>>10, c.Quality)
	if !c.Source.Compliant {
		fmt.Fprintf(stdio.Out, "note: the portrait still fails %s\n", strings.Join(c.Source.Failed(), ", "))
	}
	return ExitOK
}

func photoEval(ctx context.Context, stdio Stdio, args []string) int {
	fs := newFlags("photo eval", "photo eval DIR [--labels manifest.csv]", stdio)
	labels := fs.String("labels", "", "CSV with columns file,label (default DIR/manifest.csv)")
	if code, ok := parseFlags(fs, interleave(args, map[string]bool{"labels": true}), stdio); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(stdio, "photo eval", "want one DIR")
	}
	dir := fs.Arg(0)
	if *labels == "" {
		*labels = filepath.Join(dir, "manifest.csv")
	}
	mf, err := os.Open(*labels)
	if err != nil {
		return usageError(stdio, "photo eval", "%v", err)
	}
	samples, err := photo.ReadManifest(mf)
	mf.Close()
	if err != nil {
		return usageError(stdio, "photo eval", "%s: %v", *labels, err)
	}
	e, ok := openEngine(stdio, "photo eval")
	if !ok {
		return ExitUsage
	}
	outs := e.Evaluate(ctx, dir, samples)
	for _, o := range outs {
		if o.Err != nil {
			fmt.Fprintf(stdio.Err, "%s: %s\n", o.File, explain(o.Err))
		}
	}
	photo.Tabulate(outs).Write(stdio.Out)
	return ExitOK
}

func photoBench(ctx context.Context, stdio Stdio, args []string) int {
	fs := newFlags("photo bench", "photo bench [--runs N] FILE", stdio)
	runs := fs.Int("runs", 5, "runs per version; the median is printed")
	if code, ok := parseFlags(fs, interleave(args, map[string]bool{"runs": true}), stdio); !ok {
		return code
	}
	if fs.NArg() != 1 || *runs < 1 {
		return usageError(stdio, "photo bench", "want one FILE and --runs ≥ 1")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return usageError(stdio, "photo bench", "%v", err)
	}
	e, ok := openEngine(stdio, "photo bench")
	if !ok {
		return ExitUsage
	}
	rows, err := e.Bench(ctx, data, *runs)
	if err != nil {
		fmt.Fprintf(stdio.Err, "%s: %s\n", fs.Arg(0), explain(err))
		return ExitFail
	}
	var dj time.Duration
	if path, err := exec.LookPath("djpeg"); err == nil {
		d, err := photo.DjpegTime(ctx, path, fs.Arg(0), *runs)
		if err != nil {
			fmt.Fprintf(stdio.Err, "sportello photo bench: %v\n", err)
		}
		dj = d
	} else {
		fmt.Fprintln(stdio.Err, "djpeg not found (apt-get install libjpeg-turbo-progs): no ratio")
	}
	photo.WriteBench(stdio.Out, rows, dj)
	return ExitOK
}
