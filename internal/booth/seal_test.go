package booth

import (
	"bytes"
	"testing"
)

func TestSealer(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	s, err := NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("\xff\xd8 a jpeg")
	nonce, sealed, err := s.Seal([]byte("crop:abc"), plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, plain) {
		t.Fatal("ciphertext contains the plaintext")
	}
	got, err := s.Open([]byte("crop:abc"), nonce, sealed)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := s.Open([]byte("crop:xyz"), nonce, sealed); err == nil {
		t.Error("a blob opened under another record's data")
	}
	sealed[0] ^= 1
	if _, err := s.Open([]byte("crop:abc"), nonce, sealed); err == nil {
		t.Error("an altered blob opened")
	}
	n2, _, _ := s.Seal(nil, plain)
	if bytes.Equal(nonce, n2) {
		t.Error("nonce reused")
	}
	other, _ := NewSealer(bytes.Repeat([]byte{8}, 32))
	if bytes.Equal(s.CodeHash("K7M29QXD4TB5"), other.CodeHash("K7M29QXD4TB5")) {
		t.Error("code hash does not depend on the secret")
	}
	if _, err := NewSealer([]byte("short")); err == nil {
		t.Error("short secret accepted")
	}
}
