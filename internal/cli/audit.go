package cli

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/internal/config"
)

func runAudit(ctx context.Context, stdio Stdio, args []string) int {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdio.Out, "Usage: sportello audit verify [--data DIR] [--db postgres://…]\n\nChecks the audit log's hash chain; exits 1 naming the first altered or missing row.\n")
			return ExitOK
		}
		return usageError(stdio, "audit", "want: audit verify")
	}
	cfg := config.Default()
	fs := newFlags("audit verify", "audit verify [--data DIR] [--db postgres://…]", stdio)
	dbFlags(fs, &cfg)
	if code, ok := parseFlags(fs, args[1:], stdio); !ok {
		return code
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello audit verify: %v\n", err)
		return ExitFail
	}
	defer st.Close()
	n, problem, err := st.VerifyAudit(ctx)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello audit verify: %v\n", err)
		return ExitFail
	}
	if problem != nil {
		fmt.Fprintf(stdio.Out, "FAIL: %v\n", problem)
		return ExitFail
	}
	fmt.Fprintf(stdio.Out, "OK: %d rows, chain intact\n", n)
	return ExitOK
}
