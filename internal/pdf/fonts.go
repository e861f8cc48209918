package pdf

import (
	_ "embed"

	"github.com/signintech/gopdf"
)

// DejaVu Sans from Debian's fonts-dejavu-core 2.37 (licence in fonts/LICENSE-DejaVu.txt):
// it covers Italian and every Latin-script name a register may hold, and gopdf embeds
// only the glyphs a document uses.
var (
	//go:embed fonts/DejaVuSans.ttf
	sansTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	sansBoldTTF []byte
)

// Font families registered on every document.
const (
	Sans     = "sans"
	SansBold = "sans-bold"
)

// NewDocument starts a PDF in millimetres with the given page size and the embedded
// fonts registered, ready for AddPage.
func NewDocument(wMM, hMM float64) (*gopdf.GoPdf, error) {
	doc := &gopdf.GoPdf{}
	doc.Start(gopdf.Config{Unit: gopdf.UnitMM, PageSize: gopdf.Rect{W: wMM, H: hMM}})
	if err := doc.AddTTFFontData(Sans, sansTTF); err != nil {
		return nil, err
	}
	if err := doc.AddTTFFontData(SansBold, sansBoldTTF); err != nil {
		return nil, err
	}
	return doc, nil
}
