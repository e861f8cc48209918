package iso7816

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func h(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestCommandBytes(t *testing.T) {
	long := bytes.Repeat([]byte{0xAB}, 300)
	tests := []struct {
		name string
		cmd  Command
		want []byte
	}{
		{"case 1", Command{0x00, 0x84, 0, 0, nil, 0}, h("00840000")},
		{"case 2 short", Command{0x00, 0x84, 0, 0, nil, 8}, h("0084000008")},
		{"case 2 Le 256", Command{0x00, 0xB0, 0, 0, nil, 256}, h("00B0000000")},
		{"case 3 short", Command{0x00, 0xA4, 2, 0x0C, h("011E"), 0}, h("00A4020C02011E")},
		{"case 4 short", Command{0x00, 0x88, 0, 0, h("0102"), 256}, h("00880000020102" + "00")},
		{"case 2 extended", Command{0x00, 0xB0, 0, 0, nil, 1000}, h("00B000000003E8")},
		{"case 4 extended", Command{0x10, 0x86, 0, 0, long, 65536}, append(append(h("10860000"+"00012C"), long...), 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cmd.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("got %X, want %X", got, tt.want)
			}
			back, err := ParseCommand(got)
			if err != nil {
				t.Fatal(err)
			}
			if back.CLA != tt.cmd.CLA || back.INS != tt.cmd.INS || back.P1 != tt.cmd.P1 || back.P2 != tt.cmd.P2 ||
				!bytes.Equal(back.Data, tt.cmd.Data) || back.Ne != tt.cmd.Ne {
				t.Fatalf("round trip: got %+v, want %+v", back, tt.cmd)
			}
		})
	}
}

func TestParseCommandRejects(t *testing.T) {
	for _, in := range []string{"", "00A4", "00A4020C05011E", "00A4020C0000", "00B000000000"} {
		if _, err := ParseCommand(h(in)); err == nil {
			t.Errorf("ParseCommand(%s) accepted", in)
		}
	}
}

func TestParseResponse(t *testing.T) {
	tests := []struct {
		in   string
		data string
		sw   uint16
		ok   bool
	}{
		{"9000", "", 0x9000, true},
		{"01029000", "0102", 0x9000, true},
		{"6A82", "", 0x6A82, true},
		{"90", "", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		r, err := ParseResponse(h(tt.in))
		if (err == nil) != tt.ok {
			t.Fatalf("%s: err = %v", tt.in, err)
		}
		if !tt.ok {
			continue
		}
		if r.SW != tt.sw || !bytes.Equal(r.Data, h(tt.data)) {
			t.Errorf("%s: got %X %04X", tt.in, r.Data, r.SW)
		}
		if !bytes.Equal(r.Bytes(), h(tt.in)) {
			t.Errorf("%s: Bytes() = %X", tt.in, r.Bytes())
		}
	}
}

// script is a card that expects fixed commands and gives fixed answers.
type script struct {
	t     *testing.T
	steps [][2]string
	i     int
}

func (s *script) Transmit(apdu []byte) ([]byte, error) {
	s.t.Helper()
	if s.i >= len(s.steps) {
		s.t.Fatalf("unexpected command %X", apdu)
	}
	st := s.steps[s.i]
	s.i++
	if !bytes.Equal(apdu, h(st[0])) {
		s.t.Fatalf("command %d: got %X, want %s", s.i, apdu, st[0])
	}
	return h(st[1]), nil
}

func TestSendStatusHandling(t *testing.T) {
	tests := []struct {
		name  string
		cmd   Command
		steps [][2]string
		data  string
		sw    uint16
	}{
		{"plain", Command{0, 0x84, 0, 0, nil, 8}, [][2]string{{"0084000008", "01020304050607089000"}}, "0102030405060708", 0x9000},
		{"61xx fetches the rest", Command{0, 0x88, 0, 0, h("AABB"), 256},
			[][2]string{{"0088000002AABB00", "6104"}, {"00C0000004", "DEADBEEF9000"}}, "DEADBEEF", 0x9000},
		{"61xx twice", Command{0, 0x88, 0, 0, h("AABB"), 256},
			[][2]string{{"0088000002AABB00", "01026102"}, {"00C0000002", "03046101"}, {"00C0000001", "059000"}}, "0102030405", 0x9000},
		{"6Cxx repeats with exact Le", Command{0, 0xB0, 0x81, 0, nil, 256},
			[][2]string{{"00B0810000", "6C0C"}, {"00B081000C", "3132333435363738393031329000"}}, "313233343536373839303132", 0x9000},
		{"6Cxx after a command with data is not repeated", Command{0x10, 0x86, 0, 0, h("7C00"), 256},
			[][2]string{{"10860000027C0000", "6C00"}}, "", 0x6C00},
		{"error passes through", Command{0, 0xA4, 4, 0x0C, h("A0000002471001"), 0},
			[][2]string{{"00A4040C07A0000002471001", "6A82"}}, "", 0x6A82},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{t: t, steps: tt.steps}
			r, err := Send(s, tt.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if r.SW != tt.sw || !bytes.Equal(r.Data, h(tt.data)) {
				t.Fatalf("got %X %04X", r.Data, r.SW)
			}
			if s.i != len(s.steps) {
				t.Fatalf("used %d of %d steps", s.i, len(s.steps))
			}
			if tt.sw != 0x9000 {
				if err := r.Err("select"); !IsSW(err, tt.sw) {
					t.Fatalf("Err() = %v", err)
				}
			}
		})
	}
}

type endless struct{}

func (endless) Transmit([]byte) ([]byte, error) { return h("6101"), nil }

func TestSendStopsEndless61xx(t *testing.T) {
	if _, err := Send(endless{}, Command{INS: 0x88, Ne: 256}); err == nil {
		t.Fatal("endless 61xx accepted")
	}
}

func FuzzParseResponse(f *testing.F) {
	f.Add(h("9000"))
	f.Add(h("01029000"))
	f.Add(h("61"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if err != nil {
			if len(b) >= 2 {
				t.Fatalf("rejected %X", b)
			}
			return
		}
		if !bytes.Equal(r.Bytes(), b) {
			t.Fatalf("round trip %X -> %X", b, r.Bytes())
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	f.Add(h("00A4020C02011E"))
	f.Add(h("00B000000003E8"))
	f.Add(h("0088000002AABB00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCommand(b)
		if err != nil {
			return
		}
		enc, err := c.Bytes()
		if err != nil {
			t.Fatalf("parsed %X but cannot encode: %v", b, err)
		}
		c2, err := ParseCommand(enc)
		if err != nil || !bytes.Equal(c2.Data, c.Data) || c2.Ne != c.Ne {
			t.Fatalf("re-encoding %X gives %X (%v)", b, enc, err)
		}
	})
}
