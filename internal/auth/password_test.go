package auth

import (
	"bytes"
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Errorf("hash format %q", h)
	}
	if err := CheckPassword(h, "correct horse battery staple"); err != nil {
		t.Errorf("right password: %v", err)
	}
	if err := CheckPassword(h, "Correct horse battery staple"); err != ErrMismatch {
		t.Errorf("wrong password: %v", err)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Error("salt not random")
	}
	for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=19$m=1,t=1,p=1$!!$!!", "$argon2id$v=19$garbage$c2FsdA$a2V5"} {
		if err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestTokens(t *testing.T) {
	a, ha := NewToken()
	b, hb := NewToken()
	if a == b || bytes.Equal(ha, hb) || len(a) != 43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if !bytes.Equal(HashToken(a), ha) {
		t.Error("hash mismatch")
	}
	if p := RandomPassword(); len(p) != 16 || strings.ContainsAny(p, "0O1lI") {
		t.Errorf("password %q", p)
	}
}

func FuzzParseHash(f *testing.F) {
	good, _ := HashPassword("pw")
	f.Add(good)
	f.Add("$argon2id$v=19$m=4294967295,t=1,p=2$c29tZXNhbHRzb21lc2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5")
	f.Add("$argon2id$v=19$m=65536,t=1,p=2$$")
	f.Fuzz(func(t *testing.T, hash string) {
		ph, err := parseHash(hash)
		if err != nil {
			return
		}
		if ph.memory > 256*1024 || ph.time > 16 || len(ph.key) > 64 {
			t.Fatalf("unbounded parameters accepted: %+v", ph)
		}
	})
}
