package plan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Unplanned is a person left without a proposal, with the reason.
type Unplanned struct {
	Person int
	Reason string
}

// Stats describe a run: its size, its timing and how close it came to the bound.
type Stats struct {
	People, Households, Arcs int
	Rounds                   int // solves until pricing found no missing arc
	ArcsAdded                int // arcs beyond the K nearest that pricing added
	ArcsPriced               int // excluded arcs priced in the last round
	Pivots                   int
	Pinned                   int // households left out of the graph at a cell pricing proved best
	Unpinned                 int // pinned households pricing put back into the graph
	// Cost is the plan's objective and Bound a lower bound, proved by the LP, on
	// the cost of any plan that leaves out as many people as this one, both in
	// points; people left out add nothing to either.
	Cost, Bound float64
	// Gap is (Cost - Bound) / Bound, never negative; +Inf when people left out
	// push the bound to zero.
	Gap float64
	// Proven says the last pricing found no arc of the full model with a negative
	// reduced cost, so the relaxation solved is the full model's. Bound is a valid
	// lower bound either way.
	Proven    bool
	Repaired  int // households the flow split, placed whole
	Unplanned int // people without a proposal
	// UnplannedLP is how many people the relaxation itself could not plan; when
	// Unplanned exceeds it, splitting households cost places and Bound is for fewer
	// people left out than the plan has.
	UnplannedLP int
	Build       time.Duration
	Solve       time.Duration
	RepairFill  time.Duration
}

// Result is a plan.
type Result struct {
	Assignments []Assignment // one per planned person, in input order
	Unplanned   []Unplanned
	Stats       Stats
}

// leftOutCost is what the households pl leaves out would cost at least in the full
// model, each routed on its cheapest way to the overflow: into an office in its
// window, down the week chain to the last week, and out at penalty per person. The
// plan with them routed so is a flow of the full model, so the plan's cost is at
// least sol.bound minus this, which keeps the gap honest (never negative) when
// repairing split households leaves out more people than the relaxation did.
func (m *model) leftOutCost(pl placement) int64 {
	var total int64
	W := m.weeks
	for h, c := range pl.cell {
		if c >= 0 {
			continue
		}
		best := int64(-1)
		for o := range m.offices {
			for t := m.hhs[h].lo; t <= m.hhs[h].hi; t++ {
				if u := m.unitCost(h, o, t) + int64(W-1-t)*m.lateU; best < 0 || u < best {
					best = u
				}
			}
		}
		total += int64(len(m.hhs[h].members)) * (best + m.penalty)
	}
	return total
}

func (p Params) validate(offices []Office) error {
	switch {
	case p.Start.IsZero():
		return errors.New("plan: no start date")
	case p.Weeks < 1 || p.Weeks > 520:
		return fmt.Errorf("plan: weeks %d, want 1-520", p.Weeks)
	case p.Weights.Distance < 0 || p.Weights.Late < 0 || p.Weights.Early < 0:
		return errors.New("plan: weights must not be negative")
	case len(offices) == 0:
		return errors.New("plan: no offices")
	}
	for _, o := range offices {
		if len(o.Weekly) > p.Weeks {
			return fmt.Errorf("plan: office %s has %d weekly capacities for %d weeks", o.ID, len(o.Weekly), p.Weeks)
		}
		for _, c := range o.Weekly {
			if c < 0 {
				return fmt.Errorf("plan: office %s has a negative weekly capacity", o.ID)
			}
		}
	}
	return nil
}

// Run plans people into offices over the weeks from p.Start.
func Run(people []Person, offices []Office, p Params) (*Result, error) {
	return RunContext(context.Background(), people, offices, p)
}

// RunContext is Run that stops with ctx's error once ctx is done: a plan of
// millions takes a while, and Ctrl-C or a closed request should end it.
func RunContext(ctx context.Context, people []Person, offices []Office, p Params) (*Result, error) {
	if err := p.validate(offices); err != nil {
		return nil, err
	}
	offices = fitCalendars(offices, p)
	t0 := time.Now()
	m := newModel(people, offices, p)
	k := p.K
	if k <= 0 {
		k = defaultK
	}
	m.k = k
	if err := m.prepare(ctx); err != nil {
		return nil, err
	}
	t1 := time.Now()
	sol, err := m.solveLP(ctx)
	if err != nil {
		return nil, err
	}
	t2 := time.Now()
	ps, err := m.pieces(sol.res.Flow)
	if err != nil {
		return nil, err
	}
	pl := m.place(ps)
	res := &Result{Assignments: m.fill(pl)}
	t3 := time.Now()

	for h, c := range pl.cell {
		if c >= 0 {
			continue
		}
		for _, pi := range m.hhs[h].members {
			res.Unplanned = append(res.Unplanned, Unplanned{Person: int(pi), Reason: pl.reasons[int32(h)]})
		}
	}
	st := &res.Stats
	st.People, st.Households, st.Arcs = len(people), len(m.hhs), m.g.Arcs()
	st.Rounds, st.ArcsAdded, st.ArcsPriced, st.Pivots = sol.rounds, sol.added, sol.priced, sol.res.Pivots
	st.Cost = float64(m.cost(pl)) / costScale
	st.Bound = float64(max(sol.bound-m.leftOutCost(pl), 0)) / costScale
	switch {
	case st.Bound > 0:
		st.Gap = (st.Cost - st.Bound) / st.Bound
	case st.Cost > 0:
		st.Gap = math.Inf(1) // nothing proved: too many people left out for the bound to say anything
	}
	for _, c := range m.pin {
		if c >= 0 {
			st.Pinned++
		}
	}
	st.Unpinned = sol.unpinned
	st.Proven = sol.proven
	st.Repaired = pl.repaired
	st.Unplanned = len(res.Unplanned)
	st.UnplannedLP = int(sol.unplanned)
	st.Build, st.Solve, st.RepairFill = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2)
	return res, nil
}
