package simcard

import (
	"encoding/hex"

	"github.com/sportello/sportello/internal/card/bac"
)

func h(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func keyOf(x Holder) bac.Key {
	return bac.Key{DocumentNumber: x.DocumentNumber, DateOfBirth: x.BirthDate, DateOfExpiry: x.ExpiryDate}
}
