// Package iso7816 encodes command APDUs, decodes response APDUs and reads the
// BER-TLV that smart cards answer with (ISO/IEC 7816-4).
//
// Written by hand: the Go module proxy refuses gmrtd, the one complete Go eMRTD
// library, and no other registry package covers the card side of the CIE.
package iso7816
