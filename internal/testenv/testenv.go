// Package testenv decides what a test does when a real part (a browser, PostgreSQL,
// pcscd, a Debian tool) is missing: locally it skips, in CI (CI=true) it fails, because
// a skip in CI would hide a missing part behind a green run.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI, where every required part must be present.
func InCI() bool { return os.Getenv("CI") == "true" }

// Require skips the test locally, or fails it in CI, when ok is false.
func Require(tb testing.TB, ok bool, what string) {
	tb.Helper()
	if ok {
		return
	}
	if InCI() {
		tb.Fatalf("required in CI but missing: %s", what)
	}
	tb.Skipf("missing (required in CI): %s", what)
}

// LookPath returns the path of a required program, or skips/fails as Require does.
func LookPath(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	Require(tb, err == nil, "program "+name+" on PATH")
	return p
}

// SkipShort skips a slow test under -short, locally. In CI it fails instead: CI runs
// the whole suite, and a -short run there would hide the face models behind a skip.
func SkipShort(tb testing.TB, why string) {
	tb.Helper()
	if !testing.Short() {
		return
	}
	if InCI() {
		tb.Fatalf("-short skips %s, which CI must run", why)
	}
	tb.Skip(why)
}
