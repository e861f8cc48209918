package booking

import (
	"testing"
	"time"
)

func TestNextRelease(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings(1)
	s.ReleaseMin = 8 * 60
	for _, c := range []struct{ now, want time.Time }{
		{time.Date(2026, 11, 23, 20, 12, 0, 0, rome), time.Date(2026, 11, 24, 8, 0, 0, 0, rome)},
		{time.Date(2026, 11, 23, 7, 59, 59, 0, rome), time.Date(2026, 11, 23, 8, 0, 0, 0, rome)},
		{time.Date(2026, 11, 23, 8, 0, 0, 0, rome), time.Date(2026, 11, 24, 8, 0, 0, 0, rome)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, rome), time.Date(2027, 1, 1, 8, 0, 0, 0, rome)},
		// The night the clocks go back: still 08:00 local the next morning.
		{time.Date(2026, 10, 24, 22, 0, 0, 0, rome), time.Date(2026, 10, 25, 8, 0, 0, 0, rome)},
	} {
		if got := s.NextRelease(c.now, rome); !got.Equal(c.want) {
			t.Errorf("NextRelease(%v) = %v, want %v", c.now, got, c.want)
		}
	}
}
