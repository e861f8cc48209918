// Package photo decides whether a portrait can become a CIE photo and makes it one.
//
// It decodes a JPEG or PNG once, analyses a copy of about one megapixel with the face
// models (detection, 468-point mesh, person mask), runs every ICAO/CIE check with its
// measured value, threshold and an instruction in Italian and English, and cuts the
// 35×45 crop from the full-resolution pixels. There is no HTTP here: the booth, the
// upload page and the desk all call the same Engine, which is safe for concurrent use.
package photo
