package tflite

import (
	"errors"
	"fmt"

	flatbuffers "github.com/google/flatbuffers/go"
)

// errCorrupt is wrapped by every error that a malformed flatbuffer produces.
var errCorrupt = errors.New("tflite: corrupt model")

func corrupt(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errCorrupt, fmt.Sprintf(format, a...))
}

// table is a flatbuffer table whose every read is bounds-checked, because the
// flatbuffers runtime reads with unchecked slice indexing.
type table struct {
	buf []byte
	pos uint32
	vt  uint32 // position of the vtable
	vl  uint16 // vtable length in bytes
}

func (t *table) in(off, n uint64) bool { return off+n <= uint64(len(t.buf)) }

// rootTable reads the root table offset at the start of buf.
func rootTable(buf []byte) (table, error) {
	if len(buf) < 8 {
		return table{}, corrupt("file too short")
	}
	return tableAt(buf, uint64(flatbuffers.GetUOffsetT(buf)))
}

func tableAt(buf []byte, pos uint64) (table, error) {
	t := table{buf: buf}
	if !t.in(pos, 4) {
		return t, corrupt("table offset %d out of range", pos)
	}
	vt := int64(pos) - int64(flatbuffers.GetSOffsetT(buf[pos:]))
	if vt < 0 || !t.in(uint64(vt), 4) {
		return t, corrupt("vtable offset out of range")
	}
	vl := flatbuffers.GetVOffsetT(buf[vt:])
	if vl < 4 || vl%2 != 0 || !t.in(uint64(vt), uint64(vl)) {
		return t, corrupt("bad vtable length %d", vl)
	}
	t.pos, t.vt, t.vl = uint32(pos), uint32(vt), uint16(vl)
	return t, nil
}

// field returns the absolute position of field id, or 0 when it is absent.
func (t *table) field(id int, size uint64) (uint64, error) {
	slot := uint64(4 + 2*id)
	if slot+2 > uint64(t.vl) {
		return 0, nil
	}
	o := flatbuffers.GetVOffsetT(t.buf[uint64(t.vt)+slot:])
	if o == 0 {
		return 0, nil
	}
	p := uint64(t.pos) + uint64(o)
	if !t.in(p, size) {
		return 0, corrupt("field %d out of range", id)
	}
	return p, nil
}

func (t *table) int32(id int, def int32) (int32, error) {
	p, err := t.field(id, 4)
	if err != nil || p == 0 {
		return def, err
	}
	return flatbuffers.GetInt32(t.buf[p:]), nil
}

func (t *table) uint32(id int, def uint32) (uint32, error) {
	p, err := t.field(id, 4)
	if err != nil || p == 0 {
		return def, err
	}
	return flatbuffers.GetUint32(t.buf[p:]), nil
}

func (t *table) byte(id int, def byte) (byte, error) {
	p, err := t.field(id, 1)
	if err != nil || p == 0 {
		return def, err
	}
	return t.buf[p], nil
}

func (t *table) bool(id int) (bool, error) {
	b, err := t.byte(id, 0)
	return b != 0, err
}

// deref follows the uoffset stored at field id.
func (t *table) deref(id int) (uint64, bool, error) {
	p, err := t.field(id, 4)
	if err != nil || p == 0 {
		return 0, false, err
	}
	q := p + uint64(flatbuffers.GetUOffsetT(t.buf[p:]))
	if !t.in(q, 4) {
		return 0, false, corrupt("reference of field %d out of range", id)
	}
	return q, true, nil
}

// vector returns the element start and count of the vector at field id,
// checking that count*elem bytes lie inside the buffer.
func (t *table) vector(id int, elem uint64) (start uint64, n int, err error) {
	q, ok, err := t.deref(id)
	if err != nil || !ok {
		return 0, 0, err
	}
	cnt := uint64(flatbuffers.GetUOffsetT(t.buf[q:]))
	if !t.in(q+4, cnt*elem) {
		return 0, 0, corrupt("vector of field %d overruns the file", id)
	}
	return q + 4, int(cnt), nil
}

func (t *table) bytes(id int) ([]byte, error) {
	s, n, err := t.vector(id, 1)
	if err != nil || n == 0 {
		return nil, err
	}
	return t.buf[s : s+uint64(n) : s+uint64(n)], nil
}

func (t *table) str(id int) (string, error) {
	b, err := t.bytes(id)
	return string(b), err
}

func (t *table) int32s(id int) ([]int32, error) {
	s, n, err := t.vector(id, 4)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = flatbuffers.GetInt32(t.buf[s+uint64(4*i):])
	}
	return out, nil
}

// tables returns the tables of a vector of tables at field id.
func (t *table) tables(id int) ([]table, error) {
	s, n, err := t.vector(id, 4)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]table, n)
	for i := range out {
		p := s + uint64(4*i)
		out[i], err = tableAt(t.buf, p+uint64(flatbuffers.GetUOffsetT(t.buf[p:])))
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sub returns the table referenced by field id.
func (t *table) sub(id int) (table, bool, error) {
	q, ok, err := t.deref(id)
	if err != nil || !ok {
		return table{}, false, err
	}
	st, err := tableAt(t.buf, q)
	return st, err == nil, err
}
