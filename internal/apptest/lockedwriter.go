package apptest

import (
	"io"
	"sync"
)

// lockedWriter lets the app's goroutines log into one buffer safely.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
