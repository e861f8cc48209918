package cli

import "context"

// runPhoto is owned by the photo work stream; until it lands the command says so plainly.
func runPhoto(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "photo", "not available in this build yet")
}
