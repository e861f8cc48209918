package tflite

// Builtin operator codes of the TFLite schema that this interpreter knows.
const (
	opAdd             = 0
	opAveragePool2D   = 1
	opConcatenation   = 2
	opConv2D          = 3
	opDepthwiseConv2D = 4
	opDequantize      = 6
	opFullyConnected  = 9
	opLogistic        = 14
	opMaxPool2D       = 17
	opMul             = 18
	opRelu            = 19
	opRelu6           = 21
	opReshape         = 22
	opResizeBilinear  = 23
	opCustom          = 32
	opPad             = 34
	opTranspose       = 39
	opMean            = 40
	opSub             = 41
	opDiv             = 42
	opSqueeze         = 43
	opStridedSlice    = 45
	opPrelu           = 54
	opMaximum         = 55
	opMinimum         = 57
	opTransposeConv   = 67
	opHardSwish       = 117
)

// Tensor element types of the TFLite schema.
const (
	typeFloat32 = 0
	typeFloat16 = 1
	typeInt32   = 2
)

// Padding and fused activation values of the builtin options tables.
const (
	padSame  = 0
	padValid = 1

	actNone  = 0
	actRelu  = 1
	actRelu1 = 2
	actRelu6 = 3
)

// Field ids of the TFLite schema tables (index in the table, not vtable slot).
const (
	modelOperatorCodes = 1
	modelSubgraphs     = 2
	modelBuffers       = 4

	opcodeDeprecatedBuiltin = 0
	opcodeCustomCode        = 1
	opcodeVersion           = 2
	opcodeBuiltin           = 3

	subgraphTensors   = 0
	subgraphInputs    = 1
	subgraphOutputs   = 2
	subgraphOperators = 3

	tensorShape  = 0
	tensorType   = 1
	tensorBuffer = 2
	tensorName   = 3

	operatorOpcode        = 0
	operatorInputs        = 1
	operatorOutputs       = 2
	operatorOptionsType   = 3
	operatorOptions       = 4
	operatorCustomOptions = 5

	bufferData = 0
)
