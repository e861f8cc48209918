package sipptest

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/testenv"
)

// TestPressPcapsLikeAPhone: the same key pressed twice is two events, as a phone sends
// them: the second press has its own timestamp, a gap later, and its packets number on
// from the first's, whatever the recording says; the end packet's retransmissions keep
// sharing one number.
func TestPressPcapsLikeAPhone(t *testing.T) {
	src := ""
	for _, d := range pcapDirs {
		if _, err := os.Stat(filepath.Join(d, "dtmf_2833_3.pcap")); err == nil {
			src = filepath.Join(d, "dtmf_2833_3.pcap")
		}
	}
	testenv.Require(t, src != "", "sipp's dtmf_2833_*.pcap (Debian package sip-tester)")
	paths, err := pressPcaps(t.TempDir(), []string{src, src}, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	type rtp struct {
		seq uint16
		ts  uint32
	}
	read := func(p string) []rtp {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var out []rtp
		for off := 24; off < len(b); {
			size := int(binary.LittleEndian.Uint32(b[off+8:]))
			pkt := b[off+16 : off+16+size]
			off += 16 + size
			r := 14 + int(pkt[14]&0x0f)*4 + 8
			out = append(out, rtp{binary.BigEndian.Uint16(pkt[r+2:]), binary.BigEndian.Uint32(pkt[r+4:])})
		}
		return out
	}
	a, b := read(paths[0]), read(paths[1])
	if len(a) != 10 || len(b) != 10 {
		t.Fatalf("%d and %d packets, want the recording's 10 each", len(a), len(b))
	}
	if b[0].ts-a[0].ts != 1600 {
		t.Fatalf("second press at timestamp %d, first at %d: want 200 ms (1600) later", b[0].ts, a[0].ts)
	}
	for _, ps := range [][]rtp{a, b} {
		for i := 1; i < len(ps); i++ {
			if ps[i].ts != ps[0].ts {
				t.Fatalf("one press changes timestamp: %+v", ps)
			}
		}
	}
	if a[7].seq != a[9].seq || b[0].seq != a[9].seq+1 || b[9].seq != b[0].seq+7 {
		t.Fatalf("sequence numbers do not run on: %+v then %+v", a, b)
	}
}
