package cli

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/store"
)

// openStore opens and migrates the database named by the shared flags.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, []string, error) {
	st, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return nil, nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, applied, nil
}

func runMigrate(ctx context.Context, stdio Stdio, args []string) int {
	cfg := config.Default()
	fs := newFlags("migrate", "migrate [--data DIR] [--db postgres://…]", stdio)
	dbFlags(fs, &cfg)
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	st, applied, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello migrate: %v\n", err)
		return ExitFail
	}
	defer st.Close()
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello migrate: %v\n", err)
		return ExitFail
	}
	for _, a := range applied {
		fmt.Fprintf(stdio.Out, "applied %s\n", a)
	}
	fmt.Fprintf(stdio.Out, "schema version %d (%s)\n", v, st.Dialect())
	return ExitOK
}
