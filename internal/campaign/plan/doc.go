// Package plan turns the register extract (CITIZENS.csv) and the offices
// (OFFICES.csv) into a personal proposal for every citizen: an office, a day and
// a time, so that the total of distance, lateness and earliness is minimal, no
// office-week is over capacity and no household is split.
//
// The assignment is a min-cost flow in time-chain form (see PRODUCT.md §5): each
// household group sends its members to its K nearest offices at its due week, and
// each office chains its weeks with lateness and earliness arcs. The solver's
// potentials price every excluded household-office arc, which both proves that the
// restriction to K offices lost nothing and gives the LP lower bound of the full
// household × office × week problem. The few households the flow optimum splits
// are then repaired, and each office-week is filled day by day and slot by slot.
package plan
