package app

import (
	"context"
	"fmt"

	"github.com/sportello/sportello/internal/badge"
	"github.com/sportello/sportello/internal/card/trust"
	"github.com/sportello/sportello/internal/web"
)

// wireCard builds the badge service with the configured CSCA anchors (the embedded
// Italian certificates unless --card-trust names a directory).
func (a *App) wireCard(ctx context.Context, d *web.Deps) error {
	var ts *trust.Store
	var err error
	if a.Config.CardTrust != "" {
		ts, err = trust.LoadDir(a.Config.CardTrust)
	} else {
		ts, err = badge.DefaultAnchors()
	}
	if err != nil {
		return fmt.Errorf("card trust anchors: %w", err)
	}
	svc, err := badge.New(a.Store, ts, d.Key)
	if err != nil {
		return err
	}
	svc.Now = a.Store.Now
	d.Badges = svc
	a.Badges = svc
	return nil
}
