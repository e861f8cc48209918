package flow

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// sspCost is the reference: successive shortest paths with Bellman-Ford on the
// residual graph, after saturating negative-cost arcs so no negative cycle is left.
// It returns ok=false when the supplies cannot be met.
func sspCost(g *Graph) (int64, bool) {
	n := g.Nodes()
	type rarc struct {
		to       int
		cap      int64
		cost     int64
		rev      int
		original bool
	}
	adj := make([][]rarc, n+2)
	add := func(u, v int, c, w int64) {
		adj[u] = append(adj[u], rarc{to: v, cap: c, cost: w, rev: len(adj[v])})
		adj[v] = append(adj[v], rarc{to: u, cap: 0, cost: -w, rev: len(adj[u]) - 1})
	}
	supply := append([]int64(nil), g.Supply...)
	var base int64
	for a := range g.From {
		u, v, c, w := int(g.From[a]), int(g.To[a]), g.Cap[a], g.Cost[a]
		if w < 0 {
			// Saturate it: the residual holds only the reverse arc, of positive cost.
			base += c * w
			supply[u] -= c
			supply[v] += c
			add(v, u, c, -w)
			continue
		}
		add(u, v, c, w)
	}
	src, snk := n, n+1
	var need int64
	for v, b := range supply {
		if b > 0 {
			add(src, v, b, 0)
			need += b
		} else if b < 0 {
			add(v, snk, -b, 0)
		}
	}
	cost := base
	for need > 0 {
		const unreached = int64(1) << 62
		dist := make([]int64, n+2)
		prevNode := make([]int, n+2)
		prevArc := make([]int, n+2)
		for i := range dist {
			dist[i] = unreached
		}
		dist[src] = 0
		for iter := 0; iter < n+2; iter++ {
			changed := false
			for u := range adj {
				if dist[u] == unreached {
					continue
				}
				for i, a := range adj[u] {
					if a.cap > 0 && dist[u]+a.cost < dist[a.to] {
						dist[a.to] = dist[u] + a.cost
						prevNode[a.to], prevArc[a.to] = u, i
						changed = true
					}
				}
			}
			if !changed {
				break
			}
		}
		if dist[snk] == unreached {
			return 0, false
		}
		f := need
		for v := snk; v != src; v = prevNode[v] {
			f = min(f, adj[prevNode[v]][prevArc[v]].cap)
		}
		for v := snk; v != src; v = prevNode[v] {
			a := &adj[prevNode[v]][prevArc[v]]
			a.cap -= f
			adj[v][a.rev].cap += f
		}
		need -= f
		cost += f * dist[snk]
	}
	return cost, true
}

func randomGraph(r *rand.Rand, n, m int, negative bool) *Graph {
	g := NewGraph(n, m)
	var sum int64
	for v := 0; v < n-1; v++ {
		if r.IntN(3) == 0 { // few terminals, so sparse instances are often feasible
			g.Supply[v] = int64(r.IntN(11) - 5)
		}
		sum += g.Supply[v]
	}
	g.Supply[n-1] = -sum
	for a := 0; a < m; a++ {
		u, v := r.IntN(n), r.IntN(n)
		if u == v {
			v = (u + 1) % n
		}
		c := int64(r.IntN(15))
		w := int64(r.IntN(40))
		if negative && r.IntN(4) == 0 {
			w = -int64(r.IntN(20)) // finite capacity, so no unbounded cycle
		} else if r.IntN(5) == 0 {
			c = Inf
		}
		g.AddArc(u, v, c, w)
	}
	return g
}

func checkResult(t *testing.T, g *Graph, res *Result) {
	t.Helper()
	bal := make([]int64, g.Nodes())
	var cost int64
	for a, f := range res.Flow {
		if f < 0 || f > g.Cap[a] {
			t.Fatalf("arc %d: flow %d outside [0,%d]", a, f, g.Cap[a])
		}
		bal[g.From[a]] += f
		bal[g.To[a]] -= f
		cost += f * g.Cost[a]
		rc := ReducedCost(g.Cost[a], res.Potential, int(g.From[a]), int(g.To[a]))
		if (rc > 0 && f != 0) || (rc < 0 && f != g.Cap[a]) {
			t.Fatalf("arc %d: reduced cost %d with flow %d of %d breaks complementary slackness", a, rc, f, g.Cap[a])
		}
	}
	for v, b := range bal {
		if b != g.Supply[v] {
			t.Fatalf("node %d: net outflow %d, supply %d", v, b, g.Supply[v])
		}
	}
	if cost != res.Cost {
		t.Fatalf("reported cost %d, flow costs %d", res.Cost, cost)
	}
	bound, ok := g.DualBound(res.Potential)
	if !ok || bound != res.Cost {
		t.Fatalf("dual bound %d (ok %v) differs from cost %d", bound, ok, res.Cost)
	}
}

func TestSolveMatchesSuccessiveShortestPaths(t *testing.T) {
	tests := []struct {
		name      string
		instances int
		n, m      int
		negative  bool
	}{
		{"tiny", 400, 4, 6, false},
		{"small", 400, 8, 20, false},
		{"sparse", 300, 30, 100, false},
		{"dense", 100, 25, 200, false},
		{"negative costs", 300, 10, 30, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tt.n), uint64(tt.m)))
			feasible := 0
			for i := 0; i < tt.instances; i++ {
				g := randomGraph(r, tt.n, tt.m, tt.negative)
				want, ok := sspCost(g)
				res, err := Solve(g)
				if !ok {
					if !errors.Is(err, ErrInfeasible) {
						t.Fatalf("instance %d: reference infeasible, Solve gave %v", i, err)
					}
					continue
				}
				feasible++
				if err != nil {
					t.Fatalf("instance %d: %v", i, err)
				}
				if res.Cost != want {
					t.Fatalf("instance %d: cost %d, reference %d", i, res.Cost, want)
				}
				checkResult(t, g, res)
			}
			if feasible < tt.instances/5 {
				t.Fatalf("only %d feasible instances: the generator tests too little", feasible)
			}
		})
	}
}

func TestSolveErrors(t *testing.T) {
	unbalanced := NewGraph(2, 1)
	unbalanced.Supply[0] = 3
	unbalanced.AddArc(0, 1, Inf, 1)

	short := NewGraph(2, 1)
	short.Supply[0], short.Supply[1] = 5, -5
	short.AddArc(0, 1, 4, 1)

	cycle := NewGraph(3, 3)
	cycle.AddArc(0, 1, Inf, -1)
	cycle.AddArc(1, 2, Inf, 0)
	cycle.AddArc(2, 0, Inf, 0)

	tests := []struct {
		name string
		g    *Graph
		want error
	}{
		{"unbalanced", unbalanced, ErrUnbalanced},
		{"capacity short", short, ErrInfeasible},
		{"negative cycle", cycle, ErrUnbounded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Solve(tt.g); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDualBoundIsALowerBoundForAnyPotentials(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 200; i++ {
		g := randomGraph(r, 10, 30, false)
		res, err := Solve(g)
		if err != nil {
			continue
		}
		pi := make([]int64, g.Nodes())
		for v := range pi {
			pi[v] = res.Potential[v] + int64(r.IntN(21)-10)
		}
		if b, ok := g.DualBound(pi); ok && b > res.Cost {
			t.Fatalf("instance %d: perturbed bound %d above optimum %d", i, b, res.Cost)
		}
	}
}

// Adding arcs to a solved model and resuming must reach the optimum of solving
// the whole model from scratch.
func TestSolverResumesAfterAddArc(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	checked := 0
	for i := 0; i < 300; i++ {
		full := randomGraph(r, 12, 40, false)
		// Keep every arc of infinite capacity so the restricted model stays feasible
		// more often, and hold back a third of the others.
		part := NewGraph(full.Nodes(), full.Arcs())
		copy(part.Supply, full.Supply)
		var held []int
		var maxCost int64
		for a := range full.From {
			maxCost = max(maxCost, full.Cost[a])
		}
		for a := range full.From {
			if full.Cap[a] != Inf && a%3 == 0 && full.Cost[a] != maxCost {
				held = append(held, a)
				continue
			}
			part.AddArc(int(full.From[a]), int(full.To[a]), full.Cap[a], full.Cost[a])
		}
		want, errFull := Solve(full)
		sv, err := NewSolver(part)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sv.Solve(); err != nil {
			continue // restricted model infeasible: nothing to resume from
		}
		for _, a := range held {
			if _, err := sv.AddArc(int(full.From[a]), int(full.To[a]), full.Cap[a], full.Cost[a]); err != nil {
				t.Fatalf("instance %d: AddArc: %v", i, err)
			}
		}
		got, err := sv.Solve()
		if errFull != nil || err != nil {
			t.Fatalf("instance %d: full %v, resumed %v", i, errFull, err)
		}
		if got.Cost != want.Cost {
			t.Fatalf("instance %d: resumed cost %d, from scratch %d", i, got.Cost, want.Cost)
		}
		checked++
	}
	if checked < 30 {
		t.Fatalf("only %d instances resumed", checked)
	}
}

// A solve started from a caller's tree must reach the same optimum. The tree here
// is a star through a hub node joined to every node by arcs of ample capacity,
// oriented so it is strongly feasible.
func TestSolverFromTree(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 5))
	for i := 0; i < 300; i++ {
		g := randomGraph(r, 10, 30, false)
		hub := 0
		pred := make([]int32, g.Nodes())
		pred[hub] = -1
		for v := 1; v < g.Nodes(); v++ {
			// Supply nodes send to the hub, others receive from it; zero-supply
			// nodes point up so a zero flow is still strongly feasible.
			if g.Supply[v] >= 0 {
				pred[v] = int32(g.AddArc(v, hub, Inf, 1000))
			} else {
				pred[v] = int32(g.AddArc(hub, v, Inf, 1000))
			}
		}
		want, err := Solve(g)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		sv, err := NewSolverFromTree(g, pred, nil)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		got, err := sv.Solve()
		if err != nil || got.Cost != want.Cost {
			t.Fatalf("instance %d: from tree %v (%v), from scratch %d", i, got, err, want.Cost)
		}
		checkResult(t, g, got)
		// The optimal tree restarts at the optimum: no pivot left to do.
		again, err := NewSolverFromTree(g, want.Tree, want.Upper)
		if err != nil {
			t.Fatalf("instance %d: restart from optimal tree: %v", i, err)
		}
		if res, err := again.Solve(); err != nil || res.Cost != want.Cost || res.Pivots != 0 {
			t.Fatalf("instance %d: restart from optimal tree: %v pivots, cost %v, %v", i, res.Pivots, res.Cost, err)
		}
	}
}

func TestSolverFromTreeRejects(t *testing.T) {
	g := NewGraph(3, 3)
	g.Supply[0], g.Supply[2] = 2, -2
	a01 := int32(g.AddArc(0, 1, 5, 1))
	a12 := int32(g.AddArc(1, 2, 1, 1)) // too small for the 2 units
	a10 := int32(g.AddArc(1, 0, 5, 1))
	tests := []struct {
		name  string
		pred  []int32
		upper []int32
	}{
		{"over capacity", []int32{a01, a12, -1}, nil},
		{"cycle", []int32{a01, a10, -1}, nil},
		{"arc not touching node", []int32{a12, -1, -1}, nil},
		{"wrong length", []int32{-1}, nil},
		{"tree arc at capacity", []int32{a01, -1, -1}, []int32{a01}},
		{"upper arc out of range", []int32{-1, -1, -1}, []int32{7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewSolverFromTree(g, tt.pred, tt.upper); !errors.Is(err, ErrStart) {
				t.Fatalf("got %v, want ErrStart", err)
			}
		})
	}
}
