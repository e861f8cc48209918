package booth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/photo"
)

// Service is the booth, upload and desk logic over a Store and the photo engine.
type Service struct {
	Store     Store
	Engine    *photo.Engine
	Sealer    *Sealer
	Retention time.Duration
	Now       func() time.Time
	Log       *slog.Logger

	pending *pendingSet
}

// NewService wires a service; retention is config.PhotoRetention.
func NewService(st Store, eng *photo.Engine, sealer *Sealer, retention time.Duration, log *slog.Logger) *Service {
	return &Service{Store: st, Engine: eng, Sealer: sealer, Retention: retention, Now: time.Now, Log: log, pending: newPendingSet(64, 10*time.Minute)}
}

// Actor says who does something and from where, for the audit log.
type Actor struct {
	Name string // "user:alice", "booth:3", "citizen", "system"
	IP   string
}

func (a Actor) entry(action, object, detail string) *model.AuditEntry {
	return &model.AuditEntry{Actor: a.Name, Action: action, Object: object, IP: a.IP, Detail: detail}
}

// Guide checks one preview frame and says what the person should do.
func (s *Service) Guide(ctx context.Context, frame []byte) (*Guidance, error) {
	rep, err := s.Engine.Check(ctx, bytes.NewReader(frame))
	if err != nil {
		return nil, inputErr(err)
	}
	g := GuidanceFrom(rep)
	return &g, nil
}

// Verdict is the outcome of checking a full photo: the report always, the crop when one
// could be cut. Only a compliant report with a crop may be stored.
type Verdict struct {
	Report *photo.Report
	Crop   *photo.Cropped
}

// OK reports whether the photo can be stored.
func (v *Verdict) OK() bool { return v.Crop != nil && v.Report != nil && v.Report.Compliant }

// Judge checks and crops a full photo. An error means the input could not be read
// (a *model.Error with the engine's bilingual reason) or the engine failed.
func (s *Service) Judge(ctx context.Context, img []byte) (*Verdict, error) {
	crop, err := s.Engine.Crop(ctx, bytes.NewReader(img))
	if err == nil {
		return &Verdict{Report: crop.Source, Crop: crop}, nil
	}
	if !errors.Is(err, photo.ErrNoCrop) {
		return nil, inputErr(err)
	}
	// No crop: check again for the report that explains why.
	rep, err := s.Engine.Check(ctx, bytes.NewReader(img))
	if err != nil {
		return nil, inputErr(err)
	}
	return &Verdict{Report: rep}, nil
}

// inputErr turns the engine's refusals into application errors whose message carries
// both languages; other failures stay internal.
func inputErr(err error) error {
	var ie *photo.InputError
	if !errors.As(err, &ie) {
		return err
	}
	code := model.EINVALID
	switch {
	case errors.Is(err, photo.ErrTooLarge):
		code = model.ETOOLARGE
	case errors.Is(err, photo.ErrUnsupported), errors.Is(err, photo.ErrNotImage):
		code = model.EUNSUPPORTED
	}
	return &model.Error{Code: code, Field: "photo", Message: ie.IT + " / " + ie.EN, Err: err}
}

// Stored is a photo just saved with the code that retrieves it: the only moment the code
// exists in clear on the server.
type Stored struct {
	Photo *Photo
	Code  Code
	JPEG  []byte
}

// Save encrypts and stores a compliant crop with a fresh code.
func (s *Service) Save(ctx context.Context, v *Verdict, origin Origin, boothID int64, who Actor) (*Stored, error) {
	if !v.OK() {
		return nil, model.Errorf(model.EINVALID, "the photo is not compliant and cannot be stored")
	}
	now := s.Now().UTC()
	for attempt := 0; ; attempt++ {
		code := NewCode()
		p := &Photo{
			CodeHash: s.Sealer.CodeHash(code), Origin: origin, BoothID: boothID, Status: StatusStored,
			Checks: SummaryOf(v.Report), Width: v.Crop.Width, Height: v.Crop.Height, Size: len(v.Crop.JPEG),
			CreatedAt: now, ExpiresAt: now.Add(s.Retention),
		}
		nonce, sealed, err := s.Sealer.Seal(blobAD(p.CodeHash, BlobCrop), v.Crop.JPEG)
		if err != nil {
			return nil, err
		}
		err = s.Store.CreatePhoto(ctx, p, []Blob{{Kind: BlobCrop, Nonce: nonce, Data: sealed}},
			who.entry("photo.store", "", "origin="+string(origin)+" expires="+p.ExpiresAt.Format(time.DateOnly)))
		if errors.Is(err, model.ErrConflict) && attempt < 3 { // a code hash collision: draw again
			continue
		}
		if err != nil {
			return nil, err
		}
		s.Log.Info("photo stored", "photo_id", p.ID, "origin", string(origin), "booth_id", boothID, "bytes", p.Size)
		return &Stored{Photo: p, Code: code, JPEG: v.Crop.JPEG}, nil
	}
}

func blobAD(codeHash []byte, kind string) []byte {
	return append(append([]byte(kind), ':'), codeHash...)
}

// Lookup finds the photo a code names. A photo whose image is gone or whose code has
// expired is model.ErrNotFound, as if it had never existed.
func (s *Service) Lookup(ctx context.Context, c Code) (*Photo, error) {
	p, err := s.Store.PhotoByCodeHash(ctx, s.Sealer.CodeHash(c))
	if err != nil {
		return nil, err
	}
	if !p.Available(s.Now()) {
		return nil, fmt.Errorf("photo %d %s: %w", p.ID, p.Status, model.ErrNotFound)
	}
	return p, nil
}

// Image decrypts the stored crop of an available photo. The caller audits the access.
func (s *Service) Image(ctx context.Context, p *Photo) ([]byte, error) {
	if !p.Available(s.Now()) {
		return nil, fmt.Errorf("photo %d: %w", p.ID, model.ErrNotFound)
	}
	b, err := s.Store.PhotoBlob(ctx, p.ID, BlobCrop)
	if err != nil {
		return nil, err
	}
	return s.Sealer.Open(blobAD(p.CodeHash, BlobCrop), b.Nonce, b.Data)
}

// Attach marks a stored photo as taken into an application. From then on only an admin
// may fetch it, and marking the application sent deletes it.
func (s *Service) Attach(ctx context.Context, p *Photo, application string, who Actor) error {
	application = strings.TrimSpace(application)
	if len(application) > 64 {
		return model.FieldError("application", "Riferimento troppo lungo / Reference too long")
	}
	if p.Status != StatusStored {
		return fmt.Errorf("photo %d is %s: %w", p.ID, p.Status, model.ErrConflict)
	}
	detail := "application=" + application
	return s.Store.AttachPhoto(ctx, p.ID, who.Name, application, s.Now().UTC(), who.entry("photo.attach", p.Object(), detail))
}

// MarkSent records that the application went out and deletes the image at once.
func (s *Service) MarkSent(ctx context.Context, p *Photo, who Actor) error {
	if p.Status != StatusAttached {
		return model.Errorf(model.ECONFLICT, "Prima alleghi la foto a una pratica / Attach the photo to an application first")
	}
	err := s.Store.DeletePhoto(ctx, p.ID, StatusSent, "application sent", s.Now().UTC(), who.entry("photo.delete", p.Object(), "application sent"))
	if err == nil {
		s.Log.Info("photo deleted", "photo_id", p.ID, "reason", "application_sent")
	}
	return err
}

// Delete removes a photo's image and every derivative (an admin's decision).
func (s *Service) Delete(ctx context.Context, p *Photo, note string, who Actor) error {
	if p.Status == StatusDeleted || p.Status == StatusSent {
		return nil
	}
	return s.Store.DeletePhoto(ctx, p.ID, StatusDeleted, note, s.Now().UTC(), who.entry("photo.delete", p.Object(), note))
}

// Expire deletes every photo past its expiry, attached or not (the retention cap is
// absolute), and audits each deletion as the system's. It returns how many it deleted.
func (s *Service) Expire(ctx context.Context) (int, error) {
	n := 0
	for {
		ids, err := s.Store.ExpiredPhotos(ctx, s.Now(), 200)
		if err != nil || len(ids) == 0 {
			return n, err
		}
		for _, id := range ids {
			obj := "photo:" + itoa(id)
			err := s.Store.DeletePhoto(ctx, id, StatusDeleted, "expired", s.Now().UTC(),
				&model.AuditEntry{Actor: "system", Action: "photo.delete", Object: obj, Detail: "expired"})
			if errors.Is(err, model.ErrConflict) {
				continue // another instance, or a clerk marking it sent, got there first
			}
			if err != nil {
				return n, err
			}
			n++
			s.Log.Info("photo deleted", "photo_id", id, "reason", "expired")
		}
	}
}

// NewDevice registers a booth and returns its token, to be entered once on the booth.
func (s *Service) NewDevice(ctx context.Context, name, office string, who Actor) (*Device, string, error) {
	name, office = strings.TrimSpace(name), strings.TrimSpace(office)
	if name == "" || len(name) > 100 {
		return nil, "", model.FieldError("name", "Nome della postazione: da 1 a 100 caratteri / Booth name: 1 to 100 characters")
	}
	if len(office) > 200 {
		return nil, "", model.FieldError("office", "Ufficio troppo lungo / Office too long")
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return nil, "", err
	}
	token := "sbt_" + base64.RawURLEncoding.EncodeToString(b)
	d := &Device{Name: name, Office: office, TokenHash: TokenHash(token), CreatedAt: s.Now().UTC()}
	if err := s.Store.CreateDevice(ctx, d, who.entry("booth.create", "", "name="+name)); err != nil {
		return nil, "", err
	}
	return d, token, nil
}

// TokenHash is the stored form of a booth token. Tokens carry 192 random bits, so a
// plain hash is enough: there is nothing to guess offline.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Device authenticates a booth by its token; disabled or unknown booths are refused.
func (s *Service) Device(ctx context.Context, token string) (*Device, error) {
	if !strings.HasPrefix(token, "sbt_") || len(token) > 100 {
		return nil, model.Errorf(model.EUNAUTHORIZED, "booth not registered")
	}
	d, err := s.Store.DeviceByTokenHash(ctx, TokenHash(token))
	if errors.Is(err, model.ErrNotFound) || (err == nil && d.Disabled) {
		return nil, model.Errorf(model.EUNAUTHORIZED, "booth not registered or disabled")
	}
	return d, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
