package cli

import "context"

func runMigrate(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "migrate", "not available in this build yet")
}
