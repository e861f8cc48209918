package captcha

import (
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	altcha "github.com/altcha-org/altcha-lib-go"
)

func newTest() *Service {
	s := New([]byte("0123456789abcdef0123456789abcdef"))
	s.MaxNumber = 2000
	return s
}

func TestSolveVerifyOnce(t *testing.T) {
	s := newTest()
	c, err := s.Challenge()
	if err != nil {
		t.Fatal(err)
	}
	p, err := Solve(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(p); err != nil {
		t.Fatalf("valid solution refused: %v", err)
	}
	if err := s.Verify(p); err == nil {
		t.Fatal("replayed solution accepted")
	}
}

func TestVerifyRefuses(t *testing.T) {
	s := newTest()
	c, _ := s.Challenge()
	good, _ := Solve(c)
	raw, _ := base64.StdEncoding.DecodeString(good)
	var p altcha.Payload
	_ = json.Unmarshal(raw, &p)
	enc := func(p altcha.Payload) string {
		b, _ := json.Marshal(p)
		return base64.StdEncoding.EncodeToString(b)
	}
	wrong := p
	wrong.Number++
	otherKey := New([]byte("another secret another secret 12"))
	oc, _ := otherKey.Challenge()
	foreign, _ := Solve(oc)
	noExp, _ := altcha.CreateChallenge(altcha.ChallengeOptions{MaxNumber: 100, HMACKey: s.key})
	noExpPayload, _ := Solve(noExp)
	past := time.Now().Add(-time.Minute)
	old, _ := altcha.CreateChallenge(altcha.ChallengeOptions{MaxNumber: 100, HMACKey: s.key, Expires: &past})
	oldPayload, _ := Solve(old)
	for name, payload := range map[string]string{
		"empty": "", "not base64": "%%%", "not json": base64.StdEncoding.EncodeToString([]byte("{")),
		"wrong number": enc(wrong), "other server": foreign, "no expiry": noExpPayload, "expired": oldPayload,
	} {
		if err := s.Verify(payload); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzVerify(f *testing.F) {
	s := newTest()
	c, _ := s.Challenge()
	p, _ := Solve(c)
	f.Add(p)
	f.Add("eyJ9")
	f.Fuzz(func(t *testing.T, payload string) {
		_ = s.Verify(payload)
	})
}
