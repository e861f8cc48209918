package sipptest

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// A real phone gives every key press its own RTP timestamp (the moment the key went
// down, RFC 4733 §2.5.1.2) and numbers its packets on from the last. sipp's recordings
// do not: each dtmf_2833_N.pcap replays the same timestamp and sequence numbers
// whenever key N is pressed. That is harmless while every press ends with its end
// packets, but sipp keeps one media thread per call and a new play replaces a running
// one, so on a loaded machine a press that started late is cut off before its end
// packets; the next press of the same key is then, to any RFC 4733 receiver, the same
// event going on, and the key is lost. So each call keys a copy of the recordings
// rewritten as a phone would send them: one stream, the i-th press stamped at i gaps
// after the first, sequence numbers running on.

// pressPcaps writes, into dir, one pcap per press of the recordings in keys (their
// paths, in order), restamped as one phone's stream with gap between presses, and
// returns the new paths.
func pressPcaps(dir string, keys []string, gap time.Duration) ([]string, error) {
	const clock = 8000 // telephone-event/8000
	step := uint32(gap.Seconds() * clock)
	ts, seq := uint32(160_000), uint16(1000)
	out := make([]string, len(keys))
	for i, src := range keys {
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		next, err := restamp(b, ts, seq)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		out[i] = filepath.Join(dir, fmt.Sprintf("press%02d.pcap", i))
		if err := os.WriteFile(out[i], b, 0o644); err != nil {
			return nil, err
		}
		ts, seq = ts+step, next
	}
	return out, nil
}

// restamp rewrites, in place, the RTP of a libpcap file of Ethernet/IPv4/UDP packets
// (as sipp's recordings are): every packet gets timestamp ts and its sequence number
// moved to start at seq, keeping the recording's own steps (the end packet's
// retransmissions share one). It returns the sequence number after the last. The UDP
// checksum, no longer right, is cleared: zero means none over IPv4.
func restamp(b []byte, ts uint32, seq uint16) (uint16, error) {
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		return 0, fmt.Errorf("not a little-endian microsecond pcap")
	}
	if link := binary.LittleEndian.Uint32(b[20:]); link != 1 {
		return 0, fmt.Errorf("pcap link type %d, want Ethernet", link)
	}
	var first, last uint16
	n := 0
	for off := 24; off < len(b); {
		if off+16 > len(b) {
			return 0, fmt.Errorf("truncated pcap record at %d", off)
		}
		size := int(binary.LittleEndian.Uint32(b[off+8:]))
		pkt := b[off+16:]
		if size > len(pkt) {
			return 0, fmt.Errorf("truncated pcap packet at %d", off)
		}
		pkt = pkt[:size]
		off += 16 + size
		if len(pkt) < 14+20 || binary.BigEndian.Uint16(pkt[12:]) != 0x0800 || pkt[14+9] != 17 {
			return 0, fmt.Errorf("packet %d is not IPv4/UDP over Ethernet", n)
		}
		udp := 14 + int(pkt[14]&0x0f)*4
		rtp := udp + 8
		if len(pkt) < rtp+12 {
			return 0, fmt.Errorf("packet %d is too short for RTP", n)
		}
		old := binary.BigEndian.Uint16(pkt[rtp+2:])
		if n == 0 {
			first = old
		}
		last = old
		binary.BigEndian.PutUint16(pkt[rtp+2:], seq+(old-first))
		binary.BigEndian.PutUint32(pkt[rtp+4:], ts)
		binary.BigEndian.PutUint16(pkt[udp+6:], 0)
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("empty pcap")
	}
	return seq + (last - first) + 1, nil
}
