package phonebot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// fakeBackend is the campaign as the line sees it: one letter, with alternatives.
type fakeBackend struct {
	code      string
	year      int
	alts      []Slot
	confirmed []string
	taken     map[string]bool
	fail      error
}

var rome, _ = time.LoadLocation("Europe/Rome")

func slot(id string, day, hour, min int) Slot {
	return Slot{ID: id, Office: "Via Larga 12", Start: time.Date(2026, 2, day, hour, min, 0, 0, rome), Minutes: 20}
}

func (f *fakeBackend) Find(_ context.Context, code string, year int) (*Proposal, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	if code != f.code || year != f.year {
		return nil, ErrNoMatch
	}
	return &Proposal{ID: "p1", Household: 2, Slot: slot("s0", 2, 9, 20)}, nil
}

func (f *fakeBackend) Alternatives(context.Context, string, int) ([]Slot, error) { return f.alts, nil }

func (f *fakeBackend) Confirm(_ context.Context, _ string, s Slot) error {
	if f.taken[s.ID] {
		return ErrSlotTaken
	}
	f.confirmed = append(f.confirmed, s.ID)
	return nil
}

func newBackend() *fakeBackend {
	return &fakeBackend{code: "12345678", year: 1948, alts: []Slot{slot("s1", 3, 10, 0), slot("s2", 4, 8, 40)}, taken: map[string]bool{}}
}

func TestDialogues(t *testing.T) {
	cases := []struct {
		name      string
		keys      []string
		prep      func(*fakeBackend)
		end       State
		confirmed string
		said      string // in the last prompt
	}{
		{"confirm the proposal", []string{"12345678#", "1948", "1"}, nil, Confirmed, "s0", "lunedì 2 febbraio alle 9 e 20, in Via Larga 12"},
		{"take the second alternative", []string{"12345678", "1948", "2", "2", "1"}, nil, Confirmed, "s2", "mercoledì 4 febbraio alle 8 e 40"},
		{"operator on 3", []string{"12345678", "1948", "3"}, nil, ToOperator, "", "operatore"},
		{"wrong year then right", []string{"12345678", "1950", "12345678", "1948", "1"}, nil, Confirmed, "s0", "confermato"},
		{"three wrong codes go to a person", []string{"123", "abc", "1"}, nil, ToOperator, "", "operatore"},
		{"silence three times", []string{"", "", ""}, nil, ToOperator, "", "Non ho ricevuto risposta"},
		{"star repeats the offer", []string{"12345678", "1948", "*", "1"}, nil, Confirmed, "s0", "confermato"},
		{"alternatives run out", []string{"12345678", "1948", "2", "2", "2"}, nil, ToOperator, "", "Non ho altri orari"},
		{"slot taken while listening", []string{"12345678", "1948", "1", "1"}, func(f *fakeBackend) { f.taken["s0"] = true }, Confirmed, "s1", "confermato"},
		{"bad menu choice", []string{"12345678", "1948", "9", "1"}, nil, Confirmed, "s0", "confermato"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBackend()
			if tc.prep != nil {
				tc.prep(b)
			}
			d := New(b, rome)
			p := d.Start()
			if !strings.Contains(p.Text, "codice") {
				t.Fatalf("greeting %q", p.Text)
			}
			for _, k := range tc.keys {
				var err error
				if p, err = d.Input(context.Background(), k); err != nil {
					t.Fatal(err)
				}
			}
			if d.State() != tc.end {
				t.Fatalf("state %s, want %s (last prompt %q)", d.State(), tc.end, p.Text)
			}
			if tc.confirmed != "" && (len(b.confirmed) != 1 || b.confirmed[0] != tc.confirmed) {
				t.Errorf("confirmed %v, want %s", b.confirmed, tc.confirmed)
			}
			if tc.confirmed == "" && len(b.confirmed) > 0 {
				t.Errorf("confirmed %v without a 1", b.confirmed)
			}
			if !strings.Contains(p.Text, tc.said) {
				t.Errorf("last prompt %q lacks %q", p.Text, tc.said)
			}
		})
	}
}

func TestHouseholdIsSpoken(t *testing.T) {
	d := New(newBackend(), rome)
	d.Start()
	d.Input(context.Background(), "12345678")
	p, _ := d.Input(context.Background(), "1948")
	if !strings.Contains(p.Text, "per 2 persone del suo nucleo familiare") || p.Digits != 1 {
		t.Errorf("offer %+v", p)
	}
}

func TestBackendFailureGoesToOperator(t *testing.T) {
	b := newBackend()
	b.fail = errors.New("database down")
	d := New(b, rome)
	d.Start()
	d.Input(context.Background(), "12345678")
	p, err := d.Input(context.Background(), "1948")
	if err == nil || d.State() != ToOperator || !strings.Contains(p.Text, "operatore") {
		t.Errorf("state %s, prompt %q, err %v", d.State(), p.Text, err)
	}
}

func FuzzDialog(f *testing.F) {
	f.Add("12345678#", "1948", "2")
	f.Add("", "*", "9")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		d := New(newBackend(), rome)
		d.Start()
		for _, k := range []string{a, b, c, "1", "2", "3"} {
			p, _ := d.Input(context.Background(), k)
			if p.Text == "" {
				t.Fatalf("empty prompt after %q in state %s", k, d.State())
			}
		}
	})
}
