package plan

import "testing"

func BenchmarkRunMilan(b *testing.B) {
	s := NewSynthetic(82142, 1, false)
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(s.People, s.Offices, s.Params)
		if err != nil {
			b.Fatal(err)
		}
		st := res.Stats
		b.ReportMetric(st.Gap*100, "gap%")
		b.ReportMetric(float64(st.Arcs), "arcs")
		b.Logf("%+v", st)
	}
}
