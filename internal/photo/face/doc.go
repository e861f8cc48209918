// Package face finds faces, their 468-point mesh and the person mask in a
// portrait, with MediaPipe's models (Apache-2.0, see models/PROVENANCE.md)
// run by the pure-Go interpreter in package tflite.
//
// The pre- and post-processing (anchors, weighted non-maximum suppression,
// the eye-aligned crop, the mask resampling) is written here by hand after
// MediaPipe's calculator graphs, because no Go port of them exists in the
// registries this project can reach.
package face
