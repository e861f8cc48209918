package cli

import "context"

// runCardRead, runCardNIS and runCardEnrol are owned by the card-reading work stream.
func runCardRead(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "card read", "not available in this build yet")
}

func runCardNIS(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "card nis", "not available in this build yet")
}

func runCardEnrol(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "card enrol", "not available in this build yet")
}
