package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/campaign/plan"
)

// writeInstance writes a synthetic instance as the CSV files the command reads.
func writeInstance(t *testing.T, dir string, s *plan.Synthetic) (citizens, offices string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("codice_fiscale,family_name,given_names,sex,birth_date,household_id,address,postcode,lat,lon,card_type,card_number,card_expiry,email,phone,due_date\n")
	for _, p := range s.People {
		fmt.Fprintf(&b, "%s,X,Y,M,%s,%s,Via Roma 1,20100,%.6f,%.6f,paper,AA0,2030-01-01,,,%s\n",
			p.CF, p.Birth.Format("2006-01-02"), p.Household, p.Lat, p.Lon, p.Due.Format("2006-01-02"))
	}
	citizens = filepath.Join(dir, "CITIZENS.csv")
	if err := os.WriteFile(citizens, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	b.WriteString("office_id,name,address,lat,lon,capacity_per_week\n")
	for _, o := range s.Offices {
		fmt.Fprintf(&b, "%s,%s,Via X,%.6f,%.6f,%d\n", o.ID, o.Name, o.Lat, o.Lon, o.Capacity)
	}
	offices = filepath.Join(dir, "OFFICES.csv")
	if err := os.WriteFile(offices, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return citizens, offices
}

func runCampaignCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, args)
	return code, out.String(), errb.String()
}

func TestCampaignPlan(t *testing.T) {
	dir := t.TempDir()
	s := plan.NewSynthetic(600, 3, true)
	citizens, offices := writeInstance(t, dir, s)
	out := filepath.Join(dir, "PLAN.csv")
	code, stdout, stderr := runCampaignCLI("campaign", "plan", "--citizens", citizens, "--offices", offices,
		"--start", s.Params.Start.Format("2006-01-02"), "--weeks", "26", "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "lower bound") || !strings.Contains(stdout, "gap") {
		t.Fatalf("summary lacks bound and gap:\n%s", stdout)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "codice_fiscale,household_id,office_id,date,time" {
		t.Fatalf("header %v", rows[0])
	}
	// With 600 people an office-week takes three, so households of four or five
	// cannot come: they must be listed with the reason instead.
	unplanned := 0
	if b, err := os.ReadFile(filepath.Join(dir, "PLAN-unplanned.csv")); err == nil {
		un, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil || un[0][2] != "reason" {
			t.Fatalf("unplanned file: %v %v", un, err)
		}
		for _, r := range un[1:] {
			if !strings.HasPrefix(r[2], "capacity short") {
				t.Fatalf("reason %q", r[2])
			}
		}
		unplanned = len(un) - 1
	}
	if len(rows)-1+unplanned != len(s.People) {
		t.Fatalf("%d planned and %d unplanned for %d people", len(rows)-1, unplanned, len(s.People))
	}
	where := map[string]string{}
	for _, r := range rows[1:] {
		at := r[2] + " " + r[3]
		if prev, ok := where[r[1]]; ok && prev != at {
			t.Fatalf("household %s split: %s and %s", r[1], prev, at)
		}
		where[r[1]] = at
	}
}

func TestCampaignPlanErrors(t *testing.T) {
	dir := t.TempDir()
	s := plan.NewSynthetic(20, 3, true)
	citizens, offices := writeInstance(t, dir, s)
	bad := filepath.Join(dir, "BAD.csv")
	os.WriteFile(bad, []byte("codice_fiscale,household_id,lat,lon,due_date\nRSSMRA85T10A562T,H1,45,9,2026-01-01\n"), 0o600)
	out := filepath.Join(dir, "PLAN.csv")
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no flags", []string{"campaign", "plan"}, ExitUsage, "required"},
		{"bad start", []string{"campaign", "plan", "--citizens", citizens, "--offices", offices, "--start", "3/1/2026", "--out", out}, ExitUsage, "--start"},
		{"bad row", []string{"campaign", "plan", "--citizens", bad, "--offices", offices, "--start", "2026-01-05", "--out", out}, ExitUsage, "line 2: codice fiscale: wrong check character"},
		{"missing file", []string{"campaign", "plan", "--citizens", filepath.Join(dir, "nope.csv"), "--offices", offices, "--start", "2026-01-05", "--out", out}, ExitUsage, "nope.csv"},
		{"zero weeks", []string{"campaign", "plan", "--citizens", citizens, "--offices", offices, "--start", "2026-01-05", "--weeks", "0", "--out", out}, ExitUsage, "--weeks 0"},
		{"unknown subcommand", []string{"campaign", "frobnicate"}, ExitUsage, "unknown subcommand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCampaignCLI(tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.err) {
				t.Fatalf("exit %d, stderr %q; want %d with %q", code, stderr, tt.code, tt.err)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatalf("a failed run left %s behind", out)
	}
}

func TestCampaignBench(t *testing.T) {
	code, stdout, stderr := runCampaignCLI("campaign", "bench", "--people", "1500,3000", "--seed", "2")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 7 || !strings.Contains(lines[1], "gap") || !strings.HasPrefix(strings.TrimSpace(lines[2]), "1500") ||
		!strings.HasPrefix(strings.TrimSpace(lines[3]), "3000") {
		t.Fatalf("unexpected table:\n%s", stdout)
	}
}
