package flow

import (
	"context"
	"math"
)

// Arc states, as in LEMON: the sign makes the reduced cost of a non-tree arc
// negative exactly when pivoting it in improves the objective.
const (
	stateUpper int8 = -1
	stateTree  int8 = 0
	stateLower int8 = 1
)

// Directions of a node's tree arc relative to its parent.
const (
	dirUp   int64 = 1  // the arc goes from the node to its parent
	dirDown int64 = -1 // the arc goes from the parent to the node
)

// simplex holds the working arrays of one solve: first one artificial arc per node
// joining it to the artificial root, then the real arcs, so arcs can be appended.
type simplex struct {
	n, m    int // real nodes, real arcs
	maxCost int64
	art     int64 // cost of an artificial arc from the root
	root    int
	src     []int32
	dst     []int32
	cap     []int64
	cost    []int64
	flow    []int64
	state   []int8

	pi       []int64
	parent   []int32
	pred     []int32
	predDir  []int64
	thread   []int32
	revTh    []int32
	succNum  []int32
	lastSucc []int32
	dirty    []int32

	blockSize int
	nextArc   int

	// pivot
	inArc, join, uIn, vIn, uOut int
	delta                       int64
	pivots                      int
}

// Solve returns a min-cost flow of g, or ErrUnbalanced, ErrInfeasible or
// ErrUnbounded. Costs must stay well below 2^62 / (nodes+1) in absolute value so
// that potentials cannot overflow.
func Solve(g *Graph) (*Result, error) {
	s, err := NewSolver(g)
	if err != nil {
		return nil, err
	}
	return s.Solve()
}

// Solver keeps the simplex basis between solves, so arcs found missing after a
// solve (by pricing a larger model) can be added and the solve resumed from the
// optimal basis instead of from scratch.
type Solver struct {
	s *simplex
}

// NewSolver prepares g for solving; later changes to g are not seen.
func NewSolver(g *Graph) (*Solver, error) {
	var sum int64
	for _, b := range g.Supply {
		sum += b
	}
	if sum != 0 {
		return nil, ErrUnbalanced
	}
	return &Solver{s: newSimplex(g)}, nil
}

// AddArc adds an arc at zero flow; the current basis stays feasible. It returns
// the arc's index, which counts on from the graph's arcs. The cost may not exceed
// the largest absolute cost of the graph the solver was made with (ErrCostRange),
// because the artificial start arcs were priced above every path of those.
func (v *Solver) AddArc(from, to int, capacity, cost int64) (int, error) {
	s := v.s
	if cost > s.maxCost || -cost > s.maxCost {
		return 0, ErrCostRange
	}
	s.src = append(s.src, int32(from))
	s.dst = append(s.dst, int32(to))
	s.cap = append(s.cap, capacity)
	s.cost = append(s.cost, cost)
	s.flow = append(s.flow, 0)
	s.state = append(s.state, stateLower)
	s.m++
	s.blockSize = max(int(math.Sqrt(float64(s.m))), 10)
	return s.m - 1, nil
}

// Solve pivots to an optimum and returns a copy of the flow and potentials.
func (v *Solver) Solve() (*Result, error) { return v.SolveContext(context.Background()) }

// SolveContext is Solve that gives up with ctx's error once ctx is done, so a
// long solve can be interrupted.
func (v *Solver) SolveContext(ctx context.Context) (*Result, error) {
	s := v.s
	for s.findEnteringArc() {
		if s.pivots&4095 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.findJoinNode()
		change := s.findLeavingArc()
		if s.delta >= Inf {
			return nil, ErrUnbounded
		}
		s.changeFlow(change)
		if change {
			s.updateTreeStructure()
			s.updatePotential()
		}
		s.pivots++
	}
	for e := 0; e < s.n; e++ {
		if s.flow[e] != 0 {
			return nil, ErrInfeasible
		}
	}
	n := s.n
	res := &Result{
		Flow:      append([]int64(nil), s.flow[n:]...),
		Potential: append([]int64(nil), s.pi[:n]...),
		Pivots:    s.pivots,
	}
	for a, f := range res.Flow {
		res.Cost += f * s.cost[n+a]
	}
	for a := range res.Flow {
		if s.state[n+a] == stateUpper {
			res.Upper = append(res.Upper, int32(a))
		}
	}
	res.Tree = make([]int32, n)
	for v := range res.Tree {
		res.Tree[v] = s.pred[v] - int32(n) // artificial arcs, below n, become negative
		if res.Tree[v] < 0 {
			res.Tree[v] = -1
		}
	}
	return res, nil
}

func newSimplex(g *Graph) *simplex {
	n, m := g.Nodes(), g.Arcs()
	all := m + n
	s := &simplex{
		n: n, m: m, root: n,
		src:   make([]int32, all),
		dst:   make([]int32, all),
		cap:   make([]int64, all),
		cost:  make([]int64, all),
		flow:  make([]int64, all),
		state: make([]int8, all),

		pi:       make([]int64, n+1),
		parent:   make([]int32, n+1),
		pred:     make([]int32, n+1),
		predDir:  make([]int64, n+1),
		thread:   make([]int32, n+1),
		revTh:    make([]int32, n+1),
		succNum:  make([]int32, n+1),
		lastSucc: make([]int32, n+1),
	}
	copy(s.src[n:], g.From)
	copy(s.dst[n:], g.To)
	copy(s.cap[n:], g.Cap)
	copy(s.cost[n:], g.Cost)
	var maxCost int64
	for a := n; a < all; a++ {
		s.state[a] = stateLower
	}
	for a := 0; a < m; a++ {
		if c := g.Cost[a]; c > maxCost {
			maxCost = c
		} else if -c > maxCost {
			maxCost = -c
		}
	}
	// An artificial arc must cost more than any path of real arcs, so that a
	// feasible flow never keeps flow on one; LEMON uses (max cost + 1)·n as well.
	s.maxCost = maxCost
	art := (maxCost + 1) * int64(n+1)
	if maxCost > math.MaxInt64/4/int64(n+1) {
		art = math.MaxInt64 / 4
	}
	s.art = art
	s.blockSize = max(int(math.Sqrt(float64(m))), 10)

	r := s.root
	s.parent[r] = -1
	s.pred[r] = -1
	s.thread[r] = 0
	s.revTh[0] = int32(r)
	s.succNum[r] = int32(n + 1)
	s.lastSucc[r] = int32(r - 1)
	for u := 0; u < n; u++ {
		e := u
		s.parent[u] = int32(r)
		s.pred[u] = int32(e)
		s.thread[u] = int32(u + 1)
		s.revTh[u+1] = int32(u)
		s.succNum[u] = 1
		s.lastSucc[u] = int32(u)
		s.cap[e] = Inf
		s.state[e] = stateTree
		if b := g.Supply[u]; b >= 0 {
			s.predDir[u] = dirUp
			s.src[e], s.dst[e] = int32(u), int32(r)
			s.flow[e] = b
		} else {
			s.predDir[u] = dirDown
			s.pi[u] = art
			s.src[e], s.dst[e] = int32(r), int32(u)
			s.flow[e] = -b
			s.cost[e] = art
		}
	}
	if n == 0 {
		s.thread[r] = int32(r)
	}
	return s
}
