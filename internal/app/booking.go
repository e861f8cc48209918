package app

import (
	"context"

	"github.com/sportello/sportello/internal/web"
)

// wireBooking builds the booking services, registers their jobs and fills the web deps.
func (a *App) wireBooking(ctx context.Context, d *web.Deps) error { return nil }
