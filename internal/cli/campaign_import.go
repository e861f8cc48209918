package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/config"
)

// runCampaignImport loads the register extract into the campaign tables: all rows or
// none, every bad row printed with its line, progress on stderr for long files.
func runCampaignImport(ctx context.Context, stdio Stdio, args []string) int {
	const name = "campaign import"
	cfg := config.Default()
	fs := newFlags(name, "campaign import --citizens FILE.csv [--data DIR] [--db postgres://…]", stdio)
	dbFlags(fs, &cfg)
	citizens := fs.String("citizens", "", "register extract CITIZENS.csv (UTF-8 or Latin-1, with header)")
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	if *citizens == "" {
		return usageError(stdio, name, "--citizens is required")
	}
	f, err := os.Open(*citizens)
	if err != nil {
		return usageError(stdio, name, "%v", err)
	}
	defer f.Close()
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", name, err)
		return ExitFail
	}
	defer st.Close()
	// due dates the extract leaves empty follow the campaign's paper-invalid day, the
	// one letters and e-mails quote (register.Policy)
	set, err := st.CampaignSettings(ctx)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", name, err)
		return ExitFail
	}
	start := time.Now()
	cs, err := register.Read(f, register.Options{Policy: register.PolicyFor(set.PaperInvalidDay()), ProgressEvery: 20000, Progress: func(p register.Progress) {
		fmt.Fprintf(stdio.Err, "read %d rows (%d%%)\n", p.Rows, 100*p.Bytes/max(p.Total, 1))
	}})
	var bad *register.Errors
	if errors.As(err, &bad) {
		for _, r := range bad.Rows {
			fmt.Fprintf(stdio.Err, "%s:%d: %s\n", *citizens, r.Line, r.Reason)
		}
		fmt.Fprintf(stdio.Err, "sportello %s: %d bad rows, nothing imported\n", name, len(bad.Rows))
		return ExitFail
	}
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", name, err)
		return ExitFail
	}
	res, err := st.ImportCitizens(ctx, cs, func(done int) {
		fmt.Fprintf(stdio.Err, "stored %d of %d\n", done, len(cs))
	})
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", name, err)
		return ExitFail
	}
	fmt.Fprintf(stdio.Out, "%d citizens: %d added, %d updated, %d unchanged (%.1fs)\n", len(cs), res.Added, res.Updated, res.Unchanged, time.Since(start).Seconds())
	return ExitOK
}
