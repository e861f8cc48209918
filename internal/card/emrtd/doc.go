// Package emrtd reads the ICAO 9303 eMRTD application of a CIE over any
// iso7816.Transceiver: access control (PACE with the CAN or the MRZ, BAC as the
// fallback), then EF.COM, DG1, DG2, DG11, DG12 and EF.SOD with chunked READ
// BINARY under secure messaging. It also parses the data groups and decodes the
// DG2 face (ISO 19794-5, JPEG 2000) so it can be written as PNG.
//
// Written by hand: the Go module proxy refuses gmrtd, the one Go eMRTD reader.
package emrtd
