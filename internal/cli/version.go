package cli

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Version is set at link time (-ldflags "-X .../cli.Version=…"); "dev" otherwise.
var Version = "dev"

func runVersion(ctx context.Context, stdio Stdio, args []string) int {
	fs := newFlags("version", "version", stdio)
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	goVer := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVer = bi.GoVersion
	}
	fmt.Fprintf(stdio.Out, "sportello %s (%s)\n", Version, goVer)
	return ExitOK
}
