// Package simcard is an in-process simulated CIE: the ICAO eMRTD application
// with BAC and PACE (generic mapping, DH or ECDH) and secure messaging, plus the
// IAS/CIE NIS files and internal authentication with an RSA key. Tests read it
// directly through its Transmit method; package vpcd connects it to a real
// pcscd so the PC/SC client can be tested end to end.
//
// Written by hand: no simulated CIE exists in the registries reachable here.
package simcard
