package photo

import "strconv"

func fmtF(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
