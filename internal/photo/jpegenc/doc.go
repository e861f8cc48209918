// Package jpegenc is the Go standard library's image/jpeg encoder (Go 1.26,
// BSD-3-Clause, see LICENSE), forked because the CIE crop's encoding is on the
// critical path of a check: it quantizes by multiplying with a reciprocal
// instead of dividing, and collects the file in memory instead of writing it
// byte by byte. The output is identical to image/jpeg's, byte for byte
// (writer_test.go compares them).
package jpegenc
