package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/model"
)

// runBooth provisions photo booths from the shell, for installers who set up a booth
// before any admin has logged in to the web pages.
func runBooth(ctx context.Context, stdio Stdio, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdio.Out, "Usage: sportello booth add|list [flags]\n\n  add   register a booth and print its token (shown once)\n  list  list booths\n")
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	switch args[0] {
	case "add":
		return runBoothAdd(ctx, stdio, args[1:])
	case "list":
		return runBoothList(ctx, stdio, args[1:])
	}
	return usageError(stdio, "booth", "unknown subcommand %q (add, list)", args[0])
}

func runBoothAdd(ctx context.Context, stdio Stdio, args []string) int {
	cfg := config.Default()
	fs := newFlags("booth add", "booth add --name NAME [--office \"Via Larga 12\"]", stdio)
	dbFlags(fs, &cfg)
	name := fs.String("name", "", "booth name (required)")
	office := fs.String("office", "", "office the booth stands in, printed on receipts")
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello booth add: %v\n", err)
		return ExitFail
	}
	defer st.Close()
	// Registering a device needs neither the photo engine nor the photo key.
	svc := &booth.Service{Store: st, Now: time.Now}
	d, token, err := svc.NewDevice(ctx, *name, *office, booth.Actor{Name: "cli"})
	if err != nil {
		if model.ErrorCode(err) == model.EINVALID {
			return usageError(stdio, "booth add", "%s", model.ErrorMessage(err))
		}
		fmt.Fprintf(stdio.Err, "sportello booth add: %v\n", err)
		return ExitFail
	}
	fmt.Fprintf(stdio.Out, "booth %d %q registered; token (shown once, enter it on the booth at /booth): %s\n", d.ID, d.Name, token)
	return ExitOK
}

func runBoothList(ctx context.Context, stdio Stdio, args []string) int {
	cfg := config.Default()
	fs := newFlags("booth list", "booth list", stdio)
	dbFlags(fs, &cfg)
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello booth list: %v\n", err)
		return ExitFail
	}
	defer st.Close()
	list, err := st.ListDevices(ctx)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello booth list: %v\n", err)
		return ExitFail
	}
	tw := tabwriter.NewWriter(stdio.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tOFFICE\tSTATUS")
	for _, d := range list {
		status := "active"
		if d.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", d.ID, d.Name, d.Office, status)
	}
	if err := tw.Flush(); err != nil {
		return ExitFail
	}
	return ExitOK
}
