package app

import (
	"context"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/photo"
	"github.com/sportello/sportello/internal/web"
)

// photoExpireJob is the job kind that deletes photos past their retention.
const photoExpireJob = "photos.expire"

// photoExpireEvery is how often expiry runs: hourly keeps a photo at most an hour past
// its date, which the retention rule (days) does not notice.
const photoExpireEvery = time.Hour

// wirePhoto builds the photo engine and the booth service, registers the expiry job and
// fills the web deps.
func (a *App) wirePhoto(ctx context.Context, d *web.Deps) error {
	eng, err := photo.OpenDefault(photo.Options{})
	if err != nil {
		return fmt.Errorf("photo engine: %w", err)
	}
	sealer, err := booth.NewSealer(d.Key)
	if err != nil {
		return err
	}
	svc := booth.NewService(a.Store, eng, sealer, a.Config.PhotoRetention, a.Log)
	svc.Now = func() time.Time { return a.Store.Now() } // one clock, so tests can move it
	a.Queue.Register(photoExpireJob, func(ctx context.Context, _ []byte) error {
		_, err := svc.Expire(ctx)
		return err
	})
	d.PhotoDeps = web.PhotoDeps{Photos: svc}
	a.every(photoExpireEvery, photoExpireJob)
	return nil
}
