package pace

import (
	"crypto/rand"
	"testing"
)

// BenchmarkAuthenticate measures a whole PACE run, reader and chip side
// together, for the CIE's DH variant and the ECDH one.
func BenchmarkAuthenticate(b *testing.B) {
	can, _ := CAN("123456")
	for _, info := range []Info{{DHGM3DES, 2, 2}, {ECDHGMAES128, 2, 12}, {ECDHGMAES128, 2, 13}} {
		b.Run(info.String(), func(b *testing.B) {
			chip := NewChip([]Info{info}, map[byte][]byte{RefCAN: can.Secret})
			for b.Loop() {
				if _, err := Authenticate(chipCard{chip}, info, can, rand.Reader); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
