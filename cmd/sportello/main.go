// Command sportello is the whole CIE toolchain of a comune in one binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/sportello/sportello/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}
