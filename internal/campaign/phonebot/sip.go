package phonebot

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// SIPServer answers calls itself, without Asterisk: a PBX or a SIP trunk sends the
// line's calls here over UDP. SIP signalling (transactions, retransmissions, dialogs,
// CANCEL) is emiago/sipgo; the media is hand-written in rtp.go and sdp.go: the line
// sends its prompts as PCMU and hears keys only as RFC 4733 events, which every PBX
// and trunk can send, so there is no tone detection on audio.
//
// It is a user agent and never a proxy: it answers calls to itself and forwards
// nothing, so it cannot be used as a relay. Only Peers may call, and at most MaxCalls
// calls run at once.
type SIPServer struct {
	Backend  Backend
	Speaker  Speaker // renders a prompt to NAME.wav, 8 kHz mono 16-bit (Espeak does)
	Location *time.Location
	// Operator is the SIP URI a caller is transferred to (REFER, RFC 3515) when the
	// dialogue ends at an operator; empty hangs up after the prompt.
	Operator string
	// Peers are the networks allowed to call: the PBX or the trunk. Empty means
	// loopback only.
	Peers []netip.Prefix
	// MaxCalls caps concurrent calls (default 8); more get 486 Busy Here.
	MaxCalls int
	// DigitTimeout is how long the line waits for the first key after a prompt and
	// between keys (default 8 s).
	DigitTimeout time.Duration
	// Record, when set, learns how each answered call ended (for the audit log).
	Record func(ctx context.Context, c CallRecord)
	Log    *slog.Logger

	once  sync.Once
	calls chan struct{}
}

// CallRecord is how one call ended.
type CallRecord struct {
	Source   netip.Addr // the PBX or trunk that sent the call
	State    State      // Confirmed, ToOperator, Goodbye; "" when the caller hung up first
	Proposal string     // the proposal found, "" when none was
	Slot     Slot       // the slot confirmed, when State is Confirmed
	Keys     int        // how many keys the caller pressed
}

func (s *SIPServer) init() {
	s.once.Do(func() {
		n := s.MaxCalls
		if n <= 0 {
			n = 8
		}
		s.calls = make(chan struct{}, n)
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.DigitTimeout == 0 {
			s.DigitTimeout = 8 * time.Second
		}
	})
}

// Serve answers calls on conn until ctx ends.
func (s *SIPServer) Serve(ctx context.Context, conn net.PacketConn) error {
	s.init()
	local, err := netip.ParseAddrPort(conn.LocalAddr().String())
	if err != nil {
		return err
	}
	if local.Addr().IsUnspecified() {
		return fmt.Errorf("phonebot: SIP listen address %s must name an interface: it is the address put in SDP for the caller's audio", local)
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("sportello"), sipgo.WithUserAgentHostname(local.Addr().String()))
	if err != nil {
		return err
	}
	defer ua.Close()
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(s.Log))
	if err != nil {
		return err
	}
	client, err := sipgo.NewClient(ua, sipgo.WithClientLogger(s.Log), sipgo.WithClientAddr(local.String()))
	if err != nil {
		return err
	}
	contact := sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "sportello", Host: local.Addr().String(), Port: int(local.Port())}}
	dialogs := sipgo.NewDialogServerCache(client, contact)

	srv.OnInvite(s.peer(func(req *sip.Request, tx sip.ServerTransaction) { s.invite(ctx, local.Addr(), dialogs, req, tx) }))
	srv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) { dialogs.ReadAck(req, tx) })
	srv.OnBye(s.peer(func(req *sip.Request, tx sip.ServerTransaction) {
		if err := dialogs.ReadBye(req, tx); err != nil {
			respond(tx, req, 481, "Call/Transaction Does Not Exist")
		}
	}))
	srv.OnOptions(s.peer(func(req *sip.Request, tx sip.ServerTransaction) { respond(tx, req, 200, "OK") }))

	go func() {
		<-ctx.Done()
		conn.Close()
	}()
	err = srv.ServeUDP(conn)
	if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

func respond(tx sip.ServerTransaction, req *sip.Request, code int, reason string) {
	tx.Respond(sip.NewResponseFromRequest(req, code, reason, nil))
}

// peer refuses requests from outside Peers with 403.
func (s *SIPServer) peer(h sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		src, err := netip.ParseAddrPort(req.Source())
		if err != nil || !s.allowed(src.Addr()) {
			s.Log.Warn("phone line refused a SIP request", "source", req.Source(), "method", string(req.Method))
			respond(tx, req, 403, "Forbidden")
			return
		}
		h(req, tx)
	}
}

func (s *SIPServer) allowed(a netip.Addr) bool {
	a = a.Unmap()
	if len(s.Peers) == 0 {
		return a.IsLoopback()
	}
	for _, p := range s.Peers {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// invite runs one call from INVITE to hang-up; sipgo calls it on its own goroutine.
func (s *SIPServer) invite(ctx context.Context, localIP netip.Addr, dialogs *sipgo.DialogServerCache, req *sip.Request, tx sip.ServerTransaction) {
	if to := req.To(); to != nil && to.Params.Has("tag") {
		// A re-INVITE (hold, session refresh): RFC 3261 §14.2 lets a UAS refuse
		// it with 488 while the session goes on unchanged.
		respond(tx, req, 488, "Not Acceptable Here")
		return
	}
	select {
	case s.calls <- struct{}{}:
		defer func() { <-s.calls }()
	default:
		s.Log.Warn("phone line busy: call refused", "max_calls", cap(s.calls))
		respond(tx, req, 486, "Busy Here")
		return
	}
	offer, err := parseSDP(req.Body())
	if err != nil || !offer.PCMU || offer.EventType < 0 {
		// Keys come only as RFC 4733 events, and prompts only as PCMU.
		s.Log.Warn("phone line refused a call: SDP without PCMU and telephone-event", "error", err)
		respond(tx, req, 488, "Not Acceptable Here")
		return
	}
	dlg, err := dialogs.ReadInvite(req, tx)
	if err != nil {
		respond(tx, req, 400, "Bad Request")
		return
	}
	defer dlg.Close()
	media, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(localIP, 0)))
	if err != nil {
		dlg.Respond(503, "Service Unavailable", nil)
		return
	}
	defer media.Close()
	dlg.Respond(180, "Ringing", nil)

	// the call ends when the caller hangs up or the server stops
	callCtx, stop := context.WithCancel(dlg.Context())
	defer stop()
	defer context.AfterFunc(ctx, stop)()
	src, _ := netip.ParseAddrPort(req.Source())
	c := &sipCall{srv: s, media: media, remote: offer.Media, eventType: uint8(offer.EventType), keys: make(chan byte, 64)}
	c.ssrc, c.seq, c.ts = randUint32(), uint16(randUint32()), randUint32()
	d := New(s.Backend, s.Location)
	p := d.Start()
	audio, err := s.audio(callCtx, p) // rendered while the phone rings
	if err != nil {
		if callCtx.Err() != nil {
			return // cancelled while ringing
		}
		s.Log.Error("phone line cannot render its greeting", "error", err)
		dlg.Respond(503, "Service Unavailable", nil)
		return
	}
	go c.listen(offer.Media.Addr()) // keys may come before our answer's ACK does
	sdp := answerSDP(netip.MustParseAddrPort(media.LocalAddr().String()), time.Now().Unix(), offer.EventType)
	if err := dlg.RespondSDP(sdp); err != nil {
		// CANCEL before the answer, or no ACK: nothing was said, nothing decided
		s.Log.Info("phone call not answered", "reason", err)
		return
	}

	rec := CallRecord{Source: src.Addr()}
	err = c.run(callCtx, d, p, audio)
	rec.State, rec.Keys = d.State(), c.pressed
	if d.prop != nil {
		rec.Proposal = d.prop.ID
		if rec.State == Confirmed {
			rec.Slot = d.offers[d.current]
		}
	}
	if err != nil && callCtx.Err() == nil {
		s.Log.Error("phone call failed", "error", err)
	}
	if dlg.Context().Err() == nil { // the line ends the call: the caller has not hung up
		byeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if d.State() == ToOperator && s.Operator != "" {
			if err := c.transfer(byeCtx, dlg); err != nil {
				s.Log.Warn("phone transfer to operator failed", "error", err)
			}
		}
		if err := dlg.Bye(byeCtx); err != nil {
			s.Log.Warn("phone hang-up failed", "error", err)
		}
		cancel()
	}
	if !terminal(rec.State) {
		rec.State = "" // the caller hung up, or the line failed, mid-dialogue
	}
	if s.Record != nil {
		s.Record(context.WithoutCancel(ctx), rec)
	}
}

func terminal(st State) bool { return st == Confirmed || st == ToOperator || st == Goodbye }

// audio renders a prompt and reads it back as µ-law.
func (s *SIPServer) audio(ctx context.Context, p Prompt) ([]byte, error) {
	name, err := s.Speaker.Speak(ctx, p)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(name + ".wav")
	if err != nil {
		return nil, err
	}
	return readWAV(b)
}

// sipCall is the media side of one answered call.
type sipCall struct {
	srv       *SIPServer
	media     *net.UDPConn
	remote    netip.AddrPort
	eventType uint8
	keys      chan byte

	ssrc, ts  uint32
	seq       uint16
	sentAt    time.Time
	pressed   int
	afterFull bool // the last collection ended by length, so a '#' that follows is its terminator
}

// listen turns the caller's RTP into keys until the media socket closes. Packets from
// addresses other than the caller's media or the peers are dropped.
func (c *sipCall) listen(from netip.Addr) {
	var det dtmfDetector
	buf := make([]byte, 1500)
	for {
		n, src, err := c.media.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		if a := src.Addr().Unmap(); a != from.Unmap() && !c.srv.allowed(a) {
			continue
		}
		p, err := parseRTP(buf[:n])
		if err != nil || p.Type != c.eventType {
			continue
		}
		if k := det.packet(p); k != 0 {
			select {
			case c.keys <- k:
			default: // 64 keys ahead of the dialogue: drop, the caller is not listening anyway
			}
		}
	}
}

// run is the dialogue: play a prompt (a key interrupts it), collect keys, answer.
func (c *sipCall) run(ctx context.Context, d *Dialog, p Prompt, audio []byte) error {
	for {
		if err := c.play(ctx, audio, true); err != nil {
			return err
		}
		keys, err := c.collect(ctx, p.Digits)
		if err != nil {
			return err
		}
		var inErr error
		p, inErr = d.Input(ctx, keys)
		if inErr != nil {
			c.srv.Log.Error("phone backend failed", "error", inErr)
		}
		if audio, err = c.srv.audio(ctx, p); err != nil {
			return err
		}
		if terminal(d.State()) {
			return c.play(ctx, audio, false)
		}
	}
}

// play sends audio as 20 ms PCMU packets in real time; with bargeIn a key stops it.
func (c *sipCall) play(ctx context.Context, audio []byte, bargeIn bool) error {
	if !c.sentAt.IsZero() { // the clock ran on through the silence since the last prompt
		c.ts += uint32(time.Since(c.sentAt) / (time.Second / 8000))
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	pkt := make([]byte, 0, 12+160)
	frame := make([]byte, 160)
	for off := 0; off < len(audio); off += 160 {
		if bargeIn && len(c.keys) > 0 {
			break
		}
		n := copy(frame, audio[off:])
		for i := n; i < len(frame); i++ {
			frame[i] = 0xff // µ-law silence
		}
		pkt = appendRTP(pkt[:0], rtpPacket{Marker: off == 0, Type: 0, Seq: c.seq, Timestamp: c.ts, SSRC: c.ssrc, Payload: frame})
		c.seq++
		c.ts += 160
		if c.remote.Addr().IsValid() && !c.remote.Addr().IsUnspecified() && c.remote.Port() != 0 {
			c.media.WriteToUDPAddrPort(pkt, c.remote) // lost audio is not worth ending a call for
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	c.sentAt = time.Now()
	return nil
}

// collect gathers up to n keys, ending early on '#' or when DigitTimeout passes with
// no key; "*" alone asks to hear the prompt again. A '#' right after an input that
// filled its length belongs to that input, so it is not read as an empty answer.
func (c *sipCall) collect(ctx context.Context, n int) (string, error) {
	var got []byte
	timer := time.NewTimer(c.srv.DigitTimeout)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-timer.C:
			c.afterFull = false
			return string(got), nil
		case k := <-c.keys:
			c.pressed++
			if k == '#' {
				if len(got) == 0 && c.afterFull {
					c.afterFull = false
					continue
				}
				c.afterFull = false
				return string(got) + "#", nil
			}
			c.afterFull = false
			if k == '*' && len(got) == 0 {
				return "*", nil
			}
			got = append(got, k)
			if len(got) >= n {
				c.afterFull = true
				return string(got), nil
			}
			timer.Reset(c.srv.DigitTimeout)
		}
	}
}

// transfer asks the caller's side to call the operator (a blind transfer).
func (c *sipCall) transfer(ctx context.Context, dlg *sipgo.DialogServerSession) error {
	var to sip.Uri
	if err := sip.ParseUri(c.srv.Operator, &to); err != nil {
		return fmt.Errorf("operator URI %q: %w", c.srv.Operator, err)
	}
	req := sip.NewRequest(sip.REFER, dlg.InviteRequest.Contact().Address)
	req.AppendHeader(sip.NewHeader("Refer-To", "<"+to.String()+">"))
	res, err := dlg.Do(ctx, req)
	if err != nil {
		return err
	}
	if !res.IsSuccess() {
		return fmt.Errorf("REFER answered %d %s", res.StatusCode, res.Reason)
	}
	return nil
}

func randUint32() uint32 {
	var b [4]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint32(b[:])
}
