package web

import (
	"strings"
	"testing"
)

// TestCellPhoneAndFormula: a phone number reaches Excel as typed; a formula that only
// pretends to start like one ("+cmd|…", DDE) is still made text.
func TestCellPhoneAndFormula(t *testing.T) {
	for in, want := range map[string]string{
		"+39 02 1234 5678":   "+39 02 1234 5678",
		"+390212345678":      "+390212345678",
		"+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
		"+39 02|calc":        "'+39 02|calc",
		"+":                  "'+",
		"=1+1":               "'=1+1",
		"-2":                 "'-2",
		"@SUM(A1)":           "'@SUM(A1)",
		"Via Roma 1":         "Via Roma 1",
		"+ ":                 "'+ ",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCampaignCSVErrorsIT: encoding/csv's own errors, quoted by the import, reach an
// Italian page in Italian too.
func TestCampaignCSVErrorsIT(t *testing.T) {
	for _, msg := range []string{
		`malformed CSV: extraneous or missing " in quoted-field`,
		`malformed CSV: bare " in non-quoted-field`,
		`header: malformed CSV: wrong number of fields`,
	} {
		got := campaignTextIT(msg)
		if strings.Contains(got, "field") || strings.Contains(got, "header") || !strings.Contains(got, "CSV non valido") {
			t.Errorf("%q -> %q", msg, got)
		}
	}
	if got := campaignTextIT(msgVisitDayHomeOnly); got == msgVisitDayHomeOnly {
		t.Errorf("visit-day error untranslated")
	}
}
