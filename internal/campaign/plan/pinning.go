package plan

import (
	"context"
	"math"
	"runtime"
	"slices"
)

// Pinning keeps very large instances fast. The simplex moves whole subtrees of
// households when an office-week changes its place in the tree, so its work grows
// with the square of the households. Most households, though, have one office and
// week far cheaper than any other at the prices (potentials) the office-weeks end
// up with. Those are pinned: left out of the graph, their supply put straight at
// that cell. Prices come from solving a sample first; pricing after each solve
// unpins every household whose pinned cell stopped being its cheapest, so the
// final bound still covers every arc of the full model.

// directLimit is the number of households solved without pinning, and the least
// number left as nodes when pinning.
const directLimit = 15000

// keepFactor sets how many households stay nodes when pinning: keepFactor ×
// √households. The free households must absorb the errors of the sample's prices
// (with too few, pricing unpins tens of thousands and the graph grows back), but
// the simplex's work grows with the square of the nodes; measured at 1 M people,
// 35,000 nodes of 528,000 households was the fastest. Below about 100,000
// households that is under directLimit; the floor is half of it, not all: a
// Milan re-plan (20,000 households) kept 15,000 as nodes and spent 0.37 s in
// the simplex, with 7,500 0.18 s (Milan's first plan 0.36 s → 0.21 s), both
// still proven optimal by pricing.
const keepFactor = 48

// sampleMin is the least sample that estimates the prices; otherwise a quarter
// of the households, itself solved with pinning when large, so every level's
// prices come from a solve four times smaller (10,000 of Milan's 43,000
// households price well enough). Below directLimit×4/3 a quarter is under it, so
// every instance that pins samples a quarter: a floor of 10,000 made the 20,000
// households of a Milan re-plan solve half of them first, which cost more than
// the pinned solve it priced (re-plan solve 0.77 s → 0.49 s, same plan).
const sampleMin = 2500

// prepare builds the graph: the nearest offices of every household, and for a
// large instance the pinning at the prices of a sample's optimum.
func (m *model) prepare(ctx context.Context) error {
	m.selectNearest(m.k)
	if n := len(m.hhs); n > directLimit {
		y, err := m.samplePrices(ctx, min(max(n/4, sampleMin), n))
		if err != nil {
			return err
		}
		m.pinByPrices(y, max(directLimit/2, int(keepFactor*math.Sqrt(float64(n)))))
		m.startY = y
	}
	m.build()
	return nil
}

// pinByPrices pins all but about keep households, those whose cheapest cell at
// prices y (office×week) beats every other by the widest margin.
func (m *model) pinByPrices(y []int64, keep int) {
	nO, W := len(m.offices), m.weeks
	type cand struct {
		h    int32
		cell int32
		gap  int64
	}
	cands := make([]cand, len(m.hhs))
	parallel(len(m.hhs), runtime.GOMAXPROCS(0), func(_, from, to int) {
		for h := from; h < to; h++ {
			hh := &m.hhs[h]
			best, second := int64(1)<<62, int64(1)<<62
			cell := -1
			for o := 0; o < nO; o++ {
				for t := hh.lo; t <= hh.hi; t++ {
					c := m.unitCost(h, o, t) - y[o*W+t]
					if c < best {
						best, second, cell = c, best, o*W+t
					} else if c < second {
						second = c
					}
				}
			}
			cands[h] = cand{int32(h), int32(cell), second - best}
		}
	})
	// Every household also gets an arc to the office of its cheapest cell at y. The
	// K nearest miss it when the near offices are full, as in a re-plan on the
	// capacity a first plan left: the restricted solve then prices those offices
	// wrong, pricing unpins most pinned households and the graph grows back (a Milan
	// re-plan: 8,808 of 12,468 unpinned, simplex 0.46 s; with the arc 637, 0.08 s).
	for _, c := range cands {
		m.hasArc[int(c.h)*nO+int(c.cell)/W] = true
	}
	m.pin = make([]int32, len(m.hhs))
	for h := range m.pin {
		m.pin[h] = -1
	}
	if keep >= len(cands) {
		return
	}
	slices.SortFunc(cands, func(a, b cand) int {
		switch {
		case a.gap > b.gap:
			return -1
		case a.gap < b.gap:
			return 1
		}
		return int(a.h - b.h)
	})
	for _, c := range cands[:len(cands)-keep] {
		m.pin[c.h] = c.cell
	}
}

// samplePrices solves every k-th household with capacities scaled down alike and
// returns the office-week potentials of its optimum.
func (m *model) samplePrices(ctx context.Context, households int) ([]int64, error) {
	// The sample must be strictly smaller than the instance: between directLimit and
	// twice sampleMin households a step of 1 would sample everything, and prepare
	// would recurse on the same instance until memory ran out.
	step := max((len(m.hhs)+households-1)/households, 2)
	var people []Person
	total := 0
	for h := 0; h < len(m.hhs); h += step {
		for _, pi := range m.hhs[h].members {
			people = append(people, m.people[pi])
		}
	}
	for h := range m.hhs {
		total += len(m.hhs[h].members)
	}
	share := float64(len(people)) / float64(total)
	offices := slices.Clone(m.offices)
	for o := range offices {
		offices[o].Capacity = int(float64(offices[o].Capacity)*share + 0.5)
		if w := offices[o].Weekly; w != nil {
			offices[o].Weekly = make([]int, len(w))
			for t, c := range w {
				offices[o].Weekly[t] = int(float64(c)*share + 0.5)
			}
		}
	}
	sub := newModel(people, offices, m.p)
	sub.k = m.k
	if err := sub.prepare(ctx); err != nil {
		return nil, err
	}
	sol, err := sub.solveLP(ctx)
	if err != nil {
		return nil, err
	}
	return sub.prices(sol.res.Potential), nil
}

// prices are the office-week potentials of a solution, office×week.
func (m *model) prices(pi []int64) []int64 {
	nO, W := len(m.offices), m.weeks
	y := make([]int64, nO*W)
	for o := 0; o < nO; o++ {
		for t := 0; t < W; t++ {
			y[o*W+t] = pi[m.owNode(o, t)]
		}
	}
	return y
}
