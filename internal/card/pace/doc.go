// Package pace implements PACE v2 (ICAO 9303-11 §4.4, BSI TR-03110) with the
// generic mapping over finite-field Diffie-Hellman — the variant the CIE 3.0
// advertises in EF.CardAccess (id-PACE-DH-GM-3DES-CBC-CBC, 2048-bit group) — and
// over elliptic curves, with 3DES or AES secure messaging afterwards. It parses
// EF.CardAccess, runs the reader side, and runs the chip side for the simulated
// card.
//
// Written by hand: the Go module proxy refuses gmrtd (which also lacks the DH
// variant), and Go's crypto/ecdh cannot use the mapped generator PACE needs, so
// the curve arithmetic here is plain math/big. It is not constant time; PACE
// keys are ephemeral and live for one session.
package pace
