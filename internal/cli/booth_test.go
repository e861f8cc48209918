package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestBoothAddList(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := runBooth(context.Background(), Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, args)
		return code, out.String(), errb.String()
	}
	code, out, errs := run("add", "--data", dir, "--name", "Cabina 1", "--office", "Via Larga 12")
	if code != ExitOK || !strings.Contains(out, "sbt_") {
		t.Fatalf("add: %d %q %q", code, out, errs)
	}
	code, out, _ = run("list", "--data", dir)
	if code != ExitOK || !strings.Contains(out, "Cabina 1") || !strings.Contains(out, "Via Larga 12") || strings.Contains(out, "sbt_") {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, _, _ := run("add", "--data", dir); code == ExitOK {
		t.Error("add without a name succeeded")
	}
	if code, _, _ := run("frobnicate"); code == ExitOK {
		t.Error("unknown subcommand succeeded")
	}
}
