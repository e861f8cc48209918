// Package sipptest places real SIP calls to the phone line with sipp (Debian's
// sip-tester) for tests: sipp sends the INVITE, plays one of its recorded RFC 4733
// keypad pcaps per key, restamped as one phone's stream (presses.go), and ends the
// call as the test asks. It is shared by the
// phonebot tests and the whole-app test.
package sipptest

import (
	_ "embed"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/sportello/sportello/internal/testenv"
)

// How a call ends; see testdata/call.xml.tmpl.
const (
	LineHangsUp   = "line-hangs-up"   // the line says its last prompt and sends BYE
	Operator      = "operator"        // the line sends REFER (to the operator), then BYE
	CallerHangsUp = "caller-hangs-up" // the caller sends BYE after the keys
	Cancel        = "cancel"          // the caller gives up while it rings
)

// Call is one call to place.
type Call struct {
	Keys string        // keys to press in order: digits, '*' and '#'
	End  string        // one of the constants above
	Gap  time.Duration // pause before the first key and between keys (default 200 ms)
	Wait time.Duration // how long to wait for the line's REFER or BYE (default 90 s)
}

//go:embed testdata/call.xml.tmpl
var scenario string

var tmpl = template.Must(template.New("call").Parse(scenario))

// pcapDirs are where Debian's sip-tester puts its keypad recordings.
var pcapDirs = []string{"/usr/share/sip-tester", "/usr/share/sipp", "/usr/local/share/sipp"}

// Run places c to the line at target (host:port) and returns sipp's exit error (nil
// when every step of the scenario happened as written) and its log.
func Run(tb testing.TB, target string, c Call) (string, error) {
	tb.Helper()
	sipp := testenv.LookPath(tb, "sipp")
	dir := ""
	for _, d := range pcapDirs {
		if _, err := os.Stat(filepath.Join(d, "dtmf_2833_0.pcap")); err == nil {
			dir = d
			break
		}
	}
	testenv.Require(tb, dir != "", "sipp's dtmf_2833_*.pcap (Debian package sip-tester)")
	if c.Gap == 0 {
		c.Gap = 200 * time.Millisecond
	}
	if c.Wait == 0 {
		c.Wait = 90 * time.Second
	}
	var keys []string
	var err error
	for _, k := range c.Keys {
		name := string(k)
		switch k {
		case '#':
			name = "pound"
		case '*':
			name = "star"
		default:
			if k < '0' || k > '9' {
				tb.Fatalf("sipptest: key %q has no recording", k)
			}
		}
		keys = append(keys, filepath.Join(dir, "dtmf_2833_"+name+".pcap"))
	}
	work := tb.TempDir()
	if keys, err = pressPcaps(work, keys, c.Gap); err != nil {
		tb.Fatal(err)
	}
	xml := filepath.Join(work, "call.xml")
	f, err := os.Create(xml)
	if err != nil {
		tb.Fatal(err)
	}
	err = tmpl.Execute(f, map[string]any{"Keys": keys, "End": c.End, "Gap": c.Gap.Milliseconds(), "Wait": c.Wait.Milliseconds()})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		tb.Fatal(err)
	}
	sigPort, mediaPort := freePort(tb, host), freePort(tb, host)
	total := c.Wait + time.Duration(len(keys)+1)*c.Gap + 30*time.Second
	cmd := exec.Command(sipp, target, "-sf", xml, "-m", "1", "-l", "1", "-nostdin",
		"-i", host, "-p", strconv.Itoa(sigPort), "-mi", host, "-mp", strconv.Itoa(mediaPort),
		"-timeout", fmt.Sprintf("%ds", int(total.Seconds())), "-timeout_error",
		"-trace_msg", "-message_file", filepath.Join(work, "messages.log"),
		"-trace_err", "-error_file", filepath.Join(work, "errors.log"))
	cmd.Dir = work
	out, err := cmd.CombinedOutput()
	var log strings.Builder
	for _, name := range []string{"messages.log", "errors.log"} {
		if b, rerr := os.ReadFile(filepath.Join(work, name)); rerr == nil {
			fmt.Fprintf(&log, "== %s\n%s\n", name, b)
		}
	}
	if err != nil {
		// sipp's screen output only matters when the call went wrong
		fmt.Fprintf(&log, "== sipp output\n%s\n", lastLines(string(out), 40))
	}
	return log.String(), err
}

// freePort asks the kernel for a UDP port that is free now; sipp binds it a moment later.
func freePort(tb testing.TB, host string) int {
	tb.Helper()
	c, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
