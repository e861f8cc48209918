package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const portraits = "../photo/testdata/portraits"

func TestPhotoCheckExitCodes(t *testing.T) {
	good := filepath.Join(portraits, "compliant", "london_002_neutral.jpg")
	smile := filepath.Join(portraits, "noncompliant", "smile", "london_001_smiling.jpg")
	junk := filepath.Join(t.TempDir(), "not-a-photo.jpg")
	os.WriteFile(junk, []byte("this is not an image"), 0o600)

	code, out, errs := runCLI(t, "photo", "check", good)
	if code != ExitOK {
		t.Fatalf("compliant portrait: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "photo", "check", smile)
	if code != ExitFail || !strings.Contains(out, "expression") {
		t.Fatalf("smiling portrait: exit %d\n%s", code, out)
	}
	if code, _, errs := runCLI(t, "photo", "check", junk); code != ExitUsage || errs == "" {
		t.Fatalf("not an image: exit %d, %q", code, errs)
	}
	code, out, _ = runCLI(t, "photo", "check", "--json", good)
	var v any
	if code != ExitOK || json.Unmarshal([]byte(out), &v) != nil {
		t.Fatalf("--json: exit %d, %.200q", code, out)
	}
}

// The crop of a compliant portrait is a CIE file that itself passes the check.
func TestPhotoCropPassesCheck(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cie.jpg")
	good := filepath.Join(portraits, "compliant", "london_002_neutral.jpg")
	if code, o, e := runCLI(t, "photo", "crop", good, "-o", out); code != ExitOK {
		t.Fatalf("crop: exit %d %s%s", code, o, e)
	}
	st, err := os.Stat(out)
	if err != nil || st.Size() > 500<<10 {
		t.Fatalf("crop file: %v %v", st, err)
	}
	if code, o, _ := runCLI(t, "photo", "check", out); code != ExitOK {
		t.Fatalf("the crop fails the check:\n%s", o)
	}
}
