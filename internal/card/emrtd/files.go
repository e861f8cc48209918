package emrtd

// AID is the eMRTD LDS1 application identifier (ICAO 9303-10 §3.6.1).
var AID = []byte{0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01}

// File identifiers of ICAO 9303-10 table 39.
const (
	FIDCardAccess uint16 = 0x011C
	FIDCOM        uint16 = 0x011E
	FIDSOD        uint16 = 0x011D
	FIDDG1        uint16 = 0x0101
	FIDDG2        uint16 = 0x0102
	FIDDG11       uint16 = 0x010B
	FIDDG12       uint16 = 0x010C
)

// DGFile returns the file identifier of data group n (1-16).
func DGFile(n int) uint16 { return 0x0100 + uint16(n) }

// DGTag returns the outer tag of data group n, as EF.COM lists them.
func DGTag(n int) byte {
	tags := map[int]byte{1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68,
		9: 0x69, 10: 0x6A, 11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70}
	return tags[n]
}
