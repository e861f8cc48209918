package booth_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/booth/boothtest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/photo"
	"github.com/sportello/sportello/internal/store"
)

var (
	engineOnce sync.Once
	engine     *photo.Engine
	engineErr  error
)

func testEngine(tb testing.TB) *photo.Engine {
	tb.Helper()
	engineOnce.Do(func() { engine, engineErr = photo.OpenDefault(photo.Options{}) })
	if engineErr != nil {
		tb.Fatalf("photo engine: %v", engineErr)
	}
	return engine
}

// newService opens a fresh database (SQLite, or PostgreSQL when the suite runs there)
// with a clock the test moves.
func newService(tb testing.TB) (*booth.Service, *store.Store, *time.Time) {
	tb.Helper()
	apptest.RequirePostgresInCI(tb)
	dsn, dir := apptest.DSN(tb)
	if dsn == "" {
		dsn = dir + "/t.db"
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	sealer, err := booth.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	svc := booth.NewService(st, testEngine(tb), sealer, 60*24*time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.Now = func() time.Time { return now }
	return svc, st, &now
}

// TestGuidanceOnPreviewFrames runs the real engine on 480×640 preview frames: the
// compliant portrait is ready to shoot, the same person further away is told to come closer.
func TestGuidanceOnPreviewFrames(t *testing.T) {
	svc, _, _ := newService(t)
	src := boothtest.Load(t, boothtest.CompliantPortrait())
	near := boothtest.JPEG(t, boothtest.Resize(src, 480, 640), 85)
	g, err := svc.Guide(context.Background(), near)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Ready {
		t.Fatalf("compliant frame not ready: %+v", g.Hints)
	}
	far := boothtest.JPEG(t, boothtest.Shrunk(src, 480, 640, 0.5), 85)
	g, err = svc.Guide(context.Background(), far)
	if err != nil {
		t.Fatal(err)
	}
	if g.Ready || len(g.Hints) == 0 || g.Hints[0].IT != "Si avvicini" || g.Hints[0].EN != "Come closer" {
		t.Fatalf("far frame guidance %+v, want Si avvicini first", g)
	}
	if _, err := svc.Guide(context.Background(), []byte("GIF89a not a photo")); model.ErrorCode(err) != model.EUNSUPPORTED {
		t.Errorf("a GIF: %v, want unsupported", err)
	}
}

// TestPhotoLifecycle stores a compliant crop, finds it by its code typed sloppily,
// attaches it, marks it sent (which deletes the image), and checks the audit trail.
func TestPhotoLifecycle(t *testing.T) {
	svc, st, _ := newService(t)
	ctx := context.Background()
	img := boothtest.JPEG(t, boothtest.Load(t, boothtest.CompliantPortrait()), 92)
	v, err := svc.Judge(ctx, img)
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() {
		t.Fatalf("compliant portrait refused: %v", v.Report.Failed())
	}
	who := booth.Actor{Name: "citizen", IP: "192.0.2.1"}
	saved, err := svc.Save(ctx, v, booth.OriginUpload, 0, who)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.JPEG) > photo.MaxCropBytes {
		t.Errorf("crop is %d bytes, over the CIE limit", len(saved.JPEG))
	}
	blob, err := st.PhotoBlob(ctx, saved.Photo.ID, booth.BlobCrop)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(blob.Data, saved.JPEG[:64]) || bytes.Contains(blob.Data, []byte("JFIF")) {
		t.Fatal("stored blob is not encrypted")
	}
	typed := bytes.ToLower([]byte(saved.Code))
	code, err := booth.ParseCode(string(typed))
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Lookup(ctx, code)
	if err != nil || p.ID != saved.Photo.ID || p.Status != booth.StatusStored {
		t.Fatalf("lookup: %+v %v", p, err)
	}
	got, err := svc.Image(ctx, p)
	if err != nil || !bytes.Equal(got, saved.JPEG) {
		t.Fatalf("image round trip: %v", err)
	}
	if err := svc.MarkSent(ctx, p, who); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("sent before attach: %v", err)
	}
	clerk := booth.Actor{Name: "user:clerk", IP: "10.0.0.5"}
	if err := svc.Attach(ctx, p, "A-123", clerk); err != nil {
		t.Fatal(err)
	}
	if err := svc.Attach(ctx, p, "A-124", clerk); !errors.Is(err, model.ErrConflict) {
		t.Errorf("second attach: %v", err)
	}
	p, err = svc.Lookup(ctx, code)
	if err != nil || p.Status != booth.StatusAttached || p.Application != "A-123" {
		t.Fatalf("after attach: %+v %v", p, err)
	}
	if err := svc.MarkSent(ctx, p, clerk); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Lookup(ctx, code); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("lookup after sent: %v", err)
	}
	if _, err := st.PhotoBlob(ctx, p.ID, booth.BlobCrop); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("blob survives sending: %v", err)
	}
	trail, err := st.ListAudit(ctx, store.AuditFilter{Object: p.Object()})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for i := len(trail) - 1; i >= 0; i-- {
		actions = append(actions, trail[i].Actor+" "+trail[i].Action)
	}
	want := []string{"citizen photo.store", "user:clerk photo.attach", "user:clerk photo.delete"}
	if len(actions) != len(want) {
		t.Fatalf("audit trail %q, want %q", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("audit trail %q, want %q", actions, want)
		}
	}
	if _, problem, err := st.VerifyAudit(ctx); err != nil || problem != nil {
		t.Fatalf("audit chain: %v %v", problem, err)
	}
}

// TestExpiry moves the clock past the retention: the job deletes the image, the code
// stops working, and the audit log says the system deleted it.
func TestExpiry(t *testing.T) {
	svc, st, now := newService(t)
	ctx := context.Background()
	v, err := svc.Judge(ctx, boothtest.JPEG(t, boothtest.Load(t, boothtest.CompliantPortrait()), 92))
	if err != nil || !v.OK() {
		t.Fatalf("judge: %v", err)
	}
	saved, err := svc.Save(ctx, v, booth.OriginUpload, 0, booth.Actor{Name: "citizen"})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Expire(ctx); err != nil || n != 0 {
		t.Fatalf("early expiry deleted %d: %v", n, err)
	}
	*now = now.Add(60*24*time.Hour + time.Minute)
	if _, err := svc.Lookup(ctx, saved.Code); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("expired code still works: %v", err)
	}
	if n, err := svc.Expire(ctx); err != nil || n != 1 {
		t.Fatalf("expiry deleted %d: %v", n, err)
	}
	if _, err := st.PhotoBlob(ctx, saved.Photo.ID, booth.BlobCrop); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("blob survives expiry: %v", err)
	}
	p, err := st.PhotoByID(ctx, saved.Photo.ID)
	if err != nil || p.Status != booth.StatusDeleted || p.DeleteNote != "expired" {
		t.Fatalf("tombstone %+v %v", p, err)
	}
	trail, _ := st.ListAudit(ctx, store.AuditFilter{Object: p.Object(), Limit: 1})
	if len(trail) != 1 || trail[0].Actor != "system" || trail[0].Action != "photo.delete" || trail[0].Detail != "expired" {
		t.Fatalf("last audit entry %+v", trail)
	}
}

// TestRandomGuessesFindNothing: 10,000 well-formed random codes against a database
// holding photos find none of them.
func TestRandomGuessesFindNothing(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := context.Background()
	v, err := svc.Judge(ctx, boothtest.JPEG(t, boothtest.Load(t, boothtest.CompliantPortrait()), 92))
	if err != nil || !v.OK() {
		t.Fatalf("judge: %v", err)
	}
	for i := 0; i < 5; i++ {
		if _, err := svc.Save(ctx, v, booth.OriginUpload, 0, booth.Actor{Name: "citizen"}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 10000; i++ {
		if _, err := svc.Lookup(ctx, booth.NewCode()); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
}

func TestDevices(t *testing.T) {
	svc, st, _ := newService(t)
	ctx := context.Background()
	admin := booth.Actor{Name: "user:admin"}
	d, token, err := svc.NewDevice(ctx, "Cabina 1", "Via Larga 12", admin)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Device(ctx, token); err != nil || got.ID != d.ID {
		t.Fatalf("device by token: %v", err)
	}
	for _, bad := range []string{"", "sbt_wrong", token + "x", "Bearer " + token} {
		if _, err := svc.Device(ctx, bad); model.ErrorCode(err) != model.EUNAUTHORIZED {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	if err := st.SetDeviceDisabled(ctx, d.ID, true, &model.AuditEntry{Actor: "user:admin", Action: "booth.disable"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Device(ctx, token); model.ErrorCode(err) != model.EUNAUTHORIZED {
		t.Errorf("disabled booth accepted: %v", err)
	}
	if _, _, err := svc.NewDevice(ctx, " ", "", admin); model.ErrorCode(err) != model.EINVALID {
		t.Errorf("empty name: %v", err)
	}
}

// BenchmarkGuide is the server's share of the kiosk loop: one 640×480 JPEG frame in,
// guidance out, without HTTP. It reports the median per frame.
func BenchmarkGuide(b *testing.B) {
	svc, _, _ := newService(b)
	src := boothtest.Load(b, boothtest.CompliantPortrait())
	frame := boothtest.JPEG(b, boothtest.Pad(boothtest.Resize(src, 360, 480), 640, 480), 85)
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := svc.Guide(context.Background(), frame); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds())/1000, "ms-median")
}
