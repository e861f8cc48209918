// Package ias reads the CIE as a badge: the NIS (numero identificativo per i
// servizi), the internal authentication public key and the IAS EF.SOD from the
// IAS/CIE applications, and proves the card is present by having it sign a
// fresh random challenge (internal authentication). No PIN is needed.
//
// Written by hand: the official NIS SDKs are Java/C++/Kotlin and the Go module
// proxy has no CIE library.
package ias
