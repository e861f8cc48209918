package cli

import (
	"io"
	"log/slog"
)

// newLogger makes the JSON logger every server-side command uses (snake_case keys).
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
