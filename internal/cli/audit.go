package cli

import "context"

func runAudit(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "audit", "not available in this build yet")
}
