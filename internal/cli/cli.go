// Package cli parses the command line and dispatches to one subcommand per file.
package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes shared by every subcommand, so scripts can tell a failed check from a typo.
const (
	ExitOK    = 0
	ExitFail  = 1 // the command ran and the answer is "no" (a check failed, a verification failed)
	ExitUsage = 2 // bad flags, bad config or unreadable input
)

// Stdio is what a subcommand may read and print; tests pass buffers.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// command is one subcommand. run gets the arguments after its name.
type command struct {
	summary string
	run     func(ctx context.Context, io Stdio, args []string) int
}

// commands is the one table of subcommands; each lives in a file named after it.
func commands() map[string]command {
	return map[string]command{
		"serve":    {"run the web server", runServe},
		"migrate":  {"apply database migrations and exit", runMigrate},
		"user":     {"manage operator accounts (add, list, disable)", runUser},
		"audit":    {"check the audit log (verify)", runAudit},
		"version":  {"print the version", runVersion},
		"photo":    {"check and crop portraits (check, crop, eval, bench)", runPhoto},
		"booth":    {"register photo booths (add, list)", runBooth},
		"campaign": {"replacement campaign (import, plan, bench)", runCampaign},
		"card":     {"read and verify CIE cards (mrz, verify, read, nis, enrol)", runCard},
	}
}

// Run dispatches args to a subcommand and returns the process exit code.
func Run(ctx context.Context, stdio Stdio, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdio.Out, cmds)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stdio.Err, "sportello: unknown command %q (see sportello --help)\n", args[0])
		return ExitUsage
	}
	return c.run(ctx, stdio, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("Usage: sportello COMMAND [flags]\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-9s %s\n", n, cmds[n].summary)
	}
	b.WriteString("\nRun 'sportello COMMAND --help' for the flags of a command.\n")
	io.WriteString(w, b.String())
}
