package cli

import (
	"context"
	"fmt"
	"io"
)

// runCampaign dispatches the campaign subcommands, one function (and file) each.
func runCampaign(ctx context.Context, stdio Stdio, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		campaignUsage(stdio.Out)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	switch args[0] {
	case "plan":
		return runCampaignPlan(ctx, stdio, args[1:])
	case "bench":
		return runCampaignBench(ctx, stdio, args[1:])
	case "import":
		return runCampaignImport(ctx, stdio, args[1:])
	}
	return usageError(stdio, "campaign", "unknown subcommand %q (see sportello campaign --help)", args[0])
}

func campaignUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: sportello campaign SUBCOMMAND [flags]

Subcommands:
  import load the register extract (CITIZENS.csv) into the campaign, all rows or none
  plan   assign every citizen an office, day and time (min-cost flow, proven bound)
  bench  plan a synthetic Milan-like instance and print time, cost, bound and gap
`)
}
