package cli

import "context"

// runCampaign is owned by the campaign work stream; until it lands the command says so plainly.
func runCampaign(ctx context.Context, stdio Stdio, args []string) int {
	return usageError(stdio, "campaign", "not available in this build yet")
}
