package cli

import "context"

func runServe(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "serve", "not available in this build yet")
}
