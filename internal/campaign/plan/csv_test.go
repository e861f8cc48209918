package plan

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/codicefiscale"
)

const citizensHeader = "codice_fiscale,family_name,given_names,sex,birth_date,household_id,address,postcode,lat,lon,card_type,card_number,card_expiry,email,phone,due_date\n"

var refDate = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// policy is a campaign whose paper cards stop being valid on 1 June 2027.
var policy = register.PolicyFor(time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC))

func TestReadCitizens(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int      // people read
		errs    []string // substrings of the error, in order; none means success
		checkFn func(t *testing.T, ps []Person)
	}{
		{
			name: "good rows, bom, cie skipped, due date from the expiry by the policy, birth from the code",
			in: "\xef\xbb\xbf" + citizensHeader +
				"RSSMRA85T10A562S,Rossi,Mario,M,1985-12-10,H1,Via Roma 1,20100,45.46,9.19,paper,AA1,2026-09-01,,,2026-03-10\n" +
				"bnclra90a41f205i,Bianchi,Lara,F,,H1,Via Roma 1,20100,45.46,9.19,paper,AA2,2026-09-01,,,\n" +
				"PLLGNN60D45H501M,Pellegrini,Giovanna,F,1960-04-05,H2,Via Po 2,20100,45.47,9.18,cie,CA1,2031-01-01,,,\n",
			want: 2,
			checkFn: func(t *testing.T, ps []Person) {
				// the card expires on 1 Sep 2026, before the paper cards' 1 Jun 2027: due
				// a month before its expiry, as the import derives it
				if ps[1].CF != "BNCLRA90A41F205I" || ps[1].Due.Format("2006-01-02") != "2026-08-02" ||
					ps[1].Birth.Format("2006-01-02") != "1990-01-01" || ps[1].Line != 3 {
					t.Fatalf("second person: %+v", ps[1])
				}
				if ps[0].Due.Format("2006-01-02") != "2026-03-10" {
					t.Fatalf("due_date not preferred to card_expiry: %v", ps[0].Due)
				}
			},
		},
		{
			name: "paper card past the paper-invalid day: due a month before that day",
			in: citizensHeader +
				"RSSMRA85T10A562S,Rossi,Mario,M,1985-12-10,H1,Via Roma 1,20100,45.46,9.19,paper,AA1,2031-01-01,,,\n",
			want: 1,
			checkFn: func(t *testing.T, ps []Person) {
				if got, want := ps[0].Due, policy.Due(register.CardPaper, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)); !got.Equal(want) || got.Format(time.DateOnly) != "2027-05-02" {
					t.Fatalf("due %v, want %v (2027-05-02)", got, want)
				}
			},
		},
		{
			// what an Italian spreadsheet saves, and campaign import takes
			name: "semicolons, decimal commas, latin-1",
			in: strings.ReplaceAll(citizensHeader, ",", ";") +
				"RSSMRA85T10A562S;Rossi;Mario;M;10/12/1985;H1;Citt\xe0 Studi;20100;45,46;9,19;paper;AA1;01/09/2026;;;\n",
			want: 1,
			checkFn: func(t *testing.T, ps []Person) {
				if ps[0].Lat != 45.46 || ps[0].Lon != 9.19 || ps[0].Due.Format(time.DateOnly) != "2026-08-02" || ps[0].Birth.Format(time.DateOnly) != "1985-12-10" {
					t.Fatalf("got %+v", ps[0])
				}
			},
		},
		{
			name: "latin-1 household id and a frail column",
			in: "codice_fiscale,household_id,lat,lon,due_date,frail\n" +
				"RSSMRA85T10A562S,Famiglia N\xfa 1,45.4,9.1,10/03/2026,s\xec\n", // all Latin-1, as a file is in one encoding
			want: 1,
			checkFn: func(t *testing.T, ps []Person) {
				if ps[0].Household != "Famiglia Nú 1" || !ps[0].Frail || ps[0].Due.Format("2006-01-02") != "2026-03-10" {
					t.Fatalf("got %+v", ps[0])
				}
			},
		},
		{
			name: "every bad row reported with its line",
			in: citizensHeader +
				"RSSMRA85T10A562T,R,M,M,,H1,,,45.46,9.19,paper,,2026-09-01,,,\n" +
				"RSSMRA85T10A562S,R,M,M,,H1,,,95,9.19,paper,,2026-09-01,,,\n" +
				"RSSMRA85T10A562S,R,M,M,,H1,,,45.46,9.19,paper,,,,,\n" +
				"BNCLRA90A41F205I,B,L,F,,H1,,,45.46,9.19,plastic,,2026-09-01,,,\n" +
				"PLLGNN60D45H501M,P,G,F,1960-13-05,H2,,,45.46,9.19,paper,,2026-09-01,,,\n" +
				"XXXYYY00B29F205K,X,Y,M,,H3,,,45.46,abc,paper,,2026-09-01,,,\n",
			errs: []string{"6 bad row(s)", "line 2: codice fiscale: wrong check character at position 16: 'T', expected 'S'",
				"line 3: lat: 95 outside ±90", "line 4: due_date and card_expiry both empty", "line 5: card_type", "line 6: birth_date", "line 7: lon"},
		},
		{
			name: "duplicate person",
			in: citizensHeader +
				"RSSMRA85T10A562S,R,M,M,,H1,,,45.46,9.19,paper,,2026-09-01,,,\n" +
				"rssmra85t10a562s,R,M,M,,H1,,,45.46,9.19,paper,,2026-09-01,,,\n",
			errs: []string{"line 3: codice_fiscale: same person as line 2"},
		},
		{
			name: "missing columns",
			in:   "codice_fiscale,lat\nRSSMRA85T10A562S,45\n",
			errs: []string{"line 1: missing column(s) household_id, lon"},
		},
		{
			name: "no due column at all",
			in:   "codice_fiscale,household_id,lat,lon\n",
			errs: []string{"want a due_date or card_expiry column"},
		},
		{
			name: "wrong field count",
			in:   "codice_fiscale,household_id,lat,lon,due_date\nRSSMRA85T10A562S,H1,45,9\n",
			errs: []string{"line 2: wrong number of fields"},
		},
		{
			name: "bad quoting stops the read",
			in:   "codice_fiscale,household_id,lat,lon,due_date\nRSSMRA85T10A562S,\"H1,45,9,2026-01-01\n",
			errs: []string{"line 2"},
		},
		{
			name: "empty file",
			in:   "",
			errs: []string{"empty file"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := ReadCitizens(strings.NewReader(tt.in), "CITIZENS.csv", refDate, policy)
			if len(tt.errs) > 0 {
				if err == nil {
					t.Fatalf("no error, read %d people", len(ps))
				}
				msg := err.Error()
				at := 0
				for _, e := range tt.errs {
					i := strings.Index(msg[at:], e)
					if i < 0 {
						t.Fatalf("error lacks %q (in order):\n%s", e, msg)
					}
					at += i
				}
				if ps != nil {
					t.Fatalf("partial result returned with an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != tt.want {
				t.Fatalf("read %d people, want %d", len(ps), tt.want)
			}
			if tt.checkFn != nil {
				tt.checkFn(t, ps)
			}
		})
	}
}

func TestReadOffices(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
		err  string
	}{
		{"good", "office_id,name,address,lat,lon,capacity_per_week\nA,Centro,Via Larga 12,45.46,9.19,400\nB,Zara,Viale Zara 100,45.49,9.19,300\n", 2, ""},
		{"duplicate", "office_id,lat,lon,capacity_per_week\nA,45,9,10\nA,45,9,10\n", 0, `line 3: office_id: "A" already on line 2`},
		{"bad capacity", "office_id,lat,lon,capacity_per_week\nA,45,9,-3\n", 0, "line 2: capacity_per_week"},
		{"no capacity column", "office_id,lat,lon\nA,45,9\n", 0, "missing column(s) capacity_per_week"},
		{"no rows", "office_id,lat,lon,capacity_per_week\n", 0, "no offices"},
		{"empty id", "office_id,lat,lon,capacity_per_week\n,45,9,10\n", 0, "line 2: office_id: empty"},
		{"semicolons and decimal commas", "office_id;name;address;lat;lon;capacity_per_week\nA;Centro;Via Larga 12;45,46;9,19;400\n", 1, ""},
		{"weekly capacities", "office_id,lat,lon,capacity_per_week,capacity_weeks\nA,45,9,10,10;0; 8\nB,45,9,10,\n", 2, ""},
		{"bad weekly capacity", "office_id,lat,lon,capacity_per_week,capacity_weeks\nA,45,9,10,10;x\n", 0, `line 2: capacity_weeks: week 1: "x"`},
		{"negative weekly capacity", "office_id,lat,lon,capacity_per_week,capacity_weeks\nA,45,9,10,-1\n", 0, "line 2: capacity_weeks: week 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os, err := ReadOffices(strings.NewReader(tt.in), "OFFICES.csv")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || len(os) != tt.want {
				t.Fatalf("got %d offices, %v", len(os), err)
			}
			if tt.name == "semicolons and decimal commas" && (os[0].Lat != 45.46 || os[0].Lon != 9.19 || os[0].Capacity != 400) {
				t.Fatalf("office %+v", os[0])
			}
			if tt.name == "weekly capacities" && (fmt.Sprint(os[0].Weekly) != "[10 0 8]" || os[1].Weekly != nil || os[0].CapacityAt(3) != 10) {
				t.Fatalf("weekly capacities %v %v", os[0].Weekly, os[1].Weekly)
			}
		})
	}
}

func FuzzReadCitizens(f *testing.F) {
	f.Add([]byte(citizensHeader + "RSSMRA85T10A562S,Rossi,Mario,M,1985-12-10,H1,Via Roma 1,20100,45.46,9.19,paper,AA1,2026-09-01,,,2026-03-10\n"))
	f.Add([]byte("codice_fiscale,household_id,lat,lon,card_expiry,frail\n01234567897,,45,9,01/02/2026,1\n"))
	f.Add([]byte("codice_fiscale,household_id,lat,lon,due_date\n\"a\"\"b\",x,1,2,2026-01-01\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := ReadCitizens(strings.NewReader(string(data)), "f.csv", refDate, policy)
		if err != nil {
			var re *RowErrors
			if errors.As(err, &re) && (re.Total == 0 || len(re.Rows) == 0) {
				t.Fatalf("row error without rows: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, p := range ps {
			if !codicefiscale.Valid(p.CF) || seen[p.CF] || p.Household == "" || p.Due.IsZero() ||
				p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 || p.Line < 2 {
				t.Fatalf("bad person accepted: %+v", p)
			}
			seen[p.CF] = true
		}
	})
}

func FuzzReadOffices(f *testing.F) {
	f.Add([]byte("office_id,name,address,lat,lon,capacity_per_week\nA,Centro,Via Larga 12,45.46,9.19,400\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		os, err := ReadOffices(strings.NewReader(string(data)), "f.csv")
		if err != nil {
			return
		}
		ids := map[string]bool{}
		for _, o := range os {
			if o.ID == "" || ids[o.ID] || o.Capacity < 0 {
				t.Fatalf("bad office accepted: %+v", o)
			}
			ids[o.ID] = true
		}
	})
}

// TestReadCitizensDueAsImport reads one file with the plan's reader and the import's
// (register.Parse) under the same policy: every person gets the same due date, so a
// file plans the same from the CLI as once imported.
func TestReadCitizensDueAsImport(t *testing.T) {
	in := citizensHeader +
		"RSSMRA85T10A562S,Rossi,Mario,M,1985-12-10,H1,Via Roma 1,20100,45.46,9.19,paper,AA1,2031-01-01,,,\n" +
		"BNCLRA90A41F205I,Bianchi,Lara,F,1990-01-01,H1,Via Roma 1,20100,45.46,9.19,paper,AA2,2026-09-01,,,\n" +
		"PLLGNN60D45H501M,Pellegrini,Giovanna,F,1960-04-05,H2,Via Po 2,20100,45.47,9.18,paper,AA3,2030-01-01,,,2027-02-03\n"
	ps, err := ReadCitizens(strings.NewReader(in), "CITIZENS.csv", refDate, policy)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := register.Parse([]byte(in), register.Options{Policy: policy, Ref: refDate})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != len(cs) {
		t.Fatalf("plan read %d, import %d", len(ps), len(cs))
	}
	for i := range ps {
		if ps[i].CF != cs[i].CF || !ps[i].Due.Equal(cs[i].Due) {
			t.Errorf("%s: plan due %v, import due %v", ps[i].CF, ps[i].Due.Format(time.DateOnly), cs[i].Due.Format(time.DateOnly))
		}
	}
}
