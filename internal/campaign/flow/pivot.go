package flow

// findEnteringArc scans the arcs in blocks from where the last scan stopped and
// takes the most negative reduced cost of the first block that has one: cheaper
// than Dantzig's full scan, far fewer pivots than first-eligible.
func (s *simplex) findEnteringArc() bool {
	var minRC int64
	cnt := s.blockSize
	// Real arcs sit after the n artificial ones, which never re-enter.
	lo, hi := s.n, s.n+s.m
	src, dst, cost, state, pi := s.src[:hi], s.dst[:hi], s.cost[:hi], s.state[:hi], s.pi
	e := max(s.nextArc, lo)
	for scanned := 0; scanned < s.m; scanned++ {
		if st := state[e]; st != stateTree {
			c := int64(st) * (cost[e] + pi[src[e]] - pi[dst[e]])
			if c < minRC {
				minRC = c
				s.inArc = e
			}
		}
		e++
		if e == hi {
			e = lo
		}
		cnt--
		if cnt == 0 {
			if minRC < 0 {
				s.nextArc = e
				return true
			}
			cnt = s.blockSize
		}
	}
	if minRC < 0 {
		s.nextArc = e
		return true
	}
	return false
}

func (s *simplex) findJoinNode() {
	u, v := s.src[s.inArc], s.dst[s.inArc]
	for u != v {
		if s.succNum[u] < s.succNum[v] {
			u = s.parent[u]
		} else {
			v = s.parent[v]
		}
	}
	s.join = int(u)
}

// findLeavingArc finds the blocking arc of the cycle, choosing the last one in
// cycle order so the tree stays strongly feasible and degenerate pivots cannot cycle.
// It returns false when the entering arc itself blocks (it moves to its other bound).
func (s *simplex) findLeavingArc() bool {
	in := s.inArc
	var first, second int
	if s.state[in] == stateLower {
		first, second = int(s.src[in]), int(s.dst[in])
	} else {
		first, second = int(s.dst[in]), int(s.src[in])
	}
	s.delta = s.cap[in]
	result := 0
	for u := first; u != s.join; u = int(s.parent[u]) {
		e := s.pred[u]
		d := s.flow[e]
		if s.predDir[u] == dirDown {
			if c := s.cap[e]; c >= Inf {
				d = Inf
			} else {
				d = c - d
			}
		}
		if d < s.delta {
			s.delta = d
			s.uOut = u
			result = 1
		}
	}
	for u := second; u != s.join; u = int(s.parent[u]) {
		e := s.pred[u]
		d := s.flow[e]
		if s.predDir[u] == dirUp {
			if c := s.cap[e]; c >= Inf {
				d = Inf
			} else {
				d = c - d
			}
		}
		if d <= s.delta {
			s.delta = d
			s.uOut = u
			result = 2
		}
	}
	if result == 1 {
		s.uIn, s.vIn = first, second
	} else {
		s.uIn, s.vIn = second, first
	}
	return result != 0
}

func (s *simplex) changeFlow(change bool) {
	in := s.inArc
	if s.delta > 0 {
		val := int64(s.state[in]) * s.delta
		s.flow[in] += val
		for u := int(s.src[in]); u != s.join; u = int(s.parent[u]) {
			s.flow[s.pred[u]] -= s.predDir[u] * val
		}
		for u := int(s.dst[in]); u != s.join; u = int(s.parent[u]) {
			s.flow[s.pred[u]] += s.predDir[u] * val
		}
	}
	if change {
		s.state[in] = stateTree
		out := s.pred[s.uOut]
		if s.flow[out] == 0 {
			s.state[out] = stateLower
		} else {
			s.state[out] = stateUpper
		}
	} else {
		s.state[in] = -s.state[in]
	}
}

// updateTreeStructure re-hangs the subtree cut off by the leaving arc below the
// entering arc, reversing the stem between them, and repairs the thread order,
// successor counts and last successors along the two paths to the join node.
func (s *simplex) updateTreeStructure() {
	uIn, vIn, uOut, join := int32(s.uIn), int32(s.vIn), int32(s.uOut), int32(s.join)
	parent, thread, revTh, lastSucc, succNum := s.parent, s.thread, s.revTh, s.lastSucc, s.succNum
	oldRevThread := revTh[uOut]
	oldSuccNum := succNum[uOut]
	oldLastSucc := lastSucc[uOut]
	vOut := parent[uOut]

	if uIn == uOut {
		parent[uIn] = vIn
		s.pred[uIn] = int32(s.inArc)
		if uIn == s.src[s.inArc] {
			s.predDir[uIn] = dirUp
		} else {
			s.predDir[uIn] = dirDown
		}
		if thread[vIn] != uOut {
			after := thread[oldLastSucc]
			thread[oldRevThread] = after
			revTh[after] = oldRevThread
			after = thread[vIn]
			thread[vIn] = uOut
			revTh[uOut] = vIn
			thread[oldLastSucc] = after
			revTh[after] = oldLastSucc
		}
	} else {
		threadContinue := thread[vIn]
		if oldRevThread == vIn {
			threadContinue = thread[oldLastSucc]
		}
		stem, parStem := uIn, vIn
		last := lastSucc[uIn]
		after := thread[last]
		thread[vIn] = uIn
		dirty := append(s.dirty[:0], vIn)
		for stem != uOut {
			nextStem := parent[stem]
			thread[last] = nextStem
			dirty = append(dirty, last)

			before := revTh[stem]
			thread[before] = after
			revTh[after] = before

			parent[stem] = parStem
			parStem = stem
			stem = nextStem

			if lastSucc[stem] == lastSucc[parStem] {
				last = revTh[parStem]
			} else {
				last = lastSucc[stem]
			}
			after = thread[last]
		}
		parent[uOut] = parStem
		thread[last] = threadContinue
		revTh[threadContinue] = last
		lastSucc[uOut] = last

		if oldRevThread != vIn {
			thread[oldRevThread] = after
			revTh[after] = oldRevThread
		}
		for _, u := range dirty {
			revTh[thread[u]] = u
		}
		s.dirty = dirty

		var tmpSC int32
		tmpLS := lastSucc[uOut]
		for u, p := uOut, parent[uOut]; u != uIn; u, p = p, parent[p] {
			s.pred[u] = s.pred[p]
			s.predDir[u] = -s.predDir[p]
			tmpSC += succNum[u] - succNum[p]
			succNum[u] = tmpSC
			lastSucc[p] = tmpLS
		}
		s.pred[uIn] = int32(s.inArc)
		if uIn == s.src[s.inArc] {
			s.predDir[uIn] = dirUp
		} else {
			s.predDir[uIn] = dirDown
		}
		succNum[uIn] = oldSuccNum
	}

	upLimitOut := int32(-1)
	if lastSucc[join] == vIn {
		upLimitOut = join
	}
	lastSuccOut := lastSucc[uOut]
	for u := vIn; u != -1 && lastSucc[u] == vIn; u = parent[u] {
		lastSucc[u] = lastSuccOut
	}
	if join != oldRevThread && vIn != oldRevThread {
		for u := vOut; u != upLimitOut && lastSucc[u] == oldLastSucc; u = parent[u] {
			lastSucc[u] = oldRevThread
		}
	} else if lastSuccOut != oldLastSucc {
		for u := vOut; u != upLimitOut && lastSucc[u] == oldLastSucc; u = parent[u] {
			lastSucc[u] = lastSuccOut
		}
	}
	for u := vIn; u != join; u = parent[u] {
		succNum[u] += oldSuccNum
	}
	for u := vOut; u != join; u = parent[u] {
		succNum[u] -= oldSuccNum
	}
}

// updatePotential shifts the potentials of the moved subtree so every tree arc
// keeps a zero reduced cost. Only differences of potentials matter, so when the
// subtree holds most of the tree the rest is shifted the other way instead: on
// transportation-like models a moved subtree is often nearly everything.
func (s *simplex) updatePotential() {
	in := s.inArc
	sigma := s.pi[s.vIn] - s.pi[s.uIn] - s.predDir[s.uIn]*s.cost[in]
	uIn := int32(s.uIn)
	end := s.thread[s.lastSucc[uIn]]
	pi, thread := s.pi, s.thread
	if int(s.succNum[uIn])*2 <= s.n+1 {
		for u := uIn; u != end; u = thread[u] {
			pi[u] += sigma
		}
		return
	}
	for u := end; u != uIn; u = thread[u] {
		pi[u] -= sigma
	}
}
