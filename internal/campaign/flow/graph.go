package flow

import (
	"errors"
	"math"
)

// Inf is the capacity of an arc without an upper bound.
const Inf int64 = math.MaxInt64

// The reasons Solve can fail.
var (
	ErrInfeasible = errors.New("flow: no feasible flow meets the supplies")
	ErrUnbounded  = errors.New("flow: a negative-cost cycle of unbounded capacity exists")
	ErrUnbalanced = errors.New("flow: supplies do not sum to zero")
	ErrCostRange  = errors.New("flow: an added arc costs more than any arc the solver started with")
)

// Graph is a directed network with integer capacities, costs and supplies. Arcs
// have lower bound zero; a node with positive supply sends flow, one with negative
// supply receives it, and the supplies must sum to zero.
type Graph struct {
	Supply []int64
	From   []int32
	To     []int32
	Cap    []int64
	Cost   []int64
}

// NewGraph makes a graph of n nodes with room for m arcs.
func NewGraph(n, m int) *Graph {
	return &Graph{
		Supply: make([]int64, n),
		From:   make([]int32, 0, m),
		To:     make([]int32, 0, m),
		Cap:    make([]int64, 0, m),
		Cost:   make([]int64, 0, m),
	}
}

// AddArc adds an arc and returns its index.
func (g *Graph) AddArc(from, to int, capacity, cost int64) int {
	g.From = append(g.From, int32(from))
	g.To = append(g.To, int32(to))
	g.Cap = append(g.Cap, capacity)
	g.Cost = append(g.Cost, cost)
	return len(g.From) - 1
}

// Nodes is the number of nodes.
func (g *Graph) Nodes() int { return len(g.Supply) }

// Arcs is the number of arcs.
func (g *Graph) Arcs() int { return len(g.From) }

// Result is an optimal flow with its dual. Potential is such that the reduced cost
// Cost[a] + Potential[From[a]] - Potential[To[a]] is zero on arcs strictly between
// their bounds, non-negative on arcs at zero and non-positive on saturated arcs.
type Result struct {
	Flow      []int64
	Cost      int64
	Potential []int64
	Pivots    int
	// Tree is the optimal basis: each node's tree arc, or -1 when it hangs on the
	// artificial root. NewSolverFromTree accepts it, which lets a caller warm-start
	// a larger model that contains this one.
	Tree []int32
	// Upper lists the arcs outside the tree that sit at their capacity.
	Upper []int32
}
