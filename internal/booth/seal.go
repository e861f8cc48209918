package booth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Sealer encrypts stored photos and hashes retrieval codes. Both keys are derived from
// the app secret with HKDF under their own labels, so the secret itself never touches a
// photo and one derived key cannot be turned into the other.
type Sealer struct {
	aead    cipher.AEAD
	codeKey []byte
}

// NewSealer derives the photo keys from the 32-byte app secret.
func NewSealer(secret []byte) (*Sealer, error) {
	if len(secret) < 32 {
		return nil, errors.New("booth: secret must be at least 32 bytes")
	}
	encKey, err := hkdf.Key(sha256.New, secret, nil, "sportello photo encryption v1", 32)
	if err != nil {
		return nil, err
	}
	codeKey, err := hkdf.Key(sha256.New, secret, nil, "sportello photo code v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, codeKey: codeKey}, nil
}

// CodeHash is what the database keeps instead of the code: a keyed hash, so a copy of
// the database does not yield codes that unlock photos.
func (s *Sealer) CodeHash(c Code) []byte {
	m := hmac.New(sha256.New, s.codeKey)
	m.Write([]byte(c))
	return m.Sum(nil)
}

// Seal encrypts plain under a fresh random nonce. The additional data binds the
// ciphertext to its record, so a blob moved to another photo fails to open.
func (s *Sealer) Seal(ad, plain []byte) (nonce, sealed []byte, err error) {
	nonce = make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	return nonce, s.aead.Seal(nil, nonce, plain, ad), nil
}

// Open decrypts what Seal produced.
func (s *Sealer) Open(ad, nonce, sealed []byte) ([]byte, error) {
	if len(nonce) != s.aead.NonceSize() {
		return nil, errors.New("booth: bad nonce")
	}
	plain, err := s.aead.Open(nil, nonce, sealed, ad)
	if err != nil {
		return nil, fmt.Errorf("booth: photo does not decrypt (wrong key or altered data): %w", err)
	}
	return plain, nil
}
