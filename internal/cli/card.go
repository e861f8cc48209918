package cli

import "context"

// runCard is owned by the card-verification work stream.
func runCard(ctx context.Context, stdio Stdio, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "read":
			return runCardRead(ctx, stdio, args[1:])
		case "nis":
			return runCardNIS(ctx, stdio, args[1:])
		case "enrol":
			return runCardEnrol(ctx, stdio, args[1:])
		}
	}
	return usageError(stdio, "card", "not available in this build yet")
}
