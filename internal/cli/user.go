package cli

import "context"

func runUser(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "user", "not available in this build yet")
}
