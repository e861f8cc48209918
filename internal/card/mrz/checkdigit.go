package mrz

import "fmt"

// CheckDigit computes the ICAO 9303 check digit of s (weights 7-3-1, A–Z as 10–35,
// '<' as 0), so callers can validate or build MRZ fields without parsing a whole zone.
func CheckDigit(s string) (byte, error) {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		v, err := charValue(s[i])
		if err != nil {
			return 0, err
		}
		sum += v * weights[i%3]
	}
	return byte('0' + sum%10), nil
}

func charValue(c byte) (int, error) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), nil
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, nil
	case c == '<':
		return 0, nil
	}
	return 0, fmt.Errorf("mrz: character %q is not allowed", c)
}
