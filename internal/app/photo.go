package app

import (
	"context"

	"github.com/sportello/sportello/internal/web"
)

// wirePhoto builds the photo services, registers their jobs and fills the web deps.
func (a *App) wirePhoto(ctx context.Context, d *web.Deps) error { return nil }
