package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestExpiryJob runs the real expiry job in the running app after moving its clock past
// the retention: the photo's image is gone, its code finds nothing, and the admin's
// audit page shows the system deleting it.
func TestExpiryJob(t *testing.T) {
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.PhotoRetention = 30 * 24 * time.Hour }})
	code := uploadCompliant(t, a)
	ctx := context.Background()
	p, err := a.Web.Photos.Lookup(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.ExpiresAt.Sub(p.CreatedAt); got != 30*24*time.Hour {
		t.Errorf("retention %s, want the configured 30 days", got)
	}
	later := time.Now().Add(30*24*time.Hour + time.Hour)
	a.Store.Now = func() time.Time { return later }
	if err := a.Queue.Enqueue(ctx, nil, "photos.expire", []byte("{}"), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		q, err := a.Store.PhotoByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if q.Status == booth.StatusDeleted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("photo still %s after the expiry job", q.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := a.Store.PhotoBlob(ctx, p.ID, booth.BlobCrop); model.ErrorCode(err) != model.ENOTFOUND {
		t.Errorf("image survives expiry: %v", err)
	}
	admin := a.Client(t)
	a.Login(t, admin, "chief", a.CreateUser(t, "chief", model.RoleAdmin))
	a.Run(t, []apptest.Scenario{
		{Name: "code finds nothing", Method: "POST", Path: "/api/v1/photos/status", Header: map[string]string{"Content-Type": "application/json"},
			Body: `{"code":"` + string(code) + `"}`, Status: http.StatusNotFound},
		{Name: "audit shows the deletion", Path: "/op/audit?object=" + url.QueryEscape(p.Object()), As: admin, Status: 200,
			Contain: []string{"photo.store", "photo.delete", "system"}},
	})
	// The page has no detail column; the entry itself says why.
	trail, err := a.Store.ListAudit(ctx, store.AuditFilter{Object: p.Object(), Limit: 1})
	if err != nil || len(trail) != 1 || trail[0].Actor != "system" || trail[0].Action != "photo.delete" || trail[0].Detail != "expired" {
		t.Errorf("last audit entry %+v %v", trail, err)
	}
}
