// Package codicefiscale validates and normalises the Italian codice fiscale: the
// 16-character code of a person (with omocodia) and the 11-digit numeric code
// (temporary codes and legal entities).
//
// It is written by hand because the Go module proxy offers no codice fiscale
// library we may use here.
//
// The package never builds a code from a name and a birth date: a code that
// matches someone's personal data proves nothing (omocodia exists precisely
// because different people share the same derived code), so the only source of
// truth is the code the register or the card holds. Birth date and sex are
// decoded from a valid code only to fill gaps, for instance to plan elderly
// citizens first when the register lacks a birth date.
package codicefiscale
