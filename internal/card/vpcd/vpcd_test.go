package vpcd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

type echoCard struct{ resets int }

func (c *echoCard) Transmit(apdu []byte) ([]byte, error) {
	if apdu[1] == 0xEE {
		return nil, errors.New("internal failure")
	}
	return append(append([]byte(nil), apdu...), 0x90, 0x00), nil
}
func (c *echoCard) ATR() []byte { return []byte{0x3B, 0x00} }
func (c *echoCard) Reset()      { c.resets++ }

func send(t *testing.T, w io.Writer, msg []byte) {
	t.Helper()
	buf := binary.BigEndian.AppendUint16(nil, uint16(len(msg)))
	if _, err := w.Write(append(buf, msg...)); err != nil {
		t.Fatal(err)
	}
}

func recv(t *testing.T, r io.Reader) []byte {
	t.Helper()
	msg, err := readMessage(r)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// The driver side is played by the test over an in-memory pipe.
func TestProtocol(t *testing.T) {
	driver, cardSide := net.Pipe()
	card := &echoCard{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeConn(ctx, cardSide, card) }()

	send(t, driver, []byte{ctrlOn})
	send(t, driver, []byte{ctrlATR})
	if got := recv(t, driver); !bytes.Equal(got, []byte{0x3B, 0x00}) {
		t.Fatalf("ATR %X", got)
	}
	send(t, driver, []byte{0x00, 0xB0, 0x00, 0x00, 0x04})
	if got := recv(t, driver); !bytes.Equal(got, []byte{0x00, 0xB0, 0x00, 0x00, 0x04, 0x90, 0x00}) {
		t.Fatalf("APDU reply %X", got)
	}
	send(t, driver, []byte{0x00, 0xEE, 0x00, 0x00})
	if got := recv(t, driver); !bytes.Equal(got, []byte{0x6F, 0x00}) {
		t.Fatalf("failure reply %X", got)
	}
	send(t, driver, []byte{ctrlReset})
	send(t, driver, []byte{ctrlOff})
	send(t, driver, []byte{ctrlATR})
	recv(t, driver)
	if card.resets != 3 {
		t.Fatalf("%d resets, want 3", card.resets)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ServeConn did not stop")
	}
}

func TestDriverGone(t *testing.T) {
	driver, cardSide := net.Pipe()
	done := make(chan error, 1)
	go func() { done <- ServeConn(context.Background(), cardSide, &echoCard{}) }()
	driver.Close()
	if err := <-done; err == nil {
		t.Fatal("closed driver not reported")
	}
}

func TestUnknownControlCode(t *testing.T) {
	driver, cardSide := net.Pipe()
	done := make(chan error, 1)
	go func() { done <- ServeConn(context.Background(), cardSide, &echoCard{}) }()
	send(t, driver, []byte{0x09})
	if err := <-done; err == nil {
		t.Fatal("unknown control code accepted")
	}
}

func TestServeRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if err := Serve(context.Background(), addr, &echoCard{}); err == nil {
		t.Fatal("connect to a closed port succeeded")
	}
}
