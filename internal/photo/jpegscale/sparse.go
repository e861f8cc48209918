package jpegscale

// sparseStore keeps a sequential JPEG's coefficients as the list of each
// block's non-zero ones, in the order the scan produced them. A dense store
// (64 int16 a block) costs more to fill than the Huffman decoding itself on a
// 12 MP file, because it writes 36 to 72 MB; a photo has a few non-zero
// coefficients a block, so this writes a quarter of that, and it tells the
// renderer for free which blocks are flat. Progressive files keep the dense
// store: their refinement scans revisit every block.
type sparseStore struct {
	bw int // Blocks per row.
	// index has, for each block, the reference of its first entry:
	// chunk<<chunkShift | offset. Reference 0 is an all-zero block.
	index []uint32
	// chunks hold the entries. A block's first entry is
	// uint16(DC)<<16 | number of AC entries<<8; each AC entry is
	// uint16(value)<<16 | natural index. A chunk is full length from the
	// start and its slice header never changes, so that a copy of chunks
	// taken after a row is committed lets another goroutine render that row
	// while the decoder fills the next (see rowRenderer).
	chunks [][]uint32
	used   int // Entries used in the last chunk.
}

const (
	chunkShift = 18
	chunkSize  = 1 << chunkShift
)

func newSparseStore(bw, bh int) *sparseStore {
	first := make([]uint32, chunkSize) // Entry 0 is the all-zero block.
	return &sparseStore{bw: bw, index: make([]uint32, bw*bh), chunks: [][]uint32{first}, used: 1}
}

// reserve returns room for the next block's entries, which commit keeps.
func (s *sparseStore) reserve() *[blockSize]uint32 {
	if chunkSize-s.used < blockSize {
		s.chunks = append(s.chunks, make([]uint32, chunkSize))
		s.used = 0
	}
	return (*[blockSize]uint32)(s.chunks[len(s.chunks)-1][s.used:][:blockSize])
}

// commit keeps the block whose nac AC entries the decoder wrote after the
// slot reserve returned, as block (bx, by) with the given DC coefficient.
func (s *sparseStore) commit(dc int16, nac, bx, by int) {
	last := len(s.chunks) - 1
	n := s.used
	nac &= blockSize - 1
	s.chunks[last][n] = uint32(uint16(dc))<<16 | uint32(nac)<<8
	s.used = n + 1 + nac
	s.index[by*s.bw+bx] = uint32(last)<<chunkShift | uint32(n)
}

// get expands block (bx, by) into b, which must be all zero, and reports
// whether it is flat (no AC coefficient). clearBlock undoes it.
func (s *sparseStore) get(b *[blockSize]int16, bx, by int) (flat bool) {
	ref := s.index[by*s.bw+bx]
	c := s.chunks[ref>>chunkShift]
	off := int(ref & (chunkSize - 1))
	e0 := c[off]
	nac := int(e0>>8) & 0xff
	b[0] = int16(e0 >> 16)
	for _, e := range c[off+1 : off+1+nac] {
		b[e&(blockSize-1)] = int16(e >> 16)
	}
	return nac == 0
}
