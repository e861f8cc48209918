package cli

import "context"

// runCard is owned by the card work stream; until it lands the command says so plainly.
func runCard(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "card", "not available in this build yet")
}
