// Package browsertest drives Debian's real Chromium through chromedp for page tests:
// headless, sandbox off (CI runs as root), and no background networking, because this
// machine's closed network makes Chromium's own update and sync calls hang.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sportello/sportello/internal/testenv"
)

// Options adjust the browser for a test.
type Options struct {
	// ExtraFlags are added to Chromium's command line, e.g. a fake camera:
	// {"use-fake-device-for-media-stream": true, "use-file-for-fake-video-capture": "/path.y4m"}.
	ExtraFlags map[string]any
	// DisableJavaScript runs the page as a browser without JavaScript would.
	DisableJavaScript bool
	Timeout           time.Duration
}

// New starts a headless Chromium and returns a tab context that ends with the test.
// Without Chromium the test skips locally and fails in CI.
func New(tb testing.TB, opts ...Options) context.Context {
	tb.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Timeout == 0 {
		o.Timeout = 90 * time.Second
	}
	path := testenv.LookPath(tb, "chromium")
	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	if o.DisableJavaScript {
		flags = append(flags, chromedp.Flag("blink-settings", "scriptEnabled=false"))
	}
	for k, v := range o.ExtraFlags {
		flags = append(flags, chromedp.Flag(k, v))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, o.Timeout)
	tb.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Screenshot saves a full-page PNG (quality 100 makes chromedp capture PNG, not JPEG) under the test's temp dir, and also under
// $SPORTELLO_SCREENSHOTS when set (to keep them after the test), returning the path.
func Screenshot(tb testing.TB, ctx context.Context, name string) string {
	tb.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(tb.TempDir(), name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		tb.Fatal(err)
	}
	if dir := os.Getenv("SPORTELLO_SCREENSHOTS"); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	}
	return path
}

// Violation is one axe-core finding.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
}

// Axe injects the vendored axe-core into the current page and returns its serious and
// critical violations (WCAG 2.1 A/AA rules).
func Axe(tb testing.TB, ctx context.Context) []Violation {
	tb.Helper()
	src, err := os.ReadFile(axePath(tb))
	if err != nil {
		tb.Fatalf("axe-core: %v", err)
	}
	script := string(src) + `;
(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length})));
})()`
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatalf("run axe: %v", err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(s), &vs); err != nil {
		tb.Fatalf("axe result: %v", err)
	}
	return vs
}

// FormatViolations renders violations for a test failure message.
func FormatViolations(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %s (%s, %d nodes): %s", v.ID, v.Impact, v.Nodes, v.Help)
	}
	return b.String()
}

// axePath finds the vendored axe-core from the test's working directory upwards.
func axePath(tb testing.TB) string {
	dir, _ := os.Getwd()
	for i := 0; i < 6; i++ {
		p := filepath.Join(dir, "internal", "web", "static", "vendor", "axe-core", "axe.min.js")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		dir = filepath.Dir(dir)
	}
	tb.Fatal("vendored axe-core not found")
	return ""
}
