package web_test

import "github.com/sportello/sportello/internal/codicefiscale"

func cfValid(s string) bool { return codicefiscale.Valid(s) }
