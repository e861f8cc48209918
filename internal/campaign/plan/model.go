package plan

import (
	"math"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/campaign/flow"
)

// costScale turns the objective into integers: one flow cost unit is 1/100 of a
// point, so 1.3 × metres rounds by at most half a hundredth per person.
const costScale = 100

// defaultK is how many nearest offices a household starts with; pricing adds the
// others back when the duals ask for them.
const defaultK = 3

// group is the members of one household that share a due week and a residence:
// they are interchangeable in the objective, so they form one flow source.
type group struct {
	hh      int32
	due     int // week index, may lie outside [0, weeks)
	size    int32
	members []int32
}

// model is the time-chain network and what is needed to read its flow back.
type model struct {
	p       Params
	people  []Person
	offices []Office
	hhs     [][]int32 // household → groups
	hhIDs   []string
	groups  []group

	weeks   int
	distU   []int64 // group×office → distance cost per person, in units
	lateU   int64
	earlyU  int64
	penalty int64 // cost of leaving a person unplanned

	g         *flow.Graph
	hasArc    []bool  // group×office → arc in the graph
	arcGroup  []int32 // household arcs come first: arc → group
	arcOffice []int32 // and arc → office
	nHHArcs   int
	chainFwd  []int // office×week (week < weeks-1) → arc index
	chainBwd  []int
	capArc    []int // office×week → arc to the sink
	overArc   []int // office → overflow arc
}

func weekOf(start, d time.Time, weeks int) int {
	days := int(math.Floor(d.Sub(start).Hours() / 24))
	return int(math.Floor(float64(days) / 7))
}

func clampWeek(w, weeks int) int { return min(max(w, 0), weeks-1) }

// timeU is the lateness or earliness cost per person served in week t when due in d.
func (m *model) timeU(d, t int) int64 {
	if t > d {
		return int64(t-d) * m.lateU
	}
	return int64(d-t) * m.earlyU
}

// entryU is what an arc from a group to its office's due-week node costs beyond
// distance: the weeks between a due week outside the horizon and the horizon.
func (m *model) entryU(d int) int64 {
	return m.timeU(d, clampWeek(d, m.weeks))
}

func newModel(people []Person, offices []Office, p Params) *model {
	m := &model{p: p, people: people, offices: offices, weeks: p.Weeks}
	m.lateU = int64(math.Round(p.Weights.Late * costScale))
	m.earlyU = int64(math.Round(p.Weights.Early * costScale))

	// Households in order of first appearance, groups by due week and residence.
	type gkey struct {
		hh       int32
		due      int
		lat, lon float64
	}
	hhIndex := map[string]int32{}
	gIndex := map[gkey]int32{}
	for i := range people {
		pp := &people[i]
		h, ok := hhIndex[pp.Household]
		if !ok {
			h = int32(len(m.hhIDs))
			hhIndex[pp.Household] = h
			m.hhIDs = append(m.hhIDs, pp.Household)
			m.hhs = append(m.hhs, nil)
		}
		k := gkey{h, weekOf(p.Start, pp.Due, p.Weeks), pp.Lat, pp.Lon}
		gi, ok := gIndex[k]
		if !ok {
			gi = int32(len(m.groups))
			gIndex[k] = gi
			m.groups = append(m.groups, group{hh: h, due: k.due})
			m.hhs[h] = append(m.hhs[h], gi)
		}
		m.groups[gi].size++
		m.groups[gi].members = append(m.groups[gi].members, int32(i))
	}

	nO := len(offices)
	m.distU = make([]int64, len(m.groups)*nO)
	var maxU int64
	for gi := range m.groups {
		pp := &people[m.groups[gi].members[0]]
		for o := range offices {
			u := int64(math.Round(p.Weights.Distance * costScale * distance(pp.Lat, pp.Lon, offices[o].Lat, offices[o].Lon)))
			m.distU[gi*nO+o] = u
			maxU = max(maxU, u+m.entryU(m.groups[gi].due))
		}
	}
	// Leaving one person out must cost more than any way of serving them, so the
	// optimum of the full model plans everyone the capacity allows.
	m.penalty = maxU + int64(m.weeks)*max(m.lateU, m.earlyU) + 1
	return m
}

// node numbering: groups, then office-week nodes, then the sink.
func (m *model) owNode(o, w int) int { return len(m.groups) + o*m.weeks + w }
func (m *model) sink() int           { return len(m.groups) + len(m.offices)*m.weeks }

// selectNearest marks the arcs from every group to its k nearest offices.
func (m *model) selectNearest(k int) {
	nO := len(m.offices)
	k = min(k, nO)
	m.hasArc = make([]bool, len(m.groups)*nO)
	order := make([]int, nO)
	for gi := range m.groups {
		for o := range order {
			order[o] = o
		}
		d := m.distU[gi*nO : gi*nO+nO]
		sort.Slice(order, func(a, b int) bool { return d[order[a]] < d[order[b]] })
		for _, o := range order[:k] {
			m.hasArc[gi*nO+o] = true
		}
	}
}

// build makes the graph from the marked arcs; household arcs come first, so an
// arc index below nHHArcs reads back through arcGroup and arcOffice.
func (m *model) build() {
	nG, nO, W := len(m.groups), len(m.offices), m.weeks
	arcs := 0
	for _, h := range m.hasArc {
		if h {
			arcs++
		}
	}
	m.g = flow.NewGraph(m.sink()+1, arcs+nO*(3*W)+nO)
	m.arcGroup = make([]int32, 0, arcs)
	m.arcOffice = make([]int32, 0, arcs)
	var total int64
	for gi := range nG {
		gr := &m.groups[gi]
		m.g.Supply[gi] = int64(gr.size)
		total += int64(gr.size)
		w := m.owNode(0, clampWeek(gr.due, W))
		for o := range nO {
			if !m.hasArc[gi*nO+o] {
				continue
			}
			m.g.AddArc(gi, w+o*W, int64(gr.size), m.distU[gi*nO+o]+m.entryU(gr.due))
			m.arcGroup = append(m.arcGroup, int32(gi))
			m.arcOffice = append(m.arcOffice, int32(o))
		}
	}
	m.nHHArcs = len(m.arcGroup)
	m.g.Supply[m.sink()] = -total
	m.chainFwd = make([]int, nO*W)
	m.chainBwd = make([]int, nO*W)
	m.capArc = make([]int, nO*W)
	m.overArc = make([]int, nO)
	for o := range m.offices {
		for w := 0; w < W; w++ {
			if w+1 < W {
				m.chainFwd[o*W+w] = m.g.AddArc(m.owNode(o, w), m.owNode(o, w+1), flow.Inf, m.lateU)
				m.chainBwd[o*W+w] = m.g.AddArc(m.owNode(o, w+1), m.owNode(o, w), flow.Inf, m.earlyU)
			}
			m.capArc[o*W+w] = m.g.AddArc(m.owNode(o, w), m.sink(), int64(m.offices[o].Capacity), 0)
		}
		m.overArc[o] = m.g.AddArc(m.owNode(o, W-1), m.sink(), flow.Inf, m.penalty)
	}
}
