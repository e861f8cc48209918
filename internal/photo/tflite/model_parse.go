package tflite

import "fmt"

// Limits that keep a hostile file from making Load allocate without bound.
const (
	maxTensors   = 1 << 14
	maxOperators = 1 << 14
	maxRank      = 6
	maxElements  = 1 << 24 // per tensor
	maxTotal     = 1 << 25 // all activations of a graph
)

// tensorDef is a tensor as the file declares it.
type tensorDef struct {
	name  string
	shape []int
	typ   byte
	data  []byte // constant contents, nil for activations
}

func (t *tensorDef) elems() int {
	n := 1
	for _, d := range t.shape {
		n *= d
	}
	return n
}

// opDef is an operator as the file declares it.
type opDef struct {
	builtin    int32
	custom     string
	version    int32
	inputs     []int // -1 for an omitted optional input
	outputs    []int
	opts       table // builtin options, valid when hasOpts
	hasOpts    bool
	customOpts []byte
}

// graphDef is the first subgraph of a model, the only one these models use.
type graphDef struct {
	tensors []tensorDef
	ops     []opDef
	inputs  []int
	outputs []int
}

func parseModel(buf []byte) (*graphDef, error) {
	root, err := rootTable(buf)
	if err != nil {
		return nil, err
	}
	codes, err := root.tables(modelOperatorCodes)
	if err != nil {
		return nil, err
	}
	bufs, err := root.tables(modelBuffers)
	if err != nil {
		return nil, err
	}
	subs, err := root.tables(modelSubgraphs)
	if err != nil {
		return nil, err
	}
	if len(subs) == 0 {
		return nil, corrupt("no subgraph")
	}
	sg := subs[0]
	g := &graphDef{}
	tts, err := sg.tables(subgraphTensors)
	if err != nil {
		return nil, err
	}
	if len(tts) > maxTensors {
		return nil, corrupt("%d tensors", len(tts))
	}
	g.tensors = make([]tensorDef, len(tts))
	for i := range tts {
		if err := parseTensor(&tts[i], bufs, &g.tensors[i]); err != nil {
			return nil, fmt.Errorf("tensor %d: %w", i, err)
		}
	}
	if g.inputs, err = indices(&sg, subgraphInputs, len(g.tensors), false); err != nil {
		return nil, err
	}
	if g.outputs, err = indices(&sg, subgraphOutputs, len(g.tensors), false); err != nil {
		return nil, err
	}
	ots, err := sg.tables(subgraphOperators)
	if err != nil {
		return nil, err
	}
	if len(ots) > maxOperators {
		return nil, corrupt("%d operators", len(ots))
	}
	g.ops = make([]opDef, len(ots))
	for i := range ots {
		if err := parseOp(&ots[i], codes, len(g.tensors), &g.ops[i]); err != nil {
			return nil, fmt.Errorf("operator %d: %w", i, err)
		}
	}
	return g, nil
}

func parseTensor(t *table, bufs []table, d *tensorDef) error {
	shape, err := t.int32s(tensorShape)
	if err != nil {
		return err
	}
	if len(shape) > maxRank {
		return corrupt("rank %d", len(shape))
	}
	d.shape = make([]int, len(shape))
	n := 1
	for i, s := range shape {
		if s <= 0 || s > maxElements {
			return corrupt("dimension %d", s)
		}
		d.shape[i] = int(s)
		n *= int(s)
		if n > maxElements {
			return corrupt("tensor too large")
		}
	}
	if d.typ, err = t.byte(tensorType, 0); err != nil {
		return err
	}
	if d.name, err = t.str(tensorName); err != nil {
		return err
	}
	b, err := t.uint32(tensorBuffer, 0)
	if err != nil {
		return err
	}
	if int(b) >= len(bufs) && b != 0 {
		return corrupt("buffer index %d", b)
	}
	if b != 0 {
		if d.data, err = bufs[b].bytes(bufferData); err != nil {
			return err
		}
	}
	return nil
}

func indices(t *table, id, limit int, optional bool) ([]int, error) {
	raw, err := t.int32s(id)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(raw))
	for i, v := range raw {
		if v < 0 && optional && v == -1 {
			out[i] = -1
			continue
		}
		if v < 0 || int(v) >= limit {
			return nil, corrupt("tensor index %d", v)
		}
		out[i] = int(v)
	}
	return out, nil
}

func parseOp(t *table, codes []table, ntensors int, o *opDef) error {
	idx, err := t.uint32(operatorOpcode, 0)
	if err != nil {
		return err
	}
	if int(idx) >= len(codes) {
		return corrupt("opcode index %d", idx)
	}
	c := &codes[idx]
	dep, err := c.byte(opcodeDeprecatedBuiltin, 0)
	if err != nil {
		return err
	}
	bc, err := c.int32(opcodeBuiltin, 0)
	if err != nil {
		return err
	}
	// Files written before builtin_code existed keep the code in the
	// deprecated byte; the larger of the two is the real one.
	o.builtin = max(bc, int32(int8(dep)))
	if o.custom, err = c.str(opcodeCustomCode); err != nil {
		return err
	}
	if o.version, err = c.int32(opcodeVersion, 1); err != nil {
		return err
	}
	if o.inputs, err = indices(t, operatorInputs, ntensors, true); err != nil {
		return err
	}
	if o.outputs, err = indices(t, operatorOutputs, ntensors, false); err != nil {
		return err
	}
	if o.opts, o.hasOpts, err = t.sub(operatorOptions); err != nil {
		return err
	}
	o.customOpts, err = t.bytes(operatorCustomOptions)
	return err
}
