// Package bac implements Basic Access Control (ICAO 9303-11 §4.3): the key
// derived from the MRZ, the GET CHALLENGE / EXTERNAL AUTHENTICATE mutual
// authentication, and the session keys it leaves. Both the reader and the chip
// side live here, so the simulated card runs exactly the checked arithmetic.
//
// Written by hand: the Go module proxy refuses gmrtd, and no other Go package
// implements BAC.
package bac
