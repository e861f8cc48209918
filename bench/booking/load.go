package main

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// phaseResult is what one load phase measured on the client side.
type phaseResult struct {
	Name      string          `json:"name"`
	Clients   int             `json:"clients"`
	Offered   float64         `json:"offered"` // arrivals per second; 0 for a closed loop
	OK        int64           `json:"ok"`
	Fail      int64           `json:"fail"`
	Elapsed   time.Duration   `json:"elapsed"`
	Lat       []time.Duration `json:"lat"` // of successful operations, sorted
	ClientCPU time.Duration   `json:"client_cpu"`
	// ServerCPU is filled by the parent when the clients run in their own process.
	ServerCPU time.Duration `json:"server_cpu"`
}

// closedLoop runs op(i) for i in [0, n) on clients goroutines, each starting its next
// operation as soon as the previous one ends, until done or maxTime passes. It measures
// the most the server sustains; by Little's law its latency is clients / throughput.
func closedLoop(name string, clients, n int, maxTime time.Duration, op func(i int) bool) phaseResult {
	r := phaseResult{Name: name, Clients: clients}
	var next, ok, fail atomic.Int64
	lats := make([][]time.Duration, clients)
	deadline := time.Now().Add(maxTime)
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				if op(i) {
					ok.Add(1)
					lats[c] = append(lats[c], time.Since(t0))
				} else {
					fail.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	r.OK, r.Fail = ok.Load(), fail.Load()
	r.Lat = merge(lats)
	return r
}

// openLoop offers n operations at rate per second on a fixed schedule (operation i is
// due at start + i/rate) through at most clients concurrent clients. Latency counts from
// the due time, not from when a client got round to it: when the server falls behind,
// the wait in the queue is part of what a citizen would see (no coordinated omission).
// Operations not started by maxTime are not run and count as failed.
func openLoop(name string, clients, n int, rate float64, maxTime time.Duration, op func(i int) bool) phaseResult {
	r := phaseResult{Name: name, Clients: clients, Offered: rate}
	var next, ok, fail atomic.Int64
	var last atomic.Int64 // end of the latest operation, ns since start
	lats := make([][]time.Duration, clients)
	start := time.Now()
	deadline := start.Add(maxTime)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				due := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
				if due.After(deadline) || time.Now().After(deadline) {
					fail.Add(1)
					continue
				}
				if d := time.Until(due); d > 0 {
					time.Sleep(d)
				}
				good := op(i)
				end := time.Now()
				for {
					l := last.Load()
					if int64(end.Sub(start)) <= l || last.CompareAndSwap(l, int64(end.Sub(start))) {
						break
					}
				}
				if good {
					ok.Add(1)
					lats[c] = append(lats[c], end.Sub(due))
				} else {
					fail.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	r.Elapsed = time.Duration(last.Load())
	r.OK, r.Fail = ok.Load(), fail.Load()
	r.Lat = merge(lats)
	return r
}

func merge(lats [][]time.Duration) []time.Duration {
	var out []time.Duration
	for _, l := range lats {
		out = append(out, l...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// pct returns the p-quantile of sorted latencies.
func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
