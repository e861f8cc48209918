package app

import (
	"context"

	"github.com/sportello/sportello/internal/web"
)

// wireCampaign builds the campaign services, registers their jobs and fills the web deps.
func (a *App) wireCampaign(ctx context.Context, d *web.Deps) error { return nil }
