//go:build !linux

package vpcd

import "net"

// quickACK is a Linux-only latency fix; elsewhere delayed ACKs stay.
func quickACK(net.Conn) {}
