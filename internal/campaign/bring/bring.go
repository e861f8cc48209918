// Package bring says, once, what a citizen brings to the counter for the CIE, so the
// campaign's letters, e-mails and pages cannot drift apart: the e-mails and the
// confirmation page once left out the photo and the fee that only the letter named,
// and a citizen who trusted the e-mail came without a photo.
//
// The facts are ../shared/docs/PRODUCT.md's: §2 "The CIE photo" (35×45 mm, no older
// than 6 months, a plain light background, eyes visible and no tinted lenses) and §1
// "Fee" (€22.20, the Ministry's €16.79 plus municipal fees, paid at the counter).
package bring

// IT and EN are the sentence every campaign text prints under "Cosa portare" /
// "What to bring".
const (
	IT = "La carta d'identità attuale, la tessera sanitaria e una fototessera recente (35×45 mm, fatta da non più di 6 mesi, su sfondo chiaro e uniforme, senza occhiali scuri), oppure il codice della foto scattata in una cabina del Comune. Il costo è di 22,20 euro, da pagare allo sportello."
	EN = "Your current identity card, your health card and a recent passport photo (35×45 mm, taken within the last 6 months, on a plain light background, no tinted glasses), or the code of a photo taken in one of the comune's booths. The fee is €22.20, paid at the counter."
)
