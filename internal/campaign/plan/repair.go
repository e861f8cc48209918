package plan

import (
	"fmt"
	"sort"
)

// placement is where a household goes: cell = office×weeks + week, or -1.
type placement struct {
	cell     []int32 // household → cell, -1 when unplanned
	load     []int64 // cell → people placed
	repaired int     // households the flow split (or left out) that were placed whole
	reasons  map[int32]string
}

func (m *model) hhSize(h int) int64 { return int64(len(m.hhs[h].members)) }

// place keeps every household the flow put whole into one cell, then repairs the
// others: biggest first, each into the cheapest cell with room for all of it.
// Households for which no cell has room are left unplanned with the reason.
func (m *model) place(ps []piece) placement {
	nO, W := len(m.offices), m.weeks
	pl := placement{
		cell:    make([]int32, len(m.hhs)),
		load:    make([]int64, nO*W),
		reasons: map[int32]string{},
	}
	const unseen, split = -2, -3
	for h := range pl.cell {
		pl.cell[h] = unseen
	}
	for _, p := range ps {
		h := p.h
		c := p.o*int32(W+1) + p.t // W+1 so the unplanned "week" has a cell too
		switch pl.cell[h] {
		case unseen:
			pl.cell[h] = c
		case c, split:
		default:
			pl.cell[h] = split
		}
	}
	var todo []int
	for h, c := range pl.cell {
		if c < 0 || int(c)%(W+1) == W {
			todo = append(todo, h)
			pl.cell[h] = -1
			continue
		}
		o, t := int(c)/(W+1), int(c)%(W+1)
		pl.cell[h] = int32(o*W + t)
		pl.load[o*W+t] += m.hhSize(h)
	}
	sort.Slice(todo, func(a, b int) bool {
		sa, sb := m.hhSize(todo[a]), m.hhSize(todo[b])
		if sa != sb {
			return sa > sb
		}
		return todo[a] < todo[b]
	})
	for _, h := range todo {
		size := m.hhSize(h)
		best, bestCost := -1, int64(0)
		for o := 0; o < nO; o++ {
			for t := 0; t < W; t++ {
				if int64(m.offices[o].CapacityAt(t))-pl.load[o*W+t] < size {
					continue
				}
				if c := m.hhCost(h, o, t); best < 0 || c < bestCost {
					best, bestCost = o*W+t, c
				}
			}
		}
		if best < 0 {
			pl.reasons[int32(h)] = fmt.Sprintf("capacity short: no office has room for a household of %d in any of the %d weeks", size, W)
			continue
		}
		pl.cell[h] = int32(best)
		pl.load[best] += size
		pl.repaired++
	}
	return pl
}

// cost is the objective of a placement in units, unplanned people excluded.
func (m *model) cost(pl placement) int64 {
	var c int64
	for h, cell := range pl.cell {
		if cell >= 0 {
			c += m.hhCost(h, int(cell)/m.weeks, int(cell)%m.weeks)
		}
	}
	return c
}
