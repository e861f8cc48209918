// Package tflite is a small float32 interpreter for TensorFlow Lite models,
// written in pure Go so that the photo engine builds with CGO_ENABLED=0.
//
// It is hand-written because no registry reachable from this project ships a
// TFLite runtime for linux-x64 that is usable without cgo (Debian has only
// Arm NN, npm only WebAssembly builds). The flatbuffer accessors for the
// TFLite schema are hand-written too, on top of the flatbuffers Go runtime,
// with a bounds check on every read: the runtime itself trusts its input and
// would panic on a corrupt file.
//
// It implements the operators used by MediaPipe's face detection, face mesh
// (with and without attention) and selfie segmentation models, plus the three
// MediaPipe custom operators of the attention mesh. Weights are unpacked and
// re-laid for the kernels once at Load; each Run takes its activation memory
// from a pool, so a Model is safe for concurrent use and allocates nothing per
// call in the steady state.
package tflite
