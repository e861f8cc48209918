//go:build !pcsc

package cli

import (
	"strings"
	"testing"
)

// TestCardReadNeedsPCSCTag: a build without PC/SC says how to get one. It lives in its
// own file under !pcsc so that the -tags pcsc run does not compile it, rather than
// skipping it there (a skip in CI would look like a missing part).
func TestCardReadNeedsPCSCTag(t *testing.T) {
	for _, args := range [][]string{{"card", "read", "--can", "123456"}, {"card", "nis"}} {
		code, _, stderr := runCLI(t, args...)
		if code != ExitUsage || !strings.Contains(stderr, "-tags pcsc") {
			t.Fatalf("%v: exit %d, %s", args, code, stderr)
		}
	}
}
