package phonebot

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/testenv"
)

// textSpeaker names prompt files after their ids, so the test can see what was played.
type textSpeaker struct{}

func (textSpeaker) Speak(_ context.Context, p Prompt) (string, error) {
	return "sportello/" + p.ID, nil
}

// fakeAsterisk plays Asterisk's side of FastAGI over a real TCP connection: it sends
// the environment, answers every command, and presses the given keys at each GET DATA.
func fakeAsterisk(t *testing.T, addr string, keys []string) []string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprint(c, "agi_network: yes\nagi_request: agi://127.0.0.1/phonebot\nagi_channel: PJSIP/trunk-0001\nagi_callerid: 0212345678\n\n")
	r := bufio.NewReader(c)
	var cmds []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return cmds
		}
		cmd := strings.TrimSpace(line)
		cmds = append(cmds, cmd)
		switch {
		case strings.HasPrefix(cmd, "GET DATA"):
			k := ""
			if len(keys) > 0 {
				k, keys = keys[0], keys[1:]
			}
			if k == "" {
				fmt.Fprint(c, "200 result= (timeout)\n")
			} else {
				fmt.Fprintf(c, "200 result=%s\n", k)
			}
		case cmd == "HANGUP":
			fmt.Fprint(c, "200 result=1\n")
			return cmds
		default:
			fmt.Fprint(c, "200 result=0\n")
		}
	}
}

func startAGI(t *testing.T, b Backend, sp Speaker) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv := &AGIServer{Backend: b, Speaker: sp, Location: rome, Operator: "Dial PJSIP/operatori"}
	go srv.Serve(ctx, l)
	return l.Addr().String()
}

func TestFastAGIConfirmCall(t *testing.T) {
	b := newBackend()
	addr := startAGI(t, b, textSpeaker{})
	cmds := fakeAsterisk(t, addr, []string{"12345678", "1948", "2", "1"})
	want := []string{"ANSWER", "GET DATA sportello/welcome 8000 8", "GET DATA sportello/ask_year 8000 4",
		"GET DATA sportello/proposal 8000 1", "GET DATA sportello/alternative 8000 1", `STREAM FILE sportello/confirmed ""`, "HANGUP"}
	if strings.Join(cmds, "|") != strings.Join(want, "|") {
		t.Fatalf("commands:\n%s\nwant:\n%s", strings.Join(cmds, "\n"), strings.Join(want, "\n"))
	}
	if len(b.confirmed) != 1 || b.confirmed[0] != "s1" {
		t.Errorf("confirmed %v", b.confirmed)
	}
}

func TestFastAGITransfersToOperator(t *testing.T) {
	addr := startAGI(t, newBackend(), textSpeaker{})
	cmds := fakeAsterisk(t, addr, []string{"12345678", "1948", "3"})
	if got := strings.Join(cmds[len(cmds)-3:], "|"); got != `STREAM FILE sportello/operator ""|EXEC Dial "PJSIP/operatori"|HANGUP` {
		t.Errorf("ending %q", got)
	}
}

func TestFastAGICallerHangsUp(t *testing.T) {
	addr := startAGI(t, newBackend(), textSpeaker{})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(c, "agi_network: yes\n\n")
	r := bufio.NewReader(c)
	r.ReadString('\n') // ANSWER
	fmt.Fprint(c, "200 result=0\n")
	r.ReadString('\n') // GET DATA
	fmt.Fprint(c, "200 result=-1\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if line, err := r.ReadString('\n'); err == nil && !strings.HasPrefix(line, "HANGUP") {
		t.Errorf("after hang-up the server sent %q", line)
	}
	c.Close()
}

// TestEspeakRendersPrompts renders real audio with Debian's espeak-ng and sox.
func TestEspeakRendersPrompts(t *testing.T) {
	testenv.LookPath(t, "espeak-ng")
	testenv.LookPath(t, "sox")
	e := &Espeak{Dir: t.TempDir()}
	d := New(newBackend(), rome)
	p := d.Start()
	name, err := e.Speak(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(name + ".wav")
	if err != nil || st.Size() < 8000 { // a sentence at 8 kHz, 16 bit is tens of kB
		t.Fatalf("rendered %v %v", st, err)
	}
	again, _ := e.Speak(context.Background(), p)
	if again != name {
		t.Errorf("not cached: %s vs %s", again, name)
	}
	if filepath.Dir(name) != e.Dir {
		t.Errorf("file outside the sounds dir: %s", name)
	}
}
