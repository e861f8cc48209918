package phonebot

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// sdpOffer is what the line needs from a caller's SDP (RFC 4566): where to send audio,
// and whether it takes PCMU and keypad events. Hand-parsed, since only c=, m=audio and
// a=rtpmap matter here.
type sdpOffer struct {
	Media     netip.AddrPort // the caller's RTP address
	PCMU      bool
	EventType int // payload type of telephone-event/8000, -1 when not offered
}

var errNoAudio = errors.New("phonebot: SDP offers no audio stream")

func parseSDP(body []byte) (sdpOffer, error) {
	o := sdpOffer{EventType: -1}
	var session, media netip.Addr
	var port int
	inAudio, seenAudio := false, false
	var types []string
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimRight(line, "\r")
		if len(line) < 2 || line[1] != '=' {
			continue
		}
		k, v := line[0], line[2:]
		switch k {
		case 'm':
			inAudio = false
			f := strings.Fields(v)
			if seenAudio || len(f) < 4 || f[0] != "audio" || f[2] != "RTP/AVP" {
				continue
			}
			p, err := strconv.Atoi(strings.SplitN(f[1], "/", 2)[0])
			if err != nil || p < 0 || p > 65535 {
				return o, fmt.Errorf("phonebot: SDP audio port %q", f[1])
			}
			port, types, inAudio, seenAudio = p, f[3:], true, true
		case 'c':
			f := strings.Fields(v)
			if len(f) != 3 || f[0] != "IN" || (f[1] != "IP4" && f[1] != "IP6") {
				return o, fmt.Errorf("phonebot: SDP connection %q", v)
			}
			a, err := netip.ParseAddr(strings.SplitN(f[2], "/", 2)[0])
			if err != nil {
				return o, fmt.Errorf("phonebot: SDP connection address %q", f[2])
			}
			if inAudio {
				media = a
			} else if !seenAudio {
				session = a
			}
		case 'a':
			if !inAudio || !strings.HasPrefix(v, "rtpmap:") {
				continue
			}
			pt, enc, ok := strings.Cut(strings.TrimPrefix(v, "rtpmap:"), " ")
			n, err := strconv.Atoi(pt)
			if !ok || err != nil || n < 0 || n > 127 {
				continue
			}
			if strings.EqualFold(strings.TrimSpace(enc), "telephone-event/8000") && offered(types, n) {
				o.EventType = n
			}
		}
	}
	if !seenAudio {
		return o, errNoAudio
	}
	if !media.IsValid() {
		media = session
	}
	if !media.IsValid() {
		return o, errors.New("phonebot: SDP has no connection address")
	}
	o.Media = netip.AddrPortFrom(media.Unmap(), uint16(port))
	o.PCMU = offered(types, 0)
	return o, nil
}

func offered(types []string, pt int) bool {
	for _, t := range types {
		if t == strconv.Itoa(pt) {
			return true
		}
	}
	return false
}

// answerSDP offers PCMU and, when the caller offered it, telephone-event with the
// caller's payload type.
func answerSDP(local netip.AddrPort, id int64, eventType int) []byte {
	ipv := "IP4"
	if local.Addr().Is6() {
		ipv = "IP6"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "v=0\r\no=sportello %d %d IN %s %s\r\ns=sportello\r\nc=IN %s %s\r\nt=0 0\r\n", id, id, ipv, local.Addr(), ipv, local.Addr())
	if eventType >= 0 {
		fmt.Fprintf(&b, "m=audio %d RTP/AVP 0 %d\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-15\r\n", local.Port(), eventType, eventType, eventType)
	} else {
		fmt.Fprintf(&b, "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", local.Port())
	}
	b.WriteString("a=ptime:20\r\na=sendrecv\r\n")
	return []byte(b.String())
}
