// Package auth hashes operator passwords and makes session tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's 2023 minimum (m=19 MiB, t=2, p=1) is the floor;
// we use 64 MiB, t=1, p=2 which fits 2 cores and takes ~50-100 ms.
const (
	argonTime    = 1
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword returns a PHC-style argon2id string with a random salt.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// ErrMismatch is returned for a wrong password.
var ErrMismatch = errors.New("password does not match")

// CheckPassword compares pw with a hash made by HashPassword, in constant time.
func CheckPassword(hash, pw string) error {
	ph, err := parseHash(hash)
	if err != nil {
		return err
	}
	got := argon2.IDKey([]byte(pw), ph.salt, ph.time, ph.memory, ph.threads, uint32(len(ph.key)))
	if subtle.ConstantTimeCompare(got, ph.key) != 1 {
		return ErrMismatch
	}
	return nil
}

type parsedHash struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parseHash reads a PHC argon2id string and bounds its parameters: a corrupted or
// planted hash must not make a login allocate gigabytes.
func parseHash(hash string) (*parsedHash, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return nil, errors.New("unknown password hash format")
	}
	var ph parsedHash
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &ph.memory, &ph.time, &ph.threads); err != nil {
		return nil, fmt.Errorf("bad hash parameters: %w", err)
	}
	if ph.memory < 8 || ph.memory > 256*1024 || ph.time < 1 || ph.time > 16 || ph.threads < 1 || ph.threads > 16 {
		return nil, errors.New("hash parameters out of range")
	}
	var err error
	if ph.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(ph.salt) < 8 {
		return nil, errors.New("bad hash salt")
	}
	if ph.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(ph.key) < 16 || len(ph.key) > 64 {
		return nil, errors.New("bad hash key")
	}
	return &ph, nil
}

// NewToken returns a random URL-safe token (256 bits) and its SHA-256, which is what
// gets stored: a stolen database copy gives no usable session.
func NewToken() (token string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the stored form of a token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// RandomPassword makes a one-time password for a new account: 16 characters from an
// alphabet without look-alikes.
func RandomPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
