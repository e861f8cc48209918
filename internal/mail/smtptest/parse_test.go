package smtptest

import "testing"

func FuzzParse(f *testing.F) {
	f.Add([]byte("Subject: =?UTF-8?q?ciao?=\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: text/calendar; name=a.ics\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=a.ics\r\n\r\nQkVHSU4=\r\n--b--\r\n"))
	f.Add([]byte("Subject: x\r\n\r\nbody"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, _ = Parse(raw) // must not panic or loop
	})
}
