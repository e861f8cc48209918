package model

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// AuditEntry is one row of the append-only, hash-chained audit log: who did what to
// which record, when and from where. Hash covers every other field and PrevHash.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    string // "user:alice", "booth:3", "citizen", "system"
	Action   string // "photo.download", "user.create", …
	Object   string // "photo:K7M2…", "user:12"
	IP       string
	Detail   string
	PrevHash []byte
	Hash     []byte
}

// Job is one unit of background work stored in the database so it survives restarts.
type Job struct {
	ID          int64
	Kind        string
	Payload     []byte
	RunAt       time.Time
	Attempts    int
	MaxAttempts int
	LastError   string
	State       string // queued, running, done, failed
}

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// ComputeHash returns SHA-256 over the previous hash and every field of the entry in a
// fixed, length-prefixed encoding, so no two different rows can hash alike.
func (e *AuditEntry) ComputeHash() []byte {
	h := sha256.New()
	var buf [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(b)))
		h.Write(buf[:])
		h.Write(b)
	}
	binary.BigEndian.PutUint64(buf[:], uint64(e.ID))
	put(buf[:])
	binary.BigEndian.PutUint64(buf[:], uint64(e.At.UnixMicro()))
	put(buf[:])
	put([]byte(e.Actor))
	put([]byte(e.Action))
	put([]byte(e.Object))
	put([]byte(e.IP))
	put([]byte(e.Detail))
	put(e.PrevHash)
	return h.Sum(nil)
}
