// Package sm implements ICAO 9303-11 secure messaging (§9.8) with 3DES and AES
// session keys: the reader side (wrap commands, unwrap responses) and the card
// side (unwrap commands, wrap responses) share one send sequence counter
// discipline, so the simulated card and the client cannot drift apart.
//
// Written by hand: the Go module proxy refuses gmrtd, and no other Go package
// implements eMRTD secure messaging.
package sm
