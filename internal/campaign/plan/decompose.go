package plan

import (
	"fmt"
	"sort"
)

// inflow is the flow of one household into an office at one week of its window.
type inflow struct{ h, n int32 }

// piece is part of a household served in one cell: an office and a week, or the
// week index weeks for people the relaxation could not plan.
type piece struct {
	h, o, t, n int32
}

// pieces reads the flow back as who goes where. The flow only says how many
// people move along each office's week chain, so each office's chain flow is
// decomposed into paths from entry week to service week, and whole households are
// matched to those paths where their sizes allow.
func (m *model) pieces(flowOf []int64) ([]piece, error) {
	nO, W := len(m.offices), m.weeks
	atOrigin := make([][]inflow, nO*W)
	base := len(m.nodeHH)
	for a, h := range m.arcHH {
		if f := flowOf[a]; f > 0 && h >= 0 {
			ow := int(m.g.To[a]) - base
			atOrigin[ow] = append(atOrigin[ow], inflow{h, int32(f)})
		}
	}
	for h, c := range m.pin {
		if c >= 0 {
			atOrigin[c] = append(atOrigin[c], inflow{int32(h), int32(len(m.hhs[h].members))})
		}
	}
	var out []piece
	fwd := make([]int64, W)
	bwd := make([]int64, W)
	served := make([]int64, W+1)
	bucket := make([]int64, W+1)
	path := make([]int, 0, W)
	for o := 0; o < nO; o++ {
		for w := 0; w < W; w++ {
			served[w] = flowOf[m.capArc[o*W+w]]
			fwd[w], bwd[w] = 0, 0
			if w+1 < W {
				fwd[w], bwd[w] = flowOf[m.chainFw[o*W+w]], flowOf[m.chainBw[o*W+w]]
				c := min(fwd[w], bwd[w]) // a cycle only costs; drop it
				fwd[w] -= c
				bwd[w] -= c
			}
		}
		served[W] = flowOf[m.overArc[o]]
		for w := 0; w < W; w++ {
			groups := atOrigin[o*W+w]
			if len(groups) == 0 {
				continue
			}
			var left int64
			for _, in := range groups {
				left += int64(in.n)
			}
			clear(bucket)
			for left > 0 {
				u, bottle := w, left
				path = path[:0]
				target := -1
				for target < 0 {
					switch {
					case served[u] > 0:
						target = u
					case u == W-1 && served[W] > 0:
						target = W
					case u+1 < W && fwd[u] > 0:
						bottle = min(bottle, fwd[u])
						path = append(path, u)
						u++
					case u > 0 && bwd[u-1] > 0:
						bottle = min(bottle, bwd[u-1])
						path = append(path, -u) // edge u-1 ↔ u, walked backwards
						u--
					default:
						return nil, fmt.Errorf("plan: flow not conserved at office %d week %d; solver bug", o, u)
					}
				}
				bottle = min(bottle, served[target])
				served[target] -= bottle
				for _, e := range path {
					if e >= 0 {
						fwd[e] -= bottle
					} else {
						bwd[-e-1] -= bottle
					}
				}
				bucket[target] += bottle
				left -= bottle
			}
			out = matchGroups(out, groups, bucket, int32(o))
		}
	}
	return out, nil
}

// matchGroups puts whole households into week buckets, biggest first and into the
// tightest bucket that takes them, and splits one only when no bucket can.
func matchGroups(out []piece, groups []inflow, bucket []int64, o int32) []piece {
	sort.Slice(groups, func(a, b int) bool {
		if groups[a].n != groups[b].n {
			return groups[a].n > groups[b].n
		}
		return groups[a].h < groups[b].h
	})
	for _, in := range groups {
		best := -1
		for t, b := range bucket {
			if b >= int64(in.n) && (best < 0 || b < bucket[best]) {
				best = t
			}
		}
		if best >= 0 {
			bucket[best] -= int64(in.n)
			out = append(out, piece{h: in.h, o: o, t: int32(best), n: in.n})
			continue
		}
		for left := int64(in.n); left > 0; {
			big := 0
			for t, b := range bucket {
				if b > bucket[big] {
					big = t
				}
			}
			take := min(left, bucket[big])
			bucket[big] -= take
			left -= take
			out = append(out, piece{h: in.h, o: o, t: int32(big), n: int32(take)})
		}
	}
	return out
}
