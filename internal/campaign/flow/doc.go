// Package flow solves integer min-cost flow problems with the primal network
// simplex method, block-search pivoting and the thread/successor tree structure of
// LEMON's NetworkSimplex (Király & Kovács, "Efficient implementations of minimum-cost
// flow algorithms", 2012).
//
// It is written by hand because neither the Go module proxy nor any pure-Go source
// offers a min-cost-flow solver of that quality, and the default build must stay
// free of cgo.
//
// Besides the flow, the solver returns node potentials: they are a dual solution,
// and Graph.DualBound turns any potentials into a proven lower bound, so a caller
// can certify optimality of a solution on a larger model than the one it solved.
package flow
