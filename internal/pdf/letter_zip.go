package pdf

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// LettersPerFile is the size of one print file. gopdf's page tree grows by string
// concatenation (quadratic in pages), so a city's 25,000 letters are split into files
// of 2,000 letters, which also suits a mail house's franking runs.
const LettersPerFile = 2000

// WriteLetterZip renders the batch as a ZIP of PDFs of at most perFile letters each,
// in order (lettere-001.pdf, lettere-002.pdf, …), rendering files on every core.
func (b LetterBatch) WriteLetterZip(w io.Writer, perFile int) error {
	if perFile <= 0 {
		perFile = LettersPerFile
	}
	var parts []LetterBatch
	for i := 0; i < len(b.Letters); i += perFile {
		p := b
		p.Letters = b.Letters[i:min(i+perFile, len(b.Letters))]
		parts = append(parts, p)
	}
	type rendered struct {
		pdf []byte
		err error
	}
	out := make([]chan rendered, len(parts))
	for i := range out {
		out[i] = make(chan rendered, 1)
	}
	// two files in flight per core is enough to keep the cores busy while bounding
	// memory to a few files
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	go func() {
		for i := range parts {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				var buf bytes.Buffer
				err := parts[i].WritePDF(&buf)
				out[i] <- rendered{buf.Bytes(), err}
			}()
		}
	}()
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
	var firstErr error
	for i := range parts {
		r := <-out[i]
		<-sem
		if firstErr != nil {
			continue
		}
		if r.err != nil {
			firstErr = fmt.Errorf("file %d: %w", i+1, r.err)
			continue
		}
		f, err := zw.Create(fmt.Sprintf("lettere-%03d.pdf", i+1))
		if err == nil {
			_, err = f.Write(r.pdf)
		}
		if err != nil {
			firstErr = err
		}
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return zw.Close()
}
