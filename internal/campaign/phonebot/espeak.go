package phonebot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// Espeak renders prompts to 8 kHz mono WAV files with Debian's espeak-ng and sox, the
// format Asterisk plays without transcoding. Files are named by a hash of the text, so
// fixed prompts are rendered once and dynamic ones (dates, times) once per wording.
type Espeak struct {
	Dir   string // a directory Asterisk can read (its sounds path or a subfolder)
	Voice string // espeak-ng voice, default "it"

	mu sync.Mutex
}

// Speak implements Speaker.
func (e *Espeak) Speak(ctx context.Context, p Prompt) (string, error) {
	voice := e.Voice
	if voice == "" {
		voice = "it"
	}
	sum := sha256.Sum256([]byte(voice + "\x00" + p.Text))
	base := filepath.Join(e.Dir, p.ID+"-"+hex.EncodeToString(sum[:6]))
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := os.Stat(base + ".wav"); err == nil {
		return base, nil
	}
	raw := base + ".raw.wav"
	if out, err := exec.CommandContext(ctx, "espeak-ng", "-v", voice, "-s", "140", "-w", raw, "--", p.Text).CombinedOutput(); err != nil {
		return "", fmt.Errorf("espeak-ng: %v: %s", err, out)
	}
	defer os.Remove(raw)
	if out, err := exec.CommandContext(ctx, "sox", raw, "-r", "8000", "-c", "1", "-b", "16", base+".wav").CombinedOutput(); err != nil {
		return "", fmt.Errorf("sox: %v: %s", err, out)
	}
	return base, nil
}
