package tflite

import (
	"fmt"
	"sort"
)

// builder turns a parsed graph into a Model: shape inference, kernel
// preparation, constant folding and activation memory planning.
type builder struct {
	g       *graphDef
	m       *Model
	defined []bool
	ints    []bool // tensor holds int32 constants
	ios     [][2][]int
	fold    *Session
	// reference selects the textbook kernels, for tests and benchmarks.
	reference bool
}

func (b *builder) build() error {
	g, m := b.g, b.m
	b.defined = make([]bool, len(g.tensors))
	b.ints = make([]bool, len(g.tensors))
	for i := range g.tensors {
		t := &g.tensors[i]
		if t.data == nil {
			continue
		}
		sl := &m.slots[i]
		sl.shape, sl.n = t.shape, t.elems()
		var err error
		if t.typ == typeInt32 {
			sl.ints, err = decodeInts(t)
			b.ints[i] = true
		} else {
			sl.konst, err = decodeFloats(t)
		}
		if err != nil {
			return err
		}
		b.defined[i] = true
	}
	for _, in := range g.inputs {
		t := &g.tensors[in]
		if b.defined[in] || t.typ != typeFloat32 {
			return fmt.Errorf("tflite: input %q is not a float32 activation", t.name)
		}
		m.slots[in].shape, m.slots[in].n = t.shape, t.elems()
		b.defined[in] = true
	}
	m.inputs, m.outputs = g.inputs, g.outputs
	isOut := make([]bool, len(g.tensors))
	for _, o := range g.outputs {
		isOut[o] = true
	}
	for i := range g.ops {
		d := &g.ops[i]
		foldable := len(d.outputs) > 0
		for _, in := range d.inputs {
			if in < 0 {
				continue
			}
			if !b.defined[in] {
				return fmt.Errorf("tflite: operator %d reads tensor %d before it is computed", i, in)
			}
			if m.slots[in].konst == nil && m.slots[in].ints == nil {
				foldable = false
			}
		}
		for _, o := range d.outputs {
			if b.defined[o] {
				return fmt.Errorf("tflite: operator %d overwrites tensor %d", i, o)
			}
			if isOut[o] {
				foldable = false
			}
		}
		k, err := b.prepare(d)
		if err != nil {
			name := d.custom
			if name == "" {
				name = fmt.Sprint("builtin ", d.builtin)
			}
			return fmt.Errorf("tflite: operator %d (%s): %w", i, name, err)
		}
		for _, o := range d.outputs {
			b.defined[o] = true
		}
		if foldable {
			b.runFolded(k, d.outputs)
			continue
		}
		m.ops = append(m.ops, k)
		b.ios = append(b.ios, [2][]int{d.inputs, d.outputs})
	}
	for _, o := range g.outputs {
		if !b.defined[o] || b.ints[o] {
			return fmt.Errorf("tflite: output %d is never computed", o)
		}
	}
	b.fuse()
	return b.plan()
}

// fuse folds an activation or PRELU that alone reads the output of a
// convolution, depthwise convolution or binary operator into that operator.
func (b *builder) fuse() {
	uses := map[int]int{}
	for _, io := range b.ios {
		for _, t := range io[0] {
			uses[t]++
		}
	}
	for _, t := range b.m.outputs {
		uses[t]++
	}
	var ops []op
	var ios [][2][]int
	for i := 0; i < len(b.m.ops); i++ {
		if i+1 < len(b.m.ops) {
			var post *epilogue
			var out *int
			channels := 0
			switch k := b.m.ops[i].(type) {
			case *conv2d:
				post, out, channels = &k.post, &k.out, k.cout
			case *depthwise:
				post, out, channels = &k.post, &k.out, k.c*k.mult
			case *binaryOp:
				post, out, channels = &k.post, &k.out, k.channels
			}
			if post != nil && uses[*out] == 1 {
				if next, ok := post.fuse(b.m.ops[i+1], *out, channels); ok {
					*out = next
					ops = append(ops, b.m.ops[i])
					ios = append(ios, [2][]int{b.ios[i][0], b.ios[i+1][1]})
					i++
					continue
				}
			}
		}
		ops = append(ops, b.m.ops[i])
		ios = append(ios, b.ios[i])
	}
	b.m.ops, b.ios = ops, ios
}

// runFolded evaluates an operator whose inputs are all constant at load time.
func (b *builder) runFolded(k op, outs []int) {
	if b.fold == nil || len(b.fold.scratch) < b.m.scratch {
		b.fold = &Session{m: b.m, scratch: make([]float32, b.m.scratch)}
	}
	for _, o := range outs {
		b.m.slots[o].konst = make([]float32, b.m.slots[o].n)
	}
	k.run(b.fold)
}

// setOut records the inferred shape of an operator's output.
func (b *builder) setOut(t int, shape []int) error {
	n := 1
	for _, d := range shape {
		if d <= 0 || d > maxElements {
			return fmt.Errorf("bad output shape %v", shape)
		}
		n *= d
		if n > maxElements {
			return fmt.Errorf("output %v too large", shape)
		}
	}
	b.m.slots[t].shape, b.m.slots[t].n = shape, n
	return nil
}

// needScratch reserves scratch memory for a kernel.
func (b *builder) needScratch(n int) { b.m.scratch = max(b.m.scratch, n) }

// plan lays out every activation in one slab, reusing the memory of tensors
// that are dead, so a session's working set stays small and cache friendly.
func (b *builder) plan() error {
	m := b.m
	last := map[int]int{}
	for k, io := range b.ios {
		for _, t := range io[0] {
			if t >= 0 {
				last[t] = k
			}
		}
	}
	for _, t := range m.outputs {
		last[t] = len(b.ios)
	}
	type block struct{ off, n int }
	var live []block
	liveOf := map[int]block{}
	total := 0
	alloc := func(t int) error {
		sl := &m.slots[t]
		if sl.konst != nil || sl.ints != nil {
			return nil
		}
		if _, ok := liveOf[t]; ok {
			return nil
		}
		sort.Slice(live, func(i, j int) bool { return live[i].off < live[j].off })
		off := 0
		for _, bl := range live {
			if bl.off-off >= sl.n {
				break
			}
			off = max(off, bl.off+bl.n)
		}
		sl.off = off
		bl := block{off, sl.n}
		live = append(live, bl)
		liveOf[t] = bl
		total = max(total, off+sl.n)
		if total > maxTotal {
			return fmt.Errorf("tflite: activations need more than %d floats", maxTotal)
		}
		return nil
	}
	free := func(t int) {
		bl, ok := liveOf[t]
		if !ok {
			return
		}
		delete(liveOf, t)
		for i := range live {
			if live[i] == bl {
				live = append(live[:i], live[i+1:]...)
				break
			}
		}
	}
	for _, t := range m.inputs {
		if err := alloc(t); err != nil {
			return err
		}
	}
	for k, io := range b.ios {
		for _, t := range io[1] {
			if err := alloc(t); err != nil {
				return err
			}
		}
		for _, t := range append(io[0], io[1]...) {
			if t >= 0 && last[t] <= k {
				free(t)
			}
		}
	}
	m.slab = total
	return nil
}
