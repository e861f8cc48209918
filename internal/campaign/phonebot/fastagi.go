package phonebot

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// Speaker turns a prompt into a sound file Asterisk can play, and returns its name as
// STREAM FILE / GET DATA expect it (path without extension).
type Speaker interface {
	Speak(ctx context.Context, p Prompt) (string, error)
}

// AGIServer answers Asterisk's FastAGI connections (dialplan: AGI(agi://host:4573)),
// one Dialog per call. FastAGI is a line protocol over TCP, small enough to speak here
// without a library: Asterisk sends "agi_*: value" lines and a blank line, then each
// command we send gets one "200 result=…" line back.
type AGIServer struct {
	Backend  Backend
	Speaker  Speaker
	Location *time.Location
	// Operator is the dialplan application and argument that transfer a caller to a
	// person, e.g. "Dial PJSIP/operatori".
	Operator string
	// DigitTimeout is how long GET DATA waits for keys.
	DigitTimeout time.Duration
	Log          *slog.Logger
}

// Serve accepts calls until the listener closes or ctx ends.
func (s *AGIServer) Serve(ctx context.Context, l net.Listener) error {
	go func() { <-ctx.Done(); l.Close() }()
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go func() {
			defer c.Close()
			if err := s.call(ctx, c); err != nil && s.Log != nil {
				s.Log.Warn("phone call ended with error", "error", err)
			}
		}()
	}
}

type agiConn struct {
	r *bufio.Reader
	w io.Writer
}

// cmd sends one AGI command and parses "200 result=X [(data)]".
func (a *agiConn) cmd(format string, args ...any) (result string, extra string, err error) {
	if _, err := fmt.Fprintf(a.w, format+"\n", args...); err != nil {
		return "", "", err
	}
	line, err := a.r.ReadString('\n')
	if err != nil {
		return "", "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if strings.HasPrefix(line, "HANGUP") || strings.HasPrefix(line, "511") {
		return "", "", errHangup
	}
	if !strings.HasPrefix(line, "200 result=") {
		return "", "", fmt.Errorf("agi: unexpected reply %q", line)
	}
	rest := strings.TrimPrefix(line, "200 result=")
	result, extra, _ = strings.Cut(rest, " ")
	if result == "-1" {
		return "", "", errHangup
	}
	return result, extra, nil
}

var errHangup = errors.New("agi: caller hung up")

func (s *AGIServer) call(ctx context.Context, c net.Conn) error {
	a := &agiConn{r: bufio.NewReader(c), w: c}
	// The environment block ends with an empty line.
	for {
		line, err := a.r.ReadString('\n')
		if err != nil {
			return err
		}
		if strings.TrimSpace(line) == "" {
			break
		}
	}
	if _, _, err := a.cmd("ANSWER"); err != nil {
		return err
	}
	d := New(s.Backend, s.Location)
	p := d.Start()
	timeout := s.DigitTimeout
	if timeout == 0 {
		timeout = 8 * time.Second
	}
	for {
		file, err := s.Speaker.Speak(ctx, p)
		if err != nil {
			return err
		}
		if p.Digits == 0 {
			if _, _, err := a.cmd(`STREAM FILE %s ""`, file); err != nil {
				return ignoreHangup(err)
			}
			break
		}
		keys, _, err := a.cmd("GET DATA %s %d %d", file, timeout.Milliseconds(), p.Digits)
		if err != nil {
			return ignoreHangup(err)
		}
		if p, err = d.Input(ctx, keys); err != nil && s.Log != nil {
			s.Log.Error("phone backend failed", "error", err)
		}
		if st := d.State(); st == Confirmed || st == ToOperator || st == Goodbye {
			file, err := s.Speaker.Speak(ctx, p)
			if err != nil {
				return err
			}
			if _, _, err := a.cmd(`STREAM FILE %s ""`, file); err != nil {
				return ignoreHangup(err)
			}
			if st == ToOperator && s.Operator != "" {
				app, arg, _ := strings.Cut(s.Operator, " ")
				if _, _, err := a.cmd("EXEC %s %s", app, strconv.Quote(arg)); err != nil {
					return ignoreHangup(err)
				}
			}
			break
		}
	}
	_, _, err := a.cmd("HANGUP")
	return ignoreHangup(err)
}

func ignoreHangup(err error) error {
	if errors.Is(err, errHangup) || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
