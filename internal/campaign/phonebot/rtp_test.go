package phonebot

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/testenv"
)

func TestRTPRoundTrip(t *testing.T) {
	in := rtpPacket{Marker: true, Type: 101, Seq: 65535, Timestamp: 1 << 31, SSRC: 0xdeadbeef, Payload: []byte{1, 0x8a, 0x01, 0x40}}
	out, err := parseRTP(appendRTP(nil, in))
	if err != nil || out.Marker != in.Marker || out.Type != in.Type || out.Seq != in.Seq || out.Timestamp != in.Timestamp || out.SSRC != in.SSRC || !bytes.Equal(out.Payload, in.Payload) {
		t.Fatalf("%+v %v", out, err)
	}
	// a CSRC, an extension of one word and two bytes of padding around the payload
	b := []byte{0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9, 9, 9, 9, 0xbe, 0xde, 0, 1, 7, 7, 7, 7, 0xaa, 0xbb, 0, 2}
	p, err := parseRTP(b)
	if err != nil || !bytes.Equal(p.Payload, []byte{0xaa, 0xbb}) {
		t.Fatalf("payload %x %v", p.Payload, err)
	}
	for _, bad := range [][]byte{nil, make([]byte, 11), {0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200}} {
		if _, err := parseRTP(bad); err == nil {
			t.Errorf("accepted % x", bad)
		}
	}
}

// TestDTMFDetector feeds what sipp's recordings contain: per key, updates with one
// timestamp then the end packet three times; the same key twice repeats everything.
func TestDTMFDetector(t *testing.T) {
	press := func(ts uint32, ev byte) []rtpPacket {
		var ps []rtpPacket
		for i, d := range []uint16{0, 320, 640, 960, 960, 960} {
			end := byte(0)
			if i >= 3 {
				end = 0x80
			}
			ps = append(ps, rtpPacket{Type: 101, Timestamp: ts, Payload: []byte{ev, end | 10, byte(d >> 8), byte(d)}})
		}
		return ps
	}
	var stream []rtpPacket
	stream = append(stream, press(100, 1)...)
	stream = append(stream, press(100, 1)...) // the same recording played again
	stream = append(stream, press(900, 11)...)
	lost := press(1700, 5)
	stream = append(stream, lost[4:]...) // only the last end packets arrived
	stream = append(stream, rtpPacket{Type: 101, Timestamp: 2000, Payload: []byte{99, 0, 0, 0}}, rtpPacket{Type: 101, Payload: []byte{1}})
	// a late end packet of 7 arrives after 8 has begun: still one 7, one 8
	seven, eight := press(3000, 7), press(3400, 8)
	stream = append(stream, seven[:4]...)
	stream = append(stream, eight[:2]...)
	stream = append(stream, seven[4:]...)
	stream = append(stream, eight[2:]...)
	var d dtmfDetector
	var got []byte
	for _, p := range stream {
		if k := d.packet(p); k != 0 {
			got = append(got, k)
		}
	}
	if string(got) != "11#578" {
		t.Errorf("keys %q", got)
	}
}

func TestULaw(t *testing.T) {
	// G.711's reference points: silence, and the ends of the range
	for s, want := range map[int16]byte{0: 0xff, 32767: 0x80, -32768: 0x00, -1: 0x7f} {
		if got := ulaw(s); got != want {
			t.Errorf("ulaw(%d) = %#x, want %#x", s, got, want)
		}
	}
	for s := -32768; s <= 32767; s += 7 {
		back := int(ulawDecode(ulaw(int16(s))))
		err := back - s
		if err < 0 {
			err = -err
		}
		if lim := max(abs(s)/16, 8); err > lim { // µ-law keeps about 4 bits of mantissa
			t.Fatalf("%d -> %d", s, back)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func wav(rate uint32, channels uint16, samples []int16) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WAVEfmt ")
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, channels)
	b = binary.LittleEndian.AppendUint32(b, rate)
	b = binary.LittleEndian.AppendUint32(b, rate*2)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, 16)
	b = append(b, "LIST\x03\x00\x00\x00abc\x00"...) // an odd chunk with its pad byte
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(2*len(samples)))
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

func TestReadWAV(t *testing.T) {
	got, err := readWAV(wav(8000, 1, []int16{0, 32767, -32768}))
	if err != nil || !bytes.Equal(got, []byte{0xff, 0x80, 0x00}) {
		t.Fatalf("%x %v", got, err)
	}
	for name, b := range map[string][]byte{"22 kHz": wav(22050, 1, []int16{1}), "stereo": wav(8000, 2, []int16{1, 2}), "not wav": []byte("hello"), "no data": wav(8000, 1, nil)[:44]} {
		if _, err := readWAV(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestEspeakWAVIsPlayable renders a real prompt and reads it as the SIP line does.
func TestEspeakWAVIsPlayable(t *testing.T) {
	testenv.LookPath(t, "espeak-ng")
	testenv.LookPath(t, "sox")
	e := &Espeak{Dir: t.TempDir()}
	name, err := e.Speak(context.Background(), Prompt{ID: "t", Text: "Arrivederci."})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Clean(name + ".wav"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := readWAV(b)
	if err != nil || len(u) < 2000 { // at least a quarter of a second at 8 kHz
		t.Fatalf("%d samples, %v", len(u), err)
	}
}

func TestParseSDP(t *testing.T) {
	offer := "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n" +
		"m=audio 4000 RTP/AVP 8 0 96\r\nc=IN IP4 10.0.0.2\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-16\r\n" +
		"m=video 5000 RTP/AVP 97\r\na=rtpmap:97 telephone-event/8000\r\n"
	o, err := parseSDP([]byte(offer))
	if err != nil || o.Media != netip.MustParseAddrPort("10.0.0.2:4000") || !o.PCMU || o.EventType != 96 {
		t.Fatalf("%+v %v", o, err)
	}
	o, err = parseSDP([]byte("v=0\nc=IN IP4 192.0.2.7\nm=audio 7078 RTP/AVP 8\n"))
	if err != nil || o.PCMU || o.EventType != -1 || o.Media.Addr().String() != "192.0.2.7" {
		t.Fatalf("%+v %v", o, err)
	}
	for _, bad := range []string{"", "v=0\r\nm=video 1 RTP/AVP 0\r\n", "m=audio 1 RTP/AVP 0\r\n", "c=IN IP4 nowhere\r\nm=audio 1 RTP/AVP 0\r\n", "c=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n"} {
		if _, err := parseSDP([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	ans := answerSDP(netip.MustParseAddrPort("127.0.0.1:30000"), 7, 101)
	back, err := parseSDP(ans)
	if err != nil || back.Media.Port() != 30000 || !back.PCMU || back.EventType != 101 {
		t.Fatalf("our answer reads back as %+v %v:\n%s", back, err, ans)
	}
}

func TestGuardLocksACodeAcrossCalls(t *testing.T) {
	now := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	b := newBackend()
	g := &Guard{Backend: b, Max: 3, Window: time.Hour, Now: func() time.Time { return now }}
	ctx := context.Background()
	for y := 1940; y < 1943; y++ {
		if _, err := g.Find(ctx, "12345678", y); err != ErrNoMatch {
			t.Fatal(err)
		}
	}
	if _, err := g.Find(ctx, "12345678", 1948); err != ErrNoMatch {
		t.Fatalf("a locked code still matched: %v", err)
	}
	if _, err := g.Find(ctx, "99999999", 1948); err != ErrNoMatch {
		t.Fatal(err) // other codes are unaffected (this one just does not exist)
	}
	now = now.Add(time.Hour)
	if p, err := g.Find(ctx, "12345678", 1948); err != nil || p == nil {
		t.Fatalf("after the window: %v", err)
	}
	// through a whole call: the dialog's own three tries, then a second call is refused
	g = &Guard{Backend: newBackend(), Max: 4, Now: func() time.Time { return now }}
	d := New(g, rome)
	d.Start()
	for range 3 {
		d.Input(ctx, "12345678#")
		d.Input(ctx, "1900")
	}
	if d.State() != ToOperator {
		t.Fatalf("state %s", d.State())
	}
	d = New(g, rome)
	d.Start()
	d.Input(ctx, "12345678#")
	d.Input(ctx, "1900")
	d.Input(ctx, "12345678#")
	if p, _ := d.Input(ctx, "1948"); p.ID != "no_match" {
		t.Errorf("the right year got through a locked code: %s", p.ID)
	}
}

func FuzzParseRTP(f *testing.F) {
	f.Add(appendRTP(nil, rtpPacket{Type: 101, Payload: []byte{1, 0x80, 0, 160}}))
	f.Add([]byte{0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9, 9, 9, 9, 0xbe, 0xde, 0, 1, 7, 7, 7, 7, 0xaa, 0xbb, 0, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseRTP(b)
		if err != nil {
			return
		}
		if len(p.Payload) > len(b)-12 {
			t.Fatalf("payload of %d bytes from a packet of %d", len(p.Payload), len(b))
		}
		var d dtmfDetector
		d.packet(p)
		again, err := parseRTP(appendRTP(nil, p))
		if err != nil || again.Seq != p.Seq || again.Timestamp != p.Timestamp || !bytes.Equal(again.Payload, p.Payload) {
			t.Fatalf("round trip: %+v %v", again, err)
		}
	})
}

func FuzzParseSDP(f *testing.F) {
	f.Add([]byte("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"))
	f.Add([]byte("c=IN IP6 ::1\nm=audio 1/2 RTP/AVP 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := parseSDP(b)
		if err != nil {
			return
		}
		if !o.Media.Addr().IsValid() || o.EventType > 127 {
			t.Fatalf("accepted %+v", o)
		}
		back, err := parseSDP(answerSDP(netip.AddrPortFrom(o.Media.Addr(), 1), 1, o.EventType))
		if err != nil || back.EventType != o.EventType || !back.PCMU {
			t.Fatalf("answer to %+v reads back as %+v %v", o, back, err)
		}
	})
}

func FuzzReadWAV(f *testing.F) {
	f.Add(wav(8000, 1, []int16{0, 1, -1, 32767}))
	f.Add(wav(8000, 1, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := readWAV(b)
		if err == nil && len(u) > len(b)/2 {
			t.Fatalf("%d samples from %d bytes", len(u), len(b))
		}
	})
}
