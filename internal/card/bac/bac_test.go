package bac

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/sportello/sportello/internal/card/iso7816"
)

func h(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// ICAO 9303-11 Appendix D worked example.
var worked = Key{DocumentNumber: "L898902C", DateOfBirth: "690806", DateOfExpiry: "940623"}

const (
	rndIC    = "4608F91988702212"
	rndIFD   = "781723860C06C226"
	kIFD     = "0B795240CB7049B01C19B33E32804F0B"
	kIC      = "0B4F80323EB3191CB04970CB4052790B"
	cmdData  = "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7"
	respData = "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449"
)

func TestKeyDerivation(t *testing.T) {
	if got := worked.MRZInfo(); got != "L898902C<369080619406236" {
		t.Fatalf("MRZ info %q", got)
	}
	if got := worked.Seed(); !bytes.Equal(got, h("239AB9CB282DAF66231DC5A4DF6BFBAE")) {
		t.Fatalf("K_seed %X", got)
	}
	ks, err := deriveKeys(worked)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ks.mac, h("7962D9ECE03D1ACD4C76089DCE131543")) {
		t.Fatalf("Kmac %X", ks.mac)
	}
}

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		in   string
		want byte
	}{
		{"L898902C<", '3'}, {"690806", '1'}, {"940623", '6'}, {"CA00000AA", '4'}, {"", '0'},
	}
	for _, tt := range tests {
		if got := CheckDigit(tt.in); got != tt.want {
			t.Errorf("CheckDigit(%q) = %c, want %c", tt.in, got, tt.want)
		}
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"CA00000AA,850101,300101", true},
		{"ca00000aa, 850101 ,300101", true},
		{"CA00000AA,850101", false},
		{"CA00000AA,8501,300101", false},
		{"CA-0000AA,850101,300101", false},
		{"CA00000AAXX,850101,300101", false},
	}
	for _, tt := range tests {
		if _, err := ParseKey(tt.in); (err == nil) != tt.ok {
			t.Errorf("ParseKey(%q) err = %v", tt.in, err)
		}
	}
}

type script struct {
	t     *testing.T
	steps [][2]string
	i     int
}

func (s *script) Transmit(apdu []byte) ([]byte, error) {
	if s.i >= len(s.steps) || !bytes.Equal(apdu, h(s.steps[s.i][0])) {
		s.t.Fatalf("unexpected command %X at step %d", apdu, s.i)
	}
	s.i++
	return h(s.steps[s.i-1][1]), nil
}

func TestAuthenticateWorkedExample(t *testing.T) {
	card := &script{t: t, steps: [][2]string{
		{"0084000008", rndIC + "9000"},
		{"0082000028" + cmdData + "28", respData + "9000"},
	}}
	s, err := Authenticate(card, worked, bytes.NewReader(h(rndIFD+kIFD)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.SSC(), h("887022120C06C226")) {
		t.Fatalf("SSC %X", s.SSC())
	}
	// The session keys are those of Appendix D.3: the first protected command
	// must match the worked example byte for byte.
	w, err := s.WrapCommand(h("00A4020C02011E"))
	if err != nil || !bytes.Equal(w, h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")) {
		t.Fatalf("protected SELECT %X, %v", w, err)
	}
}

func TestChipWorkedExample(t *testing.T) {
	c, err := NewChip(worked)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Challenge(bytes.NewReader(h(rndIC))); err != nil {
		t.Fatal(err)
	}
	resp, s, err := c.ExternalAuthenticate(h(cmdData), bytes.NewReader(h(kIC)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resp, h(respData)) {
		t.Fatalf("chip cryptogram %X", resp)
	}
	if !bytes.Equal(s.SSC(), h("887022120C06C226")) {
		t.Fatalf("SSC %X", s.SSC())
	}
}

// chipCard puts the Chip behind a Transceiver for the negative cases.
type chipCard struct{ c *Chip }

func (cc chipCard) Transmit(apdu []byte) ([]byte, error) {
	cmd, err := iso7816.ParseCommand(apdu)
	if err != nil {
		return nil, err
	}
	switch cmd.INS {
	case 0x84:
		ch, err := cc.c.Challenge(rand.Reader)
		return append(ch, 0x90, 0x00), err
	case 0x82:
		resp, _, err := cc.c.ExternalAuthenticate(cmd.Data, rand.Reader)
		if err != nil {
			return []byte{0x63, 0x00}, nil
		}
		return append(resp, 0x90, 0x00), nil
	}
	return []byte{0x6D, 0x00}, nil
}

func TestAuthenticateAgainstChip(t *testing.T) {
	tests := []struct {
		name   string
		reader Key
		ok     bool
	}{
		{"same key", worked, true},
		{"wrong birth date", Key{"L898902C", "690807", "940623"}, false},
		{"wrong document", Key{"L898902D", "690806", "940623"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := NewChip(worked)
			_, err := Authenticate(chipCard{c}, tt.reader, rand.Reader)
			if tt.ok && err != nil {
				t.Fatal(err)
			}
			if !tt.ok && !errors.Is(err, ErrAuthFailed) {
				t.Fatalf("err = %v, want ErrAuthFailed", err)
			}
		})
	}
}

func TestChallengeUsedOnce(t *testing.T) {
	c, _ := NewChip(worked)
	_, _ = c.Challenge(bytes.NewReader(h(rndIC)))
	if _, _, err := c.ExternalAuthenticate(h(cmdData), rand.Reader); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ExternalAuthenticate(h(cmdData), rand.Reader); err == nil {
		t.Fatal("replayed EXTERNAL AUTHENTICATE accepted")
	}
}
