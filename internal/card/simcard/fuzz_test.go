package simcard

import (
	"bytes"
	"sync"
	"testing"

	"github.com/sportello/sportello/internal/card/iso7816"
)

var (
	fuzzOnce    sync.Once
	fuzzProfile Profile
)

// FuzzTransmit sends arbitrary APDUs, after a scripted prefix that opens the
// applications, to a personalised card: it must answer every one with a status
// word and never panic.
func FuzzTransmit(f *testing.F) {
	fuzzOnce.Do(func() {
		stub := Signers{
			EMRTD: func(map[int][]byte) ([]byte, error) { return iso7816.Encode(0x77, []byte("sod")), nil },
			IAS:   func(n, k []byte) ([]byte, error) { return iso7816.Encode(0x30, []byte("sod")), nil },
		}
		var err error
		if fuzzProfile, err = Personalise(DemoHolder(), stub, 1024, nil); err != nil {
			f.Fatal(err)
		}
	})
	for _, seed := range []string{
		"00A4040C07A0000002471001", "0084000008", "00B081000C", "0022C1A40F800A04007F00070202040101830102",
		"10860000027C0000", "00B1000004540200FF00", "0C B0000000", "00C0000000", "0088000010AABBCCDDEEFF0011223344556677889900",
	} {
		f.Add(h(string(bytes.ReplaceAll([]byte(seed), []byte(" "), nil))))
	}
	f.Fuzz(func(t *testing.T, apdu []byte) {
		c, err := New(fuzzProfile)
		if err != nil {
			t.Fatal(err)
		}
		for _, pre := range []string{"00A4040C0DA0000000308000000009816001", "00A4040C06A00000000039"} {
			if _, err := c.Transmit(h(pre)); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := c.Transmit(apdu)
		if err != nil {
			t.Fatalf("%X: %v", apdu, err)
		}
		if len(resp) < 2 {
			t.Fatalf("%X: answer %X without status word", apdu, resp)
		}
	})
}
