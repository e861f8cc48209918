package photo

// teethMax is the share of teeth-coloured pixels along the lip line above which the
// teeth show. Tuned on the tuning half: every compliant portrait measured 0.000 (all 55
// do), the smiles that show teeth 0.018 and more; the mesh's lip gap missed some of them
// (0.03 on a smile with the upper teeth bare), because its inner lips barely part.
const teethMax = 0.01

// Mesh indices of the inner lip contour, corner to corner: upper lid of the mouth, then
// the lower one under the same points.
var (
	innerLipUpper = []int{78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308}
	innerLipLower = []int{78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308}
)

// teethShare measures bared teeth: in a band along the line between the lips, the share
// of pixels bright against the skin (luma above 0.7 of it), much less saturated than the
// skin (below half of its saturation) and yellowish rather than pink (hue above 10°).
// Lips are as saturated as skin; pale or glossy lips are pink, which the hue bound keeps
// out (a glossy neutral mouth measured 0.044 without it, 0.000 with it).
func (a *analysis) teethShare() float64 {
	all, _, _ := a.skin()
	sk := stats(a.img, all)
	_, skSat := hueSat(sk.r, sk.g, sk.b)
	h := 0.07 * dist(a.p(meshMouthR), a.p(meshMouthL))
	n := len(innerLipUpper)
	var poly []Point
	// The corners themselves are left out: there the band would cover the cheeks.
	for k := 1; k < n-1; k++ {
		m := mid(a.p(innerLipUpper[k]), a.p(innerLipLower[k]))
		poly = append(poly, Point{m.X, m.Y - h})
	}
	for k := n - 2; k >= 1; k-- {
		m := mid(a.p(innerLipUpper[k]), a.p(innerLipLower[k]))
		poly = append(poly, Point{m.X, m.Y + h})
	}
	band := polygon(a.img, poly)
	return fraction(a.img, band, func(r, g, b float64) bool {
		hue, s := hueSat(r, g, b)
		return luma(r, g, b) > 0.7*sk.l && s < 0.5*skSat && hue > 10
	})
}
