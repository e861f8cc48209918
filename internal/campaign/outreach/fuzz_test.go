package outreach

import (
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/store"
)

// FuzzVerify: no token but the one signed for the proposal opens it.
func FuzzVerify(f *testing.F) {
	s := New(nil, nil, nil, nil, []byte(strings.Repeat("k", 32)), "", time.UTC)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	p := &store.CampaignProposal{ID: 7, Nonce: "n1", Deadline: now.Add(time.Hour)}
	good := s.Token(p)
	f.Add(good)
	f.Add(good[:10])
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		got, err := s.verify(tok, func(id int64) (*store.CampaignProposal, error) {
			q := *p
			q.ID = id
			return &q, nil
		})
		if err == nil && (tok != good || got.ID != 7) {
			t.Fatalf("token %q accepted", tok)
		}
	})
}

// FuzzParseSlotID: a slot id either parses into a real date and numbers, or is refused.
func FuzzParseSlotID(f *testing.F) {
	f.Add(slotID(3, "2026-02-10", 540))
	f.Add("3-2026-02-10-")
	f.Add("-1-2026-13-40-9")
	f.Fuzz(func(t *testing.T, id string) {
		office, day, minute, err := parseSlotID(id)
		if err != nil {
			return
		}
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			t.Fatalf("day %q accepted", day)
		}
		if slotID(office, day, minute) != id && !strings.Contains(id, "+") && !strings.HasPrefix(strings.SplitN(id, "-", 2)[0], "0") {
			t.Logf("non-canonical id %q accepted as %d %s %d", id, office, day, minute)
		}
	})
}
