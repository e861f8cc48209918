// Package photo decides whether a portrait can become a CIE photo and makes it one.
//
// It decodes a JPEG once (internal/photo/jpegscale keeps the DCT coefficients), analyses
// a render of about one megapixel with the face models of internal/photo/face (detection,
// the attention face mesh with eyelids and irises, the person mask), runs every ICAO/CIE
// check of PRODUCT.md §2 with its measured value, threshold and an instruction in Italian
// and English, and renders the 35×45 crop from the DCT data of just that part, at the
// coarsest scale that still gives it at least 900 rows. The person mask runs beside the
// detector and the mesh, and the crop beside the checks, on a second core.
// There is no HTTP here: the booth, the upload page and the desk call the same Engine,
// which holds no per-call state and is safe for concurrent use.
//
// Thresholds were set on the labelled portraits of testdata/portraits; the expression
// model was cross-validated by person (Sample.Tuning). Yaw and pitch are judged with a
// guard band over ±5° because the mesh's estimate spreads that much on frontal faces, and
// head coverings are reported as not assessed: no measure told hats from hair.
package photo
