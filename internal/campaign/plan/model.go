package plan

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/sportello/sportello/internal/campaign/flow"
)

// costScale turns the objective into integers: one flow cost unit is 1/100 of a
// point, so 1.3 × metres rounds by at most half a hundredth per person.
const costScale = 100

// defaultK is how many nearest offices a household starts with; pricing adds the
// others back when the duals ask for them.
const defaultK = 3

// household is one flow source: its members must come together, so its supply is
// its size. When the members' cards fall due in different weeks, the household
// enters each office at every week from the first to the last due week (the
// window); outside the window every member is late, or every one early, so the
// office's week chain prices the rest exactly.
type household struct {
	id      string
	members []int32
	dues    []int // due week of each member, sorted; may lie outside [0, weeks)
	lo, hi  int   // entry window, clamped to the horizon
}

// model is the time-chain network and what is needed to read its flow back.
type model struct {
	p       Params
	people  []Person
	offices []Office
	hhs     []household

	weeks   int
	k       int     // nearest offices per household to start with
	distU   []int64 // household×office → distance cost of all members, in units
	lateU   int64
	earlyU  int64
	penalty int64 // cost of leaving a person unplanned

	hasArc     []bool  // household×office → window arcs in the graph
	officeBase int     // index of the first office arc; office arcs are contiguous
	startY     []int64 // office×week prices that pick each household's starting arc, or nil
	// pin holds, for households left out of the graph, the office×week cell they
	// are fixed to (-1 for household nodes); see pinning.go.
	pin     []int32
	node    []int32 // household → graph node, -1 when pinned
	nodeHH  []int32 // graph node → household, for the first len(nodeHH) nodes
	g       *flow.Graph
	arcHH   []int32 // arc → household, -1 for office arcs
	capArc  []int   // office×week → arc to the sink
	chainFw []int   // office×week (week < weeks-1) → arc to the next week
	chainBw []int   // and back
	overArc []int   // office → overflow arc
}

func weekOf(start, d time.Time) int {
	days := int(math.Floor(d.Sub(start).Hours() / 24))
	return int(math.Floor(float64(days) / 7))
}

func clampWeek(w, weeks int) int { return min(max(w, 0), weeks-1) }

// timeU1 is the lateness or earliness cost of one person due in week d served in t.
func (m *model) timeU1(d, t int) int64 {
	if t > d {
		return int64(t-d) * m.lateU
	}
	return int64(d-t) * m.earlyU
}

// hhCost is the exact objective, in units, of serving household h at office o in week t.
func (m *model) hhCost(h, o, t int) int64 {
	c := m.distU[h*len(m.offices)+o]
	for _, d := range m.hhs[h].dues {
		c += m.timeU1(d, t)
	}
	return c
}

// unitCost is the per-person cost of the arc from h to office o in week t,
// rounded down so the flow model never overstates the objective and its bound
// stays a lower bound.
func (m *model) unitCost(h, o, t int) int64 {
	return m.hhCost(h, o, t) / int64(len(m.hhs[h].members))
}

func newModel(people []Person, offices []Office, p Params) *model {
	m := &model{p: p, people: people, offices: offices, weeks: p.Weeks}
	m.lateU = int64(math.Round(p.Weights.Late * costScale))
	m.earlyU = int64(math.Round(p.Weights.Early * costScale))

	index := map[string]int32{}
	for i := range people {
		id := people[i].Household
		h, ok := index[id]
		if !ok {
			h = int32(len(m.hhs))
			index[id] = h
			m.hhs = append(m.hhs, household{id: id})
		}
		hh := &m.hhs[h]
		hh.members = append(hh.members, int32(i))
		hh.dues = append(hh.dues, weekOf(p.Start, people[i].Due))
	}
	nO := len(offices)
	m.distU = make([]int64, len(m.hhs)*nO)
	officeCos := make([]float64, nO)
	for o := range offices {
		officeCos[o] = math.Cos(offices[o].Lat * rad)
	}
	maxUs := make([]int64, runtime.GOMAXPROCS(0))
	parallel(len(m.hhs), len(maxUs), func(worker, from, to int) {
		for h := from; h < to; h++ {
			hh := &m.hhs[h]
			slices.Sort(hh.dues)
			hh.lo, hh.hi = clampWeek(hh.dues[0], m.weeks), clampWeek(hh.dues[len(hh.dues)-1], m.weeks)
			for _, pi := range hh.members {
				pp := &people[pi]
				cos := math.Cos(pp.Lat * rad)
				for o := range offices {
					d := distanceCos(pp.Lat, pp.Lon, cos, offices[o].Lat, offices[o].Lon, officeCos[o])
					m.distU[h*nO+o] += int64(math.Round(p.Weights.Distance * costScale * d))
				}
			}
			for o := range offices {
				maxUs[worker] = max(maxUs[worker], m.unitCost(h, o, hh.lo), m.unitCost(h, o, hh.hi))
			}
		}
	})
	maxU := slices.Max(maxUs)
	// Leaving one person out must cost more than any way of serving them, so the
	// optimum of the full model plans everyone the capacity allows.
	m.penalty = maxU + int64(m.weeks)*max(m.lateU, m.earlyU) + 1
	return m
}

// node numbering: household nodes, then office-week nodes, then the sink.
func (m *model) owNode(o, w int) int { return len(m.nodeHH) + o*m.weeks + w }
func (m *model) sink() int           { return len(m.nodeHH) + len(m.offices)*m.weeks }

// selectNearest marks the arcs from every household to its k nearest offices.
func (m *model) selectNearest(k int) {
	nO := len(m.offices)
	k = min(k, nO)
	m.hasArc = make([]bool, len(m.hhs)*nO)
	for h := range m.hhs {
		d := m.distU[h*nO : h*nO+nO]
		has := m.hasArc[h*nO : h*nO+nO]
		for range k { // k passes of selection: k and the office count are small
			best := -1
			for o := range d {
				if !has[o] && (best < 0 || d[o] < d[best]) {
					best = o
				}
			}
			has[best] = true
		}
	}
}

// build makes the graph: a node for every household not pinned, with arcs to
// its marked offices, and the supply of every pinned household at its cell.
func (m *model) build() {
	nO, W := len(m.offices), m.weeks
	if m.pin == nil {
		m.pin = make([]int32, len(m.hhs))
		for h := range m.pin {
			m.pin[h] = -1
		}
	}
	m.node = make([]int32, len(m.hhs))
	m.nodeHH = m.nodeHH[:0]
	arcs := 0
	for h := range m.hhs {
		m.node[h] = -1
		if m.pin[h] >= 0 {
			continue
		}
		m.node[h] = int32(len(m.nodeHH))
		m.nodeHH = append(m.nodeHH, int32(h))
		for o := range nO {
			if m.hasArc[h*nO+o] {
				arcs += m.hhs[h].hi - m.hhs[h].lo + 1
			}
		}
	}
	m.g = flow.NewGraph(m.sink()+1, arcs+nO*(3*W)+nO)
	m.arcHH = make([]int32, 0, arcs+nO*(3*W)+nO)
	var total int64
	for h := range m.hhs {
		size := int64(len(m.hhs[h].members))
		total += size
		if c := m.pin[h]; c >= 0 {
			m.g.Supply[len(m.nodeHH)+int(c)] += size
			continue
		}
		m.g.Supply[m.node[h]] = size
		for o := range nO {
			if m.hasArc[h*nO+o] {
				m.addWindow(h, o, m.g.AddArc)
			}
		}
	}
	m.g.Supply[m.sink()] -= total
	m.capArc = make([]int, nO*W)
	m.chainFw = make([]int, nO*W)
	m.chainBw = make([]int, nO*W)
	m.overArc = make([]int, nO)
	m.officeBase = len(m.arcHH)
	office := func(from, to int, capacity, cost int64) int {
		m.arcHH = append(m.arcHH, -1)
		return m.g.AddArc(from, to, capacity, cost)
	}
	for o := range m.offices {
		for w := 0; w < W; w++ {
			if w+1 < W {
				m.chainFw[o*W+w] = office(m.owNode(o, w), m.owNode(o, w+1), flow.Inf, m.lateU)
				m.chainBw[o*W+w] = office(m.owNode(o, w+1), m.owNode(o, w), flow.Inf, m.earlyU)
			}
			m.capArc[o*W+w] = office(m.owNode(o, w), m.sink(), int64(m.offices[o].CapacityAt(w)), 0)
		}
		m.overArc[o] = office(m.owNode(o, W-1), m.sink(), flow.Inf, m.penalty)
	}
}

// addWindow adds, through add, the arcs from household h (a node) to office o at
// every week of its window.
func (m *model) addWindow(h, o int, add func(from, to int, capacity, cost int64) int) {
	hh := &m.hhs[h]
	for t := hh.lo; t <= hh.hi; t++ {
		// No capacity: a household node only sends, so its arcs never carry more
		// than its size anyway, and an open arc keeps a greedy start strongly
		// feasible. The bound still uses the size as the capacity (see bound).
		add(int(m.node[h]), m.owNode(o, t), flow.Inf, m.unitCost(h, o, t))
		m.arcHH = append(m.arcHH, int32(h))
	}
}

// startTree is a warm start for the simplex: every household hangs on its
// cheapest arc (at the prices startY when known, so the start is close to the
// optimum), and the office-week skeleton on the optimal basis of the small
// flow problem whose supplies are those greedy loads. Pivots then mostly move
// single households, instead of whole office-weeks of them at a time.
func (m *model) startTree() (pred, upper []int32, err error) {
	nO, W := len(m.offices), m.weeks
	base := len(m.nodeHH)
	pred = make([]int32, m.g.Nodes())
	best := make([]int64, base)
	for v := range base {
		pred[v] = -1
	}
	for a, h := range m.arcHH {
		if h < 0 {
			continue
		}
		v := m.node[h]
		c := m.g.Cost[a]
		if m.startY != nil {
			c -= m.startY[int(m.g.To[a])-base]
		}
		if pred[v] < 0 || c < best[v] {
			pred[v], best[v] = int32(a), c
		}
	}
	sk := flow.NewGraph(nO*W+1, nO*3*W+nO)
	copy(sk.Supply, m.g.Supply[base:]) // pinned households and the sink
	for v := range base {
		sk.Supply[int(m.g.To[pred[v]])-base] += m.g.Supply[v]
	}
	var toBig []int32
	for a, h := range m.arcHH {
		if h < 0 {
			sk.AddArc(int(m.g.From[a])-base, int(m.g.To[a])-base, m.g.Cap[a], m.g.Cost[a])
			toBig = append(toBig, int32(a))
		}
	}
	res, err := flow.Solve(sk)
	if err != nil {
		return nil, nil, fmt.Errorf("plan: office skeleton: %w", err)
	}
	for v, a := range res.Tree {
		pred[base+v] = -1
		if a >= 0 {
			pred[base+v] = toBig[a]
		}
	}
	for _, a := range res.Upper {
		upper = append(upper, toBig[a])
	}
	return pred, upper, nil
}

// parallel splits [0, n) into one contiguous range per worker and runs them at
// once; the work per household is independent and the machine has cores to spare
// while the simplex, which is sequential, is not running.
func parallel(n, workers int, run func(worker, from, to int)) {
	var wg sync.WaitGroup
	for w := range workers {
		from, to := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(w, from, to)
		}()
	}
	wg.Wait()
}
