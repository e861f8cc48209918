package booth

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// Status is where a stored photo is in its life: stored (waiting for the counter),
// attached (taken into an application: only an admin may fetch it again), sent (the
// application went to the Ministry: the image is gone) or deleted (expired or removed).
type Status string

// The photo statuses, in the only order they can follow.
const (
	StatusStored   Status = "stored"
	StatusAttached Status = "attached"
	StatusSent     Status = "sent"
	StatusDeleted  Status = "deleted"
)

// Origin tells the clerk where a photo came from.
type Origin string

// Photos come from a booth or from the citizen's own upload.
const (
	OriginBooth  Origin = "booth"
	OriginUpload Origin = "upload"
)

// BlobCrop is the only stored image of a photo: the final CIE crop, encrypted.
const BlobCrop = "crop"

// Photo is the record of one stored CIE photo. It never holds the code, only its keyed
// hash; the image lives in encrypted blobs.
type Photo struct {
	ID          int64
	CodeHash    []byte
	Origin      Origin
	BoothID     int64  // 0 for uploads
	BoothName   string // filled on reads
	Status      Status
	Checks      Summary
	Width       int
	Height      int
	Size        int
	CreatedAt   time.Time
	ExpiresAt   time.Time
	AttachedAt  time.Time
	AttachedBy  string
	Application string // the application reference the clerk typed when attaching
	DeletedAt   time.Time
	DeleteNote  string
}

// Object is the photo's name in the audit log; never the code.
func (p *Photo) Object() string { return "photo:" + itoa(p.ID) }

// Available reports whether the image still exists and the code still works at now.
func (p *Photo) Available(now time.Time) bool {
	return (p.Status == StatusStored || p.Status == StatusAttached) && now.Before(p.ExpiresAt)
}

// Summary is what is kept of the checks: each check's outcome and measure, no pixels.
type Summary struct {
	Compliant bool           `json:"compliant"`
	Checks    []CheckSummary `json:"checks"`
}

// CheckSummary is one check as the desk shows it.
type CheckSummary struct {
	ID        string  `json:"id"`
	Status    string  `json:"status"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit,omitempty"`
	Threshold string  `json:"threshold"`
}

// Blob is one encrypted derivative of a photo.
type Blob struct {
	Kind  string
	Nonce []byte
	Data  []byte
}

// Device is a registered booth. Only the hash of its token is stored; the token is
// shown once to the admin who provisions the booth.
type Device struct {
	ID        int64
	Name      string
	Office    string // the office it stands in, printed on receipts
	TokenHash []byte
	Disabled  bool
	CreatedAt time.Time
}

// Store is what the service needs from persistence. Every change takes the audit entry
// to append in the same transaction, so a change is never recorded without its trail or
// the other way round. An empty entry Object is filled with the new row's name.
type Store interface {
	CreatePhoto(ctx context.Context, p *Photo, blobs []Blob, audit *model.AuditEntry) error
	PhotoByCodeHash(ctx context.Context, hash []byte) (*Photo, error)
	PhotoByID(ctx context.Context, id int64) (*Photo, error)
	PhotoBlob(ctx context.Context, id int64, kind string) (*Blob, error)
	AttachPhoto(ctx context.Context, id int64, by, application string, at time.Time, audit *model.AuditEntry) error
	DeletePhoto(ctx context.Context, id int64, status Status, note string, at time.Time, audit *model.AuditEntry) error
	ExpiredPhotos(ctx context.Context, now time.Time, limit int) ([]int64, error)

	CreateDevice(ctx context.Context, d *Device, audit *model.AuditEntry) error
	DeviceByTokenHash(ctx context.Context, hash []byte) (*Device, error)
	ListDevices(ctx context.Context) ([]*Device, error)
	SetDeviceDisabled(ctx context.Context, id int64, disabled bool, audit *model.AuditEntry) error
}
