package outreach

import (
	"encoding/hex"
	"testing"
)

// TestNewNonces: a batch of nonces is as a nonce each, and all differ.
func TestNewNonces(t *testing.T) {
	ns := newNonces(5000)
	seen := make(map[string]bool, len(ns))
	for _, n := range ns {
		if b, err := hex.DecodeString(n); err != nil || len(b) != 16 {
			t.Fatalf("nonce %q: %v", n, err)
		}
		if seen[n] {
			t.Fatalf("nonce %q twice", n)
		}
		seen[n] = true
	}
	if len(ns) != 5000 || len(newNonce()) != 32 {
		t.Fatalf("%d nonces", len(ns))
	}
}
