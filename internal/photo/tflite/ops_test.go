package tflite

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Expected values in this file are worked out by hand in the comments.
func TestOps(t *testing.T) {
	act := func(shape ...int32) tt { return tt{shape: shape} }
	c := func(data []float32, shape ...int32) tt { return tt{shape: shape, data: data} }
	ci := func(ints []int32, shape ...int32) tt { return tt{shape: shape, ints: ints} }
	seq := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i)
		}
		return v
	}
	const b1, i4 = 1, 4 // option field sizes: byte, int32
	tests := []struct {
		name      string
		tensors   []tt
		op        to
		in        []float32
		want      []float32
		wantShape []int
	}{
		{
			// 3×3 of ones over 1..9 with zero padding: sums of each
			// neighbourhood, plus 0.5.
			name:    "conv 3x3 same",
			tensors: []tt{act(1, 3, 3, 1), c([]float32{1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 3, 3, 1), c([]float32{0.5}, 1), act(1, 3, 3, 1)},
			op:      to{code: opConv2D, in: []int32{0, 1, 2}, out: []int32{3}, optType: 1, opts: options([3]int32{0, padSame, b1}, [3]int32{1, 1, i4}, [3]int32{2, 1, i4})},
			in:      []float32{1, 2, 3, 4, 5, 6, 7, 8, 9},
			want:    []float32{12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5}, wantShape: []int{1, 3, 3, 1},
		},
		{
			// out = (x0, x1, x0−x1−10) then ReLU.
			name:    "conv 1x1 relu",
			tensors: []tt{act(1, 1, 2, 2), c([]float32{1, 0, 0, 1, 1, -1}, 3, 1, 1, 2), c([]float32{0, 0, -10}, 3), act(1, 1, 2, 3)},
			op:      to{code: opConv2D, in: []int32{0, 1, 2}, out: []int32{3}, optType: 1, opts: options([3]int32{0, padValid, b1}, [3]int32{1, 1, i4}, [3]int32{2, 1, i4}, [3]int32{3, actRelu, b1})},
			in:      []float32{1, 2, 13, 1},
			want:    []float32{1, 2, 0, 13, 1, 2}, wantShape: []int{1, 1, 2, 3},
		},
		{
			// 2×2 kernel (1 2 / 3 4), stride 2, over 0..15 in 4×4:
			// 0+2+12+20=34, 2+6+18+28=54, 8+18+36+52=114, 10+22+42+60=134.
			name:    "conv 2x2 valid stride 2 no bias",
			tensors: []tt{act(1, 4, 4, 1), c([]float32{1, 2, 3, 4}, 1, 2, 2, 1), act(1, 2, 2, 1)},
			op:      to{code: opConv2D, in: []int32{0, 1}, out: []int32{2}, optType: 1, opts: options([3]int32{0, padValid, b1}, [3]int32{1, 2, i4}, [3]int32{2, 2, i4})},
			in:      seq(16),
			want:    []float32{34, 54, 114, 134}, wantShape: []int{1, 2, 2, 1},
		},
		{
			// Channel 0: ones, every 3×3 window covers all four values: 10.
			// Channel 1: only the centre tap, 2·x + 1.
			name:    "depthwise 3x3 same",
			tensors: []tt{act(1, 2, 2, 2), c([]float32{1, 0, 1, 0, 1, 0, 1, 0, 1, 2, 1, 0, 1, 0, 1, 0, 1, 0}, 1, 3, 3, 2), c([]float32{0, 1}, 2), act(1, 2, 2, 2)},
			op:      to{code: opDepthwiseConv2D, in: []int32{0, 1, 2}, out: []int32{3}, optType: 2, opts: options([3]int32{0, padSame, b1}, [3]int32{1, 1, i4}, [3]int32{2, 1, i4}, [3]int32{3, 1, i4})},
			in:      []float32{1, 10, 2, 20, 3, 30, 4, 40},
			want:    []float32{10, 21, 10, 41, 10, 61, 10, 81}, wantShape: []int{1, 2, 2, 2},
		},
		{
			name:    "max pool 2x2 stride 2",
			tensors: []tt{act(1, 2, 4, 1), act(1, 1, 2, 1)},
			op:      to{code: opMaxPool2D, in: []int32{0}, out: []int32{1}, optType: 5, opts: options([3]int32{0, padValid, b1}, [3]int32{1, 2, i4}, [3]int32{2, 2, i4}, [3]int32{3, 2, i4}, [3]int32{4, 2, i4})},
			in:      []float32{1, 5, 2, 0, 3, 4, 8, 7},
			want:    []float32{5, 8}, wantShape: []int{1, 1, 2, 1},
		},
		{
			// Only the 4 cells inside the image count: (1+2+3+4)/4, not /9.
			name:    "average pool 3x3 same",
			tensors: []tt{act(1, 2, 2, 1), act(1, 2, 2, 1)},
			op:      to{code: opAveragePool2D, in: []int32{0}, out: []int32{1}, optType: 5, opts: options([3]int32{0, padSame, b1}, [3]int32{1, 1, i4}, [3]int32{2, 1, i4}, [3]int32{3, 3, i4}, [3]int32{4, 3, i4})},
			in:      []float32{1, 2, 3, 4},
			want:    []float32{2.5, 2.5, 2.5, 2.5}, wantShape: []int{1, 2, 2, 1},
		},
		{
			name:    "add per-channel broadcast",
			tensors: []tt{act(1, 1, 2, 3), c([]float32{10, 20, 30}, 3), act(1, 1, 2, 3)},
			op:      to{code: opAdd, in: []int32{0, 1}, out: []int32{2}},
			in:      []float32{1, 2, 3, 4, 5, 6},
			want:    []float32{11, 22, 33, 14, 25, 36}, wantShape: []int{1, 1, 2, 3},
		},
		{
			// Broadcast over H: b is 1×2×1×1, one value per row.
			name:    "mul row broadcast relu6",
			tensors: []tt{act(1, 2, 2, 1), c([]float32{2, 10}, 1, 2, 1, 1), act(1, 2, 2, 1)},
			op:      to{code: opMul, in: []int32{0, 1}, out: []int32{2}, optType: 21, opts: options([3]int32{0, actRelu6, b1})},
			in:      []float32{1, -1, 0.5, 0.25},
			want:    []float32{2, 0, 5, 2.5}, wantShape: []int{1, 2, 2, 1},
		},
		{
			// The constant comes first: 10 − x.
			name:    "sub scalar minus tensor",
			tensors: []tt{act(1, 3), c([]float32{10}, 1), act(1, 3)},
			op:      to{code: opSub, in: []int32{1, 0}, out: []int32{2}},
			in:      []float32{1, 2, 13},
			want:    []float32{9, 8, -3}, wantShape: []int{1, 3},
		},
		{
			name:    "prelu",
			tensors: []tt{act(1, 1, 2, 2), c([]float32{0.5, 0.25}, 1, 1, 2), act(1, 1, 2, 2)},
			op:      to{code: opPrelu, in: []int32{0, 1}, out: []int32{2}},
			in:      []float32{-2, -1, 0, 3},
			want:    []float32{-1, -0.25, 0, 3}, wantShape: []int{1, 1, 2, 2},
		},
		{
			name:    "relu6",
			tensors: []tt{act(3), act(3)},
			op:      to{code: opRelu6, in: []int32{0}, out: []int32{1}},
			in:      []float32{-1, 3, 7},
			want:    []float32{0, 3, 6}, wantShape: []int{3},
		},
		{
			name:    "relu",
			tensors: []tt{act(2), act(2)},
			op:      to{code: opRelu, in: []int32{0}, out: []int32{1}},
			in:      []float32{-1, 3},
			want:    []float32{0, 3}, wantShape: []int{2},
		},
		{
			// σ(0) = ½, σ(ln 3) = 3/4.
			name:    "logistic",
			tensors: []tt{act(2), act(2)},
			op:      to{code: opLogistic, in: []int32{0}, out: []int32{1}},
			in:      []float32{0, float32(math.Log(3))},
			want:    []float32{0.5, 0.75}, wantShape: []int{2},
		},
		{
			// x·relu6(x+3)/6: −4·0, −1·2/6, 1·4/6, 4·6/6.
			name:    "hard swish",
			tensors: []tt{act(4), act(4)},
			op:      to{code: opHardSwish, in: []int32{0}, out: []int32{1}},
			in:      []float32{-4, -1, 1, 4},
			want:    []float32{0, -1.0 / 3, 2.0 / 3, 4}, wantShape: []int{4},
		},
		{
			name:    "concat last axis",
			tensors: []tt{act(1, 1, 2, 1), c([]float32{3, 4, 5, 6}, 1, 1, 2, 2), act(1, 1, 2, 3)},
			op:      to{code: opConcatenation, in: []int32{0, 1}, out: []int32{2}, optType: 10, opts: options([3]int32{0, -1, i4})},
			in:      []float32{1, 2},
			want:    []float32{1, 3, 4, 2, 5, 6}, wantShape: []int{1, 1, 2, 3},
		},
		{
			name:    "concat axis 1",
			tensors: []tt{act(1, 1, 2, 1), c([]float32{3, 4}, 1, 1, 2, 1), act(1, 2, 2, 1)},
			op:      to{code: opConcatenation, in: []int32{0, 1}, out: []int32{2}, optType: 10, opts: options([3]int32{0, 1, i4})},
			in:      []float32{1, 2},
			want:    []float32{1, 2, 3, 4}, wantShape: []int{1, 2, 2, 1},
		},
		{
			// One zero row above, one zero column right, one zero channel.
			name:    "pad",
			tensors: []tt{act(1, 1, 2, 1), ci([]int32{0, 0, 1, 0, 0, 1, 0, 1}, 4, 2), act(1, 2, 3, 2)},
			op:      to{code: opPad, in: []int32{0, 1}, out: []int32{2}},
			in:      []float32{1, 2},
			want:    []float32{0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0}, wantShape: []int{1, 2, 3, 2},
		},
		{
			name:    "reshape",
			tensors: []tt{act(1, 2, 2, 1), act(1, 4)},
			op:      to{code: opReshape, in: []int32{0}, out: []int32{1}},
			in:      []float32{1, 2, 3, 4},
			want:    []float32{1, 2, 3, 4}, wantShape: []int{1, 4},
		},
		{
			// scale ½: x = 0, .5, 1, 1.5 → 0, 2, 4, 4 (clamped).
			name:    "resize bilinear",
			tensors: []tt{act(1, 1, 2, 1), ci([]int32{1, 4}, 2), act(1, 1, 4, 1)},
			op:      to{code: opResizeBilinear, in: []int32{0, 1}, out: []int32{2}},
			in:      []float32{0, 4},
			want:    []float32{0, 2, 4, 4}, wantShape: []int{1, 1, 4, 1},
		},
		{
			// x = (v+½)/2−½ = −.25, .25, .75, 1.25 → 0, 1, 3, 4.
			name:    "resize bilinear half pixel",
			tensors: []tt{act(1, 1, 2, 1), ci([]int32{1, 4}, 2), act(1, 1, 4, 1)},
			op:      to{code: opResizeBilinear, in: []int32{0, 1}, out: []int32{2}, optType: 15, opts: options([3]int32{3, 1, b1})},
			in:      []float32{0, 4},
			want:    []float32{0, 1, 3, 4}, wantShape: []int{1, 1, 4, 1},
		},
		{
			// scale (2−1)/(4−1): 0, 4/3, 8/3, 4.
			name:    "resize bilinear align corners",
			tensors: []tt{act(1, 1, 2, 1), ci([]int32{1, 4}, 2), act(1, 1, 4, 1)},
			op:      to{code: opResizeBilinear, in: []int32{0, 1}, out: []int32{2}, optType: 15, opts: options([3]int32{2, 1, b1})},
			in:      []float32{0, 4},
			want:    []float32{0, 4.0 / 3, 8.0 / 3, 4}, wantShape: []int{1, 1, 4, 1},
		},
		{
			// x = 1 and 3 of channel 0 of 0..7 laid out 4×2: 2 and 6; the
			// shrink mask drops the channel axis.
			name:    "strided slice",
			tensors: []tt{act(1, 1, 4, 2), ci([]int32{0, 0, 1, 0}, 4), ci([]int32{1, 1, 4, 1}, 4), ci([]int32{1, 1, 2, 1}, 4), act(1, 1, 2)},
			op:      to{code: opStridedSlice, in: []int32{0, 1, 2, 3}, out: []int32{4}, optType: 32, opts: options([3]int32{4, 8, i4})},
			in:      seq(8),
			want:    []float32{2, 6}, wantShape: []int{1, 1, 2},
		},
		{
			// Each input pixel scatters the 2×2 kernel (1 2 / 3 4) times
			// itself onto its own 2×2 output block, plus bias ½.
			name:    "transpose conv bias",
			tensors: []tt{act(1, 1, 2, 1), c([]float32{1, 2, 3, 4}, 1, 2, 2, 1), c([]float32{0.5}, 1), act(1, 2, 4, 1)},
			op:      to{code: opCustom, custom: "Convolution2DTransposeBias", in: []int32{0, 1, 2}, out: []int32{3}, customOpts: le32(1, 2, 2)},
			in:      []float32{1, 2},
			want:    []float32{1.5, 2.5, 2.5, 4.5, 3.5, 4.5, 6.5, 8.5}, wantShape: []int{1, 2, 4, 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, shape := runOne(t, tc.tensors, tc.op, tc.in)
			if !slices.Equal(shape, tc.wantShape) {
				t.Errorf("shape %v, want %v", shape, tc.wantShape)
			}
			if !near(got, tc.want, 1e-5) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func le32(v ...int32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, uint32(x))
	}
	return b
}

// A float16 constant is widened at load and the DEQUANTIZE folded away.
func TestDequantizeFolds(t *testing.T) {
	data := buildModel(
		[]tt{{shape: []int32{2}}, {shape: []int32{2}, data: []float32{0.5, -2}, half: true}, {shape: []int32{2}}, {shape: []int32{2}}},
		[]to{{code: opDequantize, in: []int32{1}, out: []int32{2}}, {code: opAdd, in: []int32{0, 2}, out: []int32{3}}},
		[]int32{0}, []int32{3})
	m, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.ops) != 1 {
		t.Errorf("%d operators left to run, want 1 (the dequantize folded)", len(m.ops))
	}
	s := m.NewSession()
	defer s.Release()
	copy(s.Input(0), []float32{1, 1})
	s.Invoke()
	if got := s.Output(0); !near(got, []float32{1.5, -1}, 0) {
		t.Errorf("got %v", got)
	}
}

func TestHalfToFloat(t *testing.T) {
	for _, tc := range []struct {
		h    uint16
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125}, {0x0001, 5.960464477539063e-08},
		{0x7bff, 65504}, {0x8000, float32(math.Copysign(0, -1))}, {0x7c00, float32(math.Inf(1))},
	} {
		if got := halfToFloat(tc.h); got != tc.want {
			t.Errorf("halfToFloat(%#04x) = %v, want %v", tc.h, got, tc.want)
		}
	}
}

// gemm must agree with the textbook triple loop for every shape, including
// the remainders of its 2×4 blocking.
func TestGemmMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][3]int{{1, 1, 1}, {2, 4, 3}, {3, 5, 7}, {7, 9, 16}, {64, 24, 27}, {5, 3, 1}} {
		M, N, K := sz[0], sz[1], sz[2]
		a, b, bias := randv(r, M*K), randv(r, N*K), randv(r, N)
		got := make([]float32, M*N)
		gemm(a, b, bias, got, M, N, K)
		for m := range M {
			for n := range N {
				want := float64(bias[n])
				for k := range K {
					want += float64(a[m*K+k]) * float64(b[n*K+k])
				}
				if math.Abs(float64(got[m*N+n])-want) > 1e-4*float64(K) {
					t.Fatalf("%v: c[%d][%d] = %v, want %v", sz, m, n, got[m*N+n], want)
				}
			}
		}
	}
}

func randv(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = r.Float32()*2 - 1
	}
	return v
}

// Operators fused into a convolution's epilogue give the same values as run
// one by one: conv → PRELU, conv → HARD_SWISH, and ADD → PRELU.
func TestFusionKeepsValues(t *testing.T) {
	in := []float32{1, -2, 3, -4}
	chain := func(ops []to, tensors []tt) []float32 {
		m, err := Load(buildModel(tensors, ops, []int32{0}, []int32{int32(len(tensors) - 1)}))
		if err != nil {
			t.Fatal(err)
		}
		if len(m.ops) != 1 {
			t.Errorf("%d operators after fusion, want 1", len(m.ops))
		}
		s := m.NewSession()
		defer s.Release()
		copy(s.Input(0), in)
		s.Invoke()
		return append([]float32(nil), s.Output(0)...)
	}
	// conv 1×1 with weight 2, bias 1: 3, −3, 7, −7; PRELU α = ½ on
	// negatives: 3, −1.5, 7, −3.5.
	got := chain([]to{{code: opConv2D, in: []int32{0, 1, 2}, out: []int32{3}}, {code: opPrelu, in: []int32{3, 4}, out: []int32{5}}},
		[]tt{{shape: []int32{1, 2, 2, 1}}, {shape: []int32{1, 1, 1, 1}, data: []float32{2}}, {shape: []int32{1}, data: []float32{1}}, {shape: []int32{1, 2, 2, 1}}, {shape: []int32{1}, data: []float32{0.5}}, {shape: []int32{1, 2, 2, 1}}})
	if want := []float32{3, -1.5, 7, -3.5}; !near(got, want, 1e-6) {
		t.Errorf("conv→prelu %v, want %v", got, want)
	}
	// Same conv then hard swish: x·relu6(x+3)/6 → 3, 0, 7, 0.
	got = chain([]to{{code: opConv2D, in: []int32{0, 1, 2}, out: []int32{3}}, {code: opHardSwish, in: []int32{3}, out: []int32{4}}},
		[]tt{{shape: []int32{1, 2, 2, 1}}, {shape: []int32{1, 1, 1, 1}, data: []float32{2}}, {shape: []int32{1}, data: []float32{1}}, {shape: []int32{1, 2, 2, 1}}, {shape: []int32{1, 2, 2, 1}}})
	if want := []float32{3, 0, 7, 0}; !near(got, want, 1e-6) {
		t.Errorf("conv→hardswish %v, want %v", got, want)
	}
	// x + x then PRELU α = ¼: 2, −1, 6, −2.
	got = chain([]to{{code: opAdd, in: []int32{0, 0}, out: []int32{1}}, {code: opPrelu, in: []int32{1, 2}, out: []int32{3}}},
		[]tt{{shape: []int32{1, 2, 2, 1}}, {shape: []int32{1, 2, 2, 1}}, {shape: []int32{1}, data: []float32{0.25}}, {shape: []int32{1, 2, 2, 1}}})
	if want := []float32{2, -1, 6, -2}; !near(got, want, 1e-6) {
		t.Errorf("add→prelu %v, want %v", got, want)
	}
}
