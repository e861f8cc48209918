package cli

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/testdb"
)

const policyHead = "codice_fiscale,family_name,given_names,sex,birth_date,household_id,address,postcode,lat,lon,card_type,card_number,card_expiry,email,phone,due_date\n"

// TestCampaignImportUsesPaperInvalidSetting: a paper card without due_date is due a
// month before the campaign's "Carte cartacee non valide dal" (the day letters
// quote), not before a fixed 3 August 2026; a card expiring earlier, before its
// expiry. SQLite, and PostgreSQL when SPORTELLO_TEST_POSTGRES is set.
func TestCampaignImportUsesPaperInvalidSetting(t *testing.T) {
	ctx := context.Background()
	dsn, dir := testdb.DSN(t)
	cfg := config.Default()
	cfg.DataDir, cfg.DB = dir, dsn
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	set, err := st.CampaignSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.Start = time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	set.Deadline = set.Start.AddDate(0, 0, 7*set.Weeks)
	set.PaperInvalidFrom = time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC)
	if err := st.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	st.Close()
	file := filepath.Join(t.TempDir(), "c.csv")
	body := policyHead +
		"RSSMRA85T10A562S,Rossi,Mario,M,1985-12-10,H1,Via Larga 12,20122,45.46,9.19,paper,AX1,2031-03-01,,,\n" +
		"BNCLRA90A41F205I,Bianchi,Lara,F,1990-01-01,H1,Via Larga 12,20122,45.46,9.19,paper,AX2,2027-05-01,,,\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"campaign", "import", "--citizens", file, "--data", dir}
	if dsn != "" {
		args = append(args, "--db", dsn)
	}
	if code, _, stderr := runCampaignCLI(args...); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	st, _, err = openStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for cf, want := range map[string]string{"RSSMRA85T10A562S": "2027-08-02", "BNCLRA90A41F205I": "2027-04-01"} {
		c, err := st.CampaignCitizen(ctx, cf)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Due.Format(time.DateOnly); got != want {
			t.Errorf("%s due %s, want %s", cf, got, want)
		}
	}
}

// TestCampaignPlanReadsWhatImportReads: a file as an Italian spreadsheet saves it (';'
// between fields, decimal commas, DD/MM/YYYY), which campaign import takes, plans too,
// offices included.
func TestCampaignPlanReadsWhatImportReads(t *testing.T) {
	dir := t.TempDir()
	citizens, offices := filepath.Join(dir, "CITIZENS.csv"), filepath.Join(dir, "OFFICES.csv")
	body := strings.ReplaceAll(policyHead, ",", ";") +
		"RSSMRA85T10A562S;Rossi;Mario;M;10/12/1985;H1;Via Larga 12;20122;45,46;9,19;paper;AX1;01/03/2031;;;\n" +
		"BNCLRA90A41F205I;Bianchi;Lara;F;01/01/1990;H1;Via Larga 12;20122;45,46;9,19;paper;AX2;01/03/2031;;;\n"
	if err := os.WriteFile(citizens, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(offices, []byte("office_id;name;address;lat;lon;capacity_per_week\nlarga;Via Larga;Via Larga 12;45,4606;9,1937;50\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCampaignCLI("campaign", "import", "--citizens", citizens, "--data", filepath.Join(dir, "data")); code != ExitOK {
		t.Fatalf("import: exit %d: %s %s", code, stdout, stderr)
	}
	out := filepath.Join(dir, "PLAN.csv")
	code, stdout, stderr := runCampaignCLI("campaign", "plan", "--citizens", citizens, "--offices", offices, "--start", "2027-01-04", "--weeks", "4", "--out", out)
	if code != ExitOK {
		t.Fatalf("plan: exit %d: %s %s", code, stdout, stderr)
	}
	if rows := readPlan(t, out); len(rows) != 3 {
		t.Fatalf("plan rows %v, want a header and 2 people", rows)
	}
}

// TestCampaignPlanPatronDay plans from Monday 7 December 2026 (Sant'Ambrogio, Milan's
// patron day): without --patron-day people land on it, with --patron-day 12-07 nobody
// does, and nobody ever on the Immacolata the day after.
func TestCampaignPlanPatronDay(t *testing.T) {
	dir := t.TempDir()
	citizens, offices := writeInstance(t, dir, plan.NewSynthetic(300, 2, true))
	out := filepath.Join(dir, "PLAN.csv")
	for _, patron := range []string{"", "12-07"} {
		code, stdout, stderr := runCampaignCLI("campaign", "plan", "--citizens", citizens, "--offices", offices,
			"--start", "2026-12-07", "--weeks", "1", "--patron-day", patron, "--out", out)
		if code != ExitOK {
			t.Fatalf("exit %d: %s %s", code, stdout, stderr)
		}
		days := map[string]int{}
		for _, r := range readPlan(t, out)[1:] {
			days[r[3]]++
		}
		if days["2026-12-08"] > 0 || (patron == "" && days["2026-12-07"] == 0) || (patron != "" && days["2026-12-07"] > 0) || len(days) == 0 {
			t.Fatalf("--patron-day %q: people per day %v", patron, days)
		}
	}
	if code, _, stderr := runCampaignCLI("campaign", "plan", "--citizens", citizens, "--offices", offices, "--start", "2026-12-07", "--patron-day", "13-40", "--out", out); code != ExitUsage || !strings.Contains(stderr, "--patron-day") {
		t.Fatalf("bad --patron-day: exit %d, %s", code, stderr)
	}
}

func readPlan(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
