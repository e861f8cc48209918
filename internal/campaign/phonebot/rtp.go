package phonebot

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The SIP line's media is hand-written: RTP (RFC 3550) as far as one audio stream
// needs, keypad events (RFC 4733) and G.711 µ-law. Each is a few dozen lines, and no
// media library on the module proxy is small enough to be worth a second dependency.

// rtpPacket is a parsed RTP packet; Payload aliases the input.
type rtpPacket struct {
	Marker    bool
	Type      uint8
	Seq       uint16
	Timestamp uint32
	SSRC      uint32
	Payload   []byte
}

var errRTP = errors.New("phonebot: not an RTP packet")

// parseRTP reads a packet, skipping CSRCs, a header extension and padding.
func parseRTP(b []byte) (rtpPacket, error) {
	var p rtpPacket
	if len(b) < 12 || b[0]>>6 != 2 {
		return p, errRTP
	}
	p.Marker = b[1]&0x80 != 0
	p.Type = b[1] & 0x7f
	p.Seq = binary.BigEndian.Uint16(b[2:])
	p.Timestamp = binary.BigEndian.Uint32(b[4:])
	p.SSRC = binary.BigEndian.Uint32(b[8:])
	n := 12 + 4*int(b[0]&0x0f)
	if b[0]&0x10 != 0 { // extension: 16-bit profile, 16-bit length in words
		if len(b) < n+4 {
			return p, errRTP
		}
		n += 4 + 4*int(binary.BigEndian.Uint16(b[n+2:]))
	}
	end := len(b)
	if b[0]&0x20 != 0 { // padding: the last byte counts it
		end -= int(b[len(b)-1])
	}
	if n > end {
		return p, errRTP
	}
	p.Payload = b[n:end]
	return p, nil
}

// appendRTP writes a header without CSRCs or extension, then the payload.
func appendRTP(dst []byte, p rtpPacket) []byte {
	var h [12]byte
	h[0] = 2 << 6
	h[1] = p.Type & 0x7f
	if p.Marker {
		h[1] |= 0x80
	}
	binary.BigEndian.PutUint16(h[2:], p.Seq)
	binary.BigEndian.PutUint32(h[4:], p.Timestamp)
	binary.BigEndian.PutUint32(h[8:], p.SSRC)
	return append(append(dst, h[:]...), p.Payload...)
}

// dtmfEvent is an RFC 4733 telephone-event payload.
type dtmfEvent struct {
	Event    uint8 // 0-9, 10 '*', 11 '#', 12-15 A-D
	End      bool
	Duration uint16
}

func parseDTMF(b []byte) (dtmfEvent, error) {
	if len(b) < 4 {
		return dtmfEvent{}, fmt.Errorf("phonebot: telephone-event payload of %d bytes", len(b))
	}
	return dtmfEvent{Event: b[0], End: b[1]&0x80 != 0, Duration: binary.BigEndian.Uint16(b[2:])}, nil
}

const dtmfKeys = "0123456789*#ABCD"

// dtmfDetector turns the stream of event packets into key presses. One press is many
// packets with the same RTP timestamp (updates while the key is held, then the end
// packet three times). The detector remembers the last few presses, not just the last,
// because a late end packet of one press may arrive after the next press has begun (a
// busy sender, or sipp playing one pcap per key on its own thread); and a press whose
// end was seen counts again when it restarts, because sipp replays the same recording,
// timestamp and all, for the same key pressed twice.
type dtmfDetector struct {
	recent [8]struct {
		timestamp uint32
		event     uint8
		ended     bool
		used      bool
	}
	next int
}

// packet returns the key a packet starts, or 0.
func (d *dtmfDetector) packet(p rtpPacket) byte {
	ev, err := parseDTMF(p.Payload)
	if err != nil || int(ev.Event) >= len(dtmfKeys) {
		return 0
	}
	for i := range d.recent {
		r := &d.recent[i]
		if r.used && r.timestamp == p.Timestamp && r.event == ev.Event {
			restart := r.ended && !ev.End
			r.ended = ev.End
			if !restart {
				return 0
			}
			return dtmfKeys[ev.Event]
		}
	}
	r := &d.recent[d.next]
	d.next = (d.next + 1) % len(d.recent)
	r.timestamp, r.event, r.ended, r.used = p.Timestamp, ev.Event, ev.End, true
	return dtmfKeys[ev.Event]
}

// ulaw encodes one 16-bit linear sample as G.711 µ-law (the classic segment search).
func ulaw(s int16) byte {
	const bias, clip = 0x84, 32635
	x := int(s)
	sign := 0
	if x < 0 {
		x, sign = -x, 0x80
	}
	if x > clip {
		x = clip
	}
	x += bias
	exp := 7
	for mask := 0x4000; x&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (x >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mant)
}

// ulawDecode is the inverse, used by tests to check what the line sent.
func ulawDecode(u byte) int16 {
	u = ^u
	t := (int(u&0x0f)<<3 + 0x84) << (int(u&0x70) >> 4)
	if u&0x80 != 0 {
		return int16(0x84 - t)
	}
	return int16(t - 0x84)
}

// readWAV returns the µ-law samples of a PCM WAV file as Espeak writes it: 8 kHz,
// mono, 16 bit. Anything else is an error rather than a resampling, so a wrongly
// rendered prompt is noticed instead of being played at the wrong speed.
func readWAV(b []byte) ([]byte, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, errors.New("phonebot: not a WAV file")
	}
	var haveFmt bool
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:]))
		body := b[off+8:]
		if size < 0 || size > len(body) {
			// sox and espeak-ng may leave the size of a streamed data chunk unset
			if id != "data" {
				return nil, fmt.Errorf("phonebot: WAV chunk %q runs past the end", id)
			}
			size = len(body)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if size < 16 {
				return nil, errors.New("phonebot: short WAV fmt chunk")
			}
			format, channels := binary.LittleEndian.Uint16(body), binary.LittleEndian.Uint16(body[2:])
			rate, bits := binary.LittleEndian.Uint32(body[4:]), binary.LittleEndian.Uint16(body[14:])
			if format != 1 || channels != 1 || rate != 8000 || bits != 16 {
				return nil, fmt.Errorf("phonebot: WAV is format %d, %d channels, %d Hz, %d bit; want PCM mono 8000 Hz 16 bit", format, channels, rate, bits)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return nil, errors.New("phonebot: WAV data before fmt")
			}
			out := make([]byte, size/2)
			for i := range out {
				out[i] = ulaw(int16(binary.LittleEndian.Uint16(body[2*i:])))
			}
			return out, nil
		}
		off += 8 + size + size&1 // chunks are padded to even sizes
	}
	return nil, errors.New("phonebot: WAV without data")
}
