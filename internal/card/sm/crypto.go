package sm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
)

// Alg is the block cipher of a secure messaging session.
type Alg int

// The ciphers ICAO 9303-11 allows for secure messaging.
const (
	TDES Alg = iota
	AES128
	AES192
	AES256
)

// String names the cipher for logs and CLI output.
func (a Alg) String() string {
	switch a {
	case TDES:
		return "3DES"
	case AES128:
		return "AES-128"
	case AES192:
		return "AES-192"
	case AES256:
		return "AES-256"
	}
	return fmt.Sprintf("Alg(%d)", int(a))
}

// KeyLen is the session key length in bytes.
func (a Alg) KeyLen() int {
	switch a {
	case AES192:
		return 24
	case AES256:
		return 32
	}
	return 16
}

// BlockSize is the cipher block size, which is also the SSC length.
func (a Alg) BlockSize() int {
	if a == TDES {
		return 8
	}
	return 16
}

// KDF counters of ICAO 9303-11 §9.7.1.
const (
	KDFEnc uint32 = 1
	KDFMAC uint32 = 2
	KDFPI  uint32 = 3
)

// KDF derives a key from a shared secret as ICAO 9303-11 §9.7.1 defines:
// SHA-1 for 3DES and AES-128, SHA-256 for the longer AES keys; 3DES keys get
// odd DES parity, as the BAC worked example shows.
func KDF(alg Alg, secret []byte, counter uint32) []byte {
	in := make([]byte, 0, len(secret)+4)
	in = append(in, secret...)
	in = append(in, byte(counter>>24), byte(counter>>16), byte(counter>>8), byte(counter))
	var sum []byte
	if alg == AES192 || alg == AES256 {
		s := sha256.Sum256(in)
		sum = s[:]
	} else {
		s := sha1.Sum(in)
		sum = s[:]
	}
	key := append([]byte(nil), sum[:alg.KeyLen()]...)
	if alg == TDES {
		adjustParity(key)
	}
	return key
}

func adjustParity(key []byte) {
	for i, b := range key {
		ones := 0
		for v := b >> 1; v != 0; v >>= 1 {
			ones += int(v & 1)
		}
		key[i] = b&0xFE | byte(1-ones%2)
	}
}

// Pad applies ISO 9797-1 padding method 2 (80 then zeros) to a whole block.
func Pad(b []byte, blockSize int) []byte {
	out := make([]byte, len(b), len(b)+blockSize)
	copy(out, b)
	out = append(out, 0x80)
	for len(out)%blockSize != 0 {
		out = append(out, 0)
	}
	return out
}

// ErrPadding means decrypted data did not end in ISO 9797-1 method 2 padding.
var ErrPadding = errors.New("sm: bad padding")

// Unpad removes ISO 9797-1 padding method 2.
func Unpad(b []byte) ([]byte, error) {
	for i := len(b) - 1; i >= 0; i-- {
		switch b[i] {
		case 0x00:
			continue
		case 0x80:
			return b[:i], nil
		}
		break
	}
	return nil, ErrPadding
}

// MAC computes the 8-byte message authentication code of ICAO 9303-11: the
// ISO 9797-1 MAC algorithm 3 (retail MAC) for 3DES, AES-CMAC for AES. The input
// must already be padded for 3DES; CMAC handles partial blocks itself.
func MAC(alg Alg, key, data []byte) ([]byte, error) {
	if alg == TDES {
		return retailMAC(key, data)
	}
	return cmac(key, data)
}

// Equal compares MACs in constant time.
func Equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

func retailMAC(key, data []byte) ([]byte, error) {
	if len(key) != 16 {
		return nil, fmt.Errorf("sm: retail MAC key of %d bytes", len(key))
	}
	if len(data) == 0 || len(data)%8 != 0 {
		return nil, errors.New("sm: retail MAC input not padded")
	}
	k1, err := des.NewCipher(key[:8])
	if err != nil {
		return nil, err
	}
	k2, err := des.NewCipher(key[8:16])
	if err != nil {
		return nil, err
	}
	h := make([]byte, 8)
	for i := 0; i < len(data); i += 8 {
		subtle.XORBytes(h, h, data[i:i+8])
		k1.Encrypt(h, h)
	}
	k2.Decrypt(h, h)
	k1.Encrypt(h, h)
	return h, nil
}

// cmac is AES-CMAC (RFC 4493, NIST SP 800-38B) truncated to 8 bytes.
func cmac(key, data []byte) ([]byte, error) {
	c, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	l := make([]byte, 16)
	c.Encrypt(l, l)
	k1 := dbl(l)
	k2 := dbl(k1)
	n := (len(data) + 15) / 16
	last := make([]byte, 16)
	if n > 0 && len(data)%16 == 0 {
		subtle.XORBytes(last, data[(n-1)*16:], k1)
	} else {
		if n == 0 {
			n = 1
		}
		rest := data[(n-1)*16:]
		copy(last, rest)
		last[len(rest)] = 0x80
		subtle.XORBytes(last, last, k2)
	}
	x := make([]byte, 16)
	for i := 0; i < n-1; i++ {
		subtle.XORBytes(x, x, data[i*16:i*16+16])
		c.Encrypt(x, x)
	}
	subtle.XORBytes(x, x, last)
	c.Encrypt(x, x)
	return x[:8], nil
}

func dbl(b []byte) []byte {
	out := make([]byte, 16)
	carry := byte(0)
	for i := 15; i >= 0; i-- {
		out[i] = b[i]<<1 | carry
		carry = b[i] >> 7
	}
	if carry != 0 {
		out[15] ^= 0x87
	}
	return out
}

// NewBlock makes the block cipher for a session key: two-key 3DES (K1 K2 K1) or AES.
func NewBlock(alg Alg, key []byte) (cipher.Block, error) {
	if alg == TDES {
		if len(key) != 16 {
			return nil, fmt.Errorf("sm: 3DES key of %d bytes", len(key))
		}
		k := make([]byte, 0, 24)
		k = append(k, key...)
		k = append(k, key[:8]...)
		return des.NewTripleDESCipher(k)
	}
	if len(key) != alg.KeyLen() {
		return nil, fmt.Errorf("sm: %s key of %d bytes", alg, len(key))
	}
	return aes.NewCipher(key)
}

// EncryptCBC encrypts block-aligned data in CBC mode with the given IV (nil is zero).
func EncryptCBC(b cipher.Block, iv, data []byte) []byte {
	if iv == nil {
		iv = make([]byte, b.BlockSize())
	}
	out := make([]byte, len(data))
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, data)
	return out
}

// DecryptCBC decrypts block-aligned data in CBC mode with the given IV (nil is zero).
func DecryptCBC(b cipher.Block, iv, data []byte) ([]byte, error) {
	if len(data) == 0 || len(data)%b.BlockSize() != 0 {
		return nil, fmt.Errorf("sm: ciphertext of %d bytes is not whole blocks", len(data))
	}
	if iv == nil {
		iv = make([]byte, b.BlockSize())
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, data)
	return out, nil
}
