// Package pdf renders Sportello's printed documents with gopdf and an embedded font, so
// a PDF looks the same on every server and nothing is fetched at run time. Each document
// has its own file (the photo receipt in receipt.go); they share the page setup here.
package pdf
