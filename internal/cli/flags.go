package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

// newFlags makes a FlagSet that prints its help to stdout and never exits the process,
// so every subcommand reports bad flags the same way: one line on stderr, exit code 2.
func newFlags(name, synopsis string, stdio Stdio) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdio.Out)
	fs.Usage = func() {
		fmt.Fprintf(stdio.Out, "Usage: sportello %s\n\nFlags (each also as SPORTELLO_<NAME> in the environment):\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, then fills every flag not given on the command line from
// SPORTELLO_<FLAG> (dashes become underscores). It returns (exit code, false) when the
// caller must stop: after --help (0) or on a bad flag or variable (2).
func parseFlags(fs *flag.FlagSet, args []string, stdio Stdio) (int, bool) {
	// The flag package's own error text is multi-line and prints usage; we print one line.
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(discard{})
	err := fs.Parse(args)
	fs.SetOutput(stdio.Out)
	fs.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return ExitOK, false
	}
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", fs.Name(), err)
		return ExitUsage, false
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || envErr != nil {
			return
		}
		key := "SPORTELLO_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s: %v", key, err)
			}
		}
	})
	if envErr != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", fs.Name(), envErr)
		return ExitUsage, false
	}
	return ExitOK, true
}

// usageError prints one line and returns the usage exit code.
func usageError(stdio Stdio, cmd, format string, a ...any) int {
	fmt.Fprintf(stdio.Err, "sportello %s: %s\n", cmd, fmt.Sprintf(format, a...))
	return ExitUsage
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
