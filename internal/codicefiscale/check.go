package codicefiscale

// oddValue holds the values of the odd (1st, 3rd, ... 15th) characters for the check
// character, indexed by digit or letter value (0-9 then A=0..Z=25 share a table:
// '0' and 'A' have the same value, and so on up to '9' and 'J').
var oddValue = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// charValue is the even-position value: digits are 0-9, letters A-Z are 0-25.
func charValue(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int(c - 'A')
}

// checkChar computes the control character of the first 15 characters, which must
// already be upper-case letters or digits.
func checkChar(s string) byte {
	sum := 0
	for i := 0; i < 15; i++ {
		v := charValue(s[i])
		if i%2 == 0 { // 1-based odd position
			sum += oddValue[v]
		} else {
			sum += v
		}
	}
	return byte('A' + sum%26)
}

// numericCheckDigit is the Luhn-like check digit of the 11-digit code over its
// first ten digits: even (1-based) positions are doubled, minus 9 above 9.
func numericCheckDigit(s string) byte {
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}
