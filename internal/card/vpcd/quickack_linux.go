package vpcd

import (
	"net"
	"syscall"
)

// quickACK asks Linux to acknowledge the next segments at once. vpcd writes a
// reply's length and its data in two sends; with Nagle on its side and delayed
// ACKs on ours every APDU would wait ~40 ms. Linux clears the flag after use,
// so it is set again before each read.
func quickACK(conn net.Conn) {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
