package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/sportello/sportello/internal/config"
)

func runAudit(ctx context.Context, stdio Stdio, args []string) int {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdio.Out, "Usage: sportello audit verify [--data DIR] [--db postgres://…] [--expect-head ID:HASH]\n\nChecks the audit log's hash chain; exits 1 naming the first altered or missing row.\nWith --expect-head (from an earlier run or the hourly audit_checkpoint log line) it also\ndetects removal of the newest rows.\n")
			return ExitOK
		}
		return usageError(stdio, "audit", "want: audit verify")
	}
	cfg := config.Default()
	fs := newFlags("audit verify", "audit verify [--data DIR] [--db postgres://…]", stdio)
	dbFlags(fs, &cfg)
	expect := fs.String("expect-head", "", "ID:HASH of a head recorded earlier; fails if that row is gone or differs")
	if code, ok := parseFlags(fs, args[1:], stdio); !ok {
		return code
	}
	var expectID int64
	var expectHash []byte
	if *expect != "" {
		idStr, hx, ok := strings.Cut(*expect, ":")
		var err error
		expectID, err = strconv.ParseInt(idStr, 10, 64)
		if err == nil {
			expectHash, err = hex.DecodeString(hx)
		}
		if !ok || err != nil || expectID < 1 || len(expectHash) != 32 {
			return usageError(stdio, "audit verify", "--expect-head wants ID:HASH (hex SHA-256), as printed by a previous verify")
		}
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
	if expectID > 0 {
		h, err := st.AuditRowHash(ctx, expectID)
		if err != nil || !bytes.Equal(h, expectHash) {
			fmt.Fprintf(stdio.Out, "FAIL: audit row %d: recorded head missing or different: rows were removed or rewritten\n", expectID)
			return ExitFail
		}
	}
	id, head, err := st.AuditHead(ctx)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello audit verify: %v\n", err)
		return ExitFail
	}
	fmt.Fprintf(stdio.Out, "OK: %d rows, chain intact; head %d:%x\n", n, id, head)
	return ExitOK
}
