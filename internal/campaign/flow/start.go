package flow

import (
	"errors"
	"fmt"
)

// ErrStart means a starting tree given to NewSolverFromTree is not a strongly
// feasible spanning tree.
var ErrStart = errors.New("flow: bad starting tree")

// NewSolverFromTree starts the simplex from a basis the caller knows to be good
// (a greedy assignment, say) instead of from artificial arcs only, which saves
// most pivots on large transportation-like models. pred[v] is the index of the
// arc joining v to its parent, or -1 to hang v on the artificial root. Arcs not
// in the tree start at zero flow. The tree flows follow from the supplies; they
// must lie within the capacities, and the basis must be strongly feasible: every
// tree arc must be able to carry more flow towards the root (an arc pointing up
// below its capacity, or pointing down with positive flow), so degenerate pivots
// cannot cycle.
func NewSolverFromTree(g *Graph, pred []int32, upper []int32) (*Solver, error) {
	v, err := NewSolver(g)
	if err != nil {
		return nil, err
	}
	if err := v.s.setTree(g, pred, upper); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *simplex) setTree(g *Graph, pred []int32, upper []int32) error {
	n, r := s.n, s.root
	if len(pred) != n {
		return fmt.Errorf("%w: %d entries for %d nodes", ErrStart, len(pred), n)
	}
	// Parents and children lists (as first-child/next-sibling arrays).
	child := make([]int32, n+1)
	sibling := make([]int32, n+1)
	for i := range child {
		child[i] = -1
	}
	for v := 0; v < n; v++ {
		p := int32(r)
		if a := pred[v]; a >= 0 {
			if int(a) >= g.Arcs() {
				return fmt.Errorf("%w: node %d: arc %d out of range", ErrStart, v, a)
			}
			switch {
			case int(g.From[a]) == v:
				p = g.To[a]
			case int(g.To[a]) == v:
				p = g.From[a]
			default:
				return fmt.Errorf("%w: node %d: arc %d does not touch it", ErrStart, v, a)
			}
		}
		s.parent[v] = p
		sibling[v] = child[p]
		child[p] = int32(v)
	}
	// Preorder from the root gives the thread; a node missing from it sits on a cycle.
	order := make([]int32, 0, n+1)
	stack := []int32{int32(r)}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order = append(order, u)
		for c := child[u]; c >= 0; c = sibling[c] {
			stack = append(stack, c)
		}
	}
	if len(order) != n+1 {
		return fmt.Errorf("%w: the arcs form a cycle, %d of %d nodes reach the root", ErrStart, len(order)-1, n)
	}
	for i, u := range order {
		next := order[(i+1)%len(order)]
		s.thread[u] = next
		s.revTh[next] = u
	}
	// Bottom-up: subtree sizes and net supplies, which give the tree flows.
	net := make([]int64, n+1)
	for v := 0; v < n; v++ {
		net[v] += g.Supply[v]
		s.succNum[v] = 1
	}
	for _, a := range upper {
		if a < 0 || int(a) >= g.Arcs() || g.Cap[a] == Inf {
			return fmt.Errorf("%w: arc %d cannot start at its capacity", ErrStart, a)
		}
		e := n + int(a)
		s.state[e] = stateUpper
		s.flow[e] = g.Cap[a]
		net[g.From[a]] -= g.Cap[a]
		net[g.To[a]] += g.Cap[a]
	}
	for i := len(order) - 1; i > 0; i-- {
		v := order[i]
		p := s.parent[v]
		if p != int32(r) {
			net[p] += net[v]
			s.succNum[p] += s.succNum[v]
		}
	}
	// Last successor of u: the node just before the thread leaves u's subtree,
	// i.e. order[index(u) + succNum(u) - 1].
	pos := make([]int32, n+1)
	for i, u := range order {
		pos[u] = int32(i)
	}
	s.succNum[r] = int32(n + 1)
	for _, u := range order {
		s.lastSucc[u] = order[int(pos[u])+int(s.succNum[u])-1]
	}
	for _, u := range order[1:] {
		v := int(u)
		art := v // artificial arc index of v
		if a := pred[v]; a >= 0 {
			e := n + int(a)
			if s.state[e] == stateUpper {
				return fmt.Errorf("%w: arc %d both in the tree and at its capacity", ErrStart, a)
			}
			s.pred[v] = int32(e)
			s.state[e] = stateTree
			s.state[art] = stateLower
			s.src[art], s.dst[art], s.cost[art], s.flow[art] = int32(v), int32(r), 0, 0
			if int(g.From[a]) == v {
				s.predDir[v] = dirUp
				s.flow[e] = net[v]
			} else {
				s.predDir[v] = dirDown
				s.flow[e] = -net[v]
			}
			f := s.flow[e]
			if f < 0 || f > s.cap[e] {
				return fmt.Errorf("%w: arc %d would carry %d, capacity %d", ErrStart, a, f, s.cap[e])
			}
			if (s.predDir[v] == dirUp && f == s.cap[e]) || (s.predDir[v] == dirDown && f == 0) {
				return fmt.Errorf("%w: arc %d cannot carry more flow towards the root", ErrStart, a)
			}
		} else {
			s.pred[v] = int32(art)
			s.state[art] = stateTree
			if net[v] >= 0 {
				s.predDir[v] = dirUp
				s.src[art], s.dst[art], s.cost[art], s.flow[art] = int32(v), int32(r), 0, net[v]
			} else {
				s.predDir[v] = dirDown
				s.src[art], s.dst[art], s.cost[art], s.flow[art] = int32(r), int32(v), s.art, -net[v]
			}
		}
		p := s.parent[v]
		e := s.pred[v]
		if s.predDir[v] == dirUp {
			s.pi[v] = s.pi[p] - s.cost[e]
		} else {
			s.pi[v] = s.pi[p] + s.cost[e]
		}
	}
	return nil
}
