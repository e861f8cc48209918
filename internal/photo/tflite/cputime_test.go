package tflite

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock reports CPU time used by the process as a benchmark metric
// (cpu-ms/op): on the shared, loaded machine wall time mostly measures the
// neighbours, while CPU time measures the work.
type cpuClock struct{ start time.Duration }

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuClock { return cpuClock{cpuNow()} }

func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(cpuNow()-c.start)/float64(b.N)/1e6, "cpu-ms/op")
}
