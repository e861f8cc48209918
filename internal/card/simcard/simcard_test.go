package simcard

import (
	"bytes"
	"testing"

	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/mrz"
)

func TestHolderMRZIsValid(t *testing.T) {
	h := DemoHolder()
	lines := h.MRZ()
	m, err := mrz.Parse(lines[:])
	if err != nil {
		t.Fatal(err)
	}
	if !m.Valid() {
		t.Fatalf("check digits: %+v", m.Checks)
	}
	if m.DocumentNumber != h.DocumentNumber || m.BirthDate != h.BirthDate || m.Surname != "ROSSI" {
		t.Fatalf("%+v", m)
	}
	if m.BACSeed() != (Profile{MRZKey: keyOf(h)}).MRZKey.MRZInfo() {
		t.Fatalf("BAC seed %q differs from %q", m.BACSeed(), keyOf(h).MRZInfo())
	}
}

func TestATRChecksum(t *testing.T) {
	c, err := New(Profile{})
	if err != nil {
		t.Fatal(err)
	}
	atr := c.ATR()
	x := byte(0)
	for _, b := range atr[1:] {
		x ^= b
	}
	if atr[0] != 0x3B || x != 0 {
		t.Fatalf("ATR %X: TCK does not check", atr)
	}
}

func TestCommandHandling(t *testing.T) {
	c, err := New(Profile{NIS: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, cmd, resp string
	}{
		{"NIS before select", "00B081000C", "6A82"},
		{"unknown AID", "00A4040C03010203", "6A82"},
		{"CIE before IAS", "00A4040C06A00000000039", "6A82"},
		{"IAS", "00A4040C0DA0000000308000000009816001", "9000"},
		{"CIE", "00A4040C06A00000000039", "9000"},
		{"NIS", "00B081000C", "3132333435363738393031329000"},
		{"NIS tail with short Le", "00B0000A04", "31326282"},
		{"beyond end", "00B0002000", "6B00"},
		{"internal auth without key", "0088000010" + "00112233445566778899AABBCCDDEEFF" + "00", "6985"},
		{"unknown INS", "00FF0000", "6D00"},
		{"protected without session", "0CB0000000", "6987"},
		{"GET CHALLENGE outside eMRTD", "0084000008", "6985"},
		{"garbage", "00", "6700"},
	}
	for _, tt := range tests {
		got, err := c.Transmit(h(tt.cmd))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !bytes.Equal(got, h(tt.resp)) {
			t.Fatalf("%s: got %X, want %s", tt.name, got, tt.resp)
		}
	}
	c.Reset()
	if got, _ := c.Transmit(h("00B081000C")); !bytes.Equal(got, h("6A82")) {
		t.Fatalf("after reset: %X", got)
	}
}

func TestGetChallengeAsksForExactLength(t *testing.T) {
	c, err := New(Profile{MRZKey: keyOf(DemoHolder())})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Transmit(h("00A4040C07A0000002471001")); err != nil {
		t.Fatal(err)
	}
	r, err := iso7816.Send(c, iso7816.Command{INS: 0x84, Ne: 256})
	if err != nil || !r.OK() || len(r.Data) != 8 {
		t.Fatalf("GET CHALLENGE with Le 00: %X %04X %v", r.Data, r.SW, err)
	}
}
