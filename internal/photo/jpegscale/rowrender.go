package jpegscale

import "runtime"

// rowRenderer renders a sequential scan's reduced image on a second
// goroutine, one MCU row behind the entropy decoder. The Huffman decode is
// inherently serial and takes most of a decode; taking the IDCTs off it
// shortens the decode by what they cost, when a second core is free. The
// renderer reads a finished row's blocks back from the sparse stores, which
// the decoder writes only further on (see sparseStore.chunks).
type rowRenderer struct {
	rows chan rowJob
	done chan struct{}
	next int // The first row not handed over yet.
}

// rowBand is how many MCU rows the renderer is handed at a time: waking a
// goroutine costs a few tens of microseconds on a virtual machine.
const rowBand = 8

// rowJob is a band of finished MCU rows and the stores' chunk lists as they
// were then: the decoder may append chunks meanwhile.
type rowJob struct {
	my0, my1 int
	chunks   [maxComponents][][]uint32
}

// startRowRenderer starts the renderer for a scan over every component
// with n MCU rows, or returns nil when blocks should be rendered as they
// are decoded: with one core, or when some component has no sparse store.
func (d *decoder) startRowRenderer(scan []scanComp, n int) *rowRenderer {
	if d.out == nil || d.progressive || len(scan) != d.nComp || runtime.GOMAXPROCS(0) < 2 {
		return nil
	}
	for i := range d.nComp {
		if d.sparse[i] == nil {
			return nil
		}
	}
	r := &rowRenderer{rows: make(chan rowJob, n/rowBand+1), done: make(chan struct{})}
	// Copies of what the goroutine reads, so that it shares no mutable
	// field with the decoder.
	var stores [maxComponents]sparseStore
	var quant [maxComponents]*[blockSize]int32
	var v [maxComponents]int
	for i := range d.nComp {
		stores[i] = sparseStore{bw: d.sparse[i].bw, index: d.sparse[i].index}
		quant[i] = &d.quant[d.comp[i].tq]
		v[i] = d.comp[i].v
	}
	out, nComp := d.out, d.nComp
	go func() {
		defer close(r.done)
		var b [blockSize]int16
		for job := range r.rows {
			for i := range nComp {
				sp := &stores[i]
				sp.chunks = job.chunks[i]
				vi := v[i]
				for by := job.my0 * vi; by < job.my1*vi; by++ {
					for bx := range sp.bw {
						flat := sp.get(&b, bx, by)
						out.renderBlock(&b, quant[i], i, bx, by, flat)
						b = [blockSize]int16{}
					}
				}
			}
		}
	}()
	return r
}

// rowsDone hands the MCU rows up to my1 (exclusive), now fully decoded, to
// the renderer.
func (r *rowRenderer) rowsDone(d *decoder, my1 int) {
	job := rowJob{my0: r.next, my1: my1}
	r.next = my1
	for i := range d.nComp {
		job.chunks[i] = d.sparse[i].chunks
	}
	r.rows <- job
}

// stop waits for the renderer to finish the rows it was given.
func (r *rowRenderer) stop() {
	close(r.rows)
	<-r.done
}
