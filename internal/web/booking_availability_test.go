package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
)

// The availability answer is served from pre-encoded bytes: gzipped for clients that
// accept it (the same JSON once unzipped), with an ETag that answers 304 while the
// calendar is unchanged and changes as soon as a hold takes a time.
func TestBookingAvailabilityEncoding(t *testing.T) {
	a := apptest.New(t)
	a.Web.Captcha.MaxNumber = 500
	c := a.Client(t)
	u := a.URL + "/api/v1/booking/availability?office=padova&service=cie-first"
	get := func(enc, inm string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Accept-Encoding", enc) // set by hand: the client does not unzip
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	plainRes, plain := get("identity", "")
	if plainRes.StatusCode != 200 || plainRes.Header.Get("Content-Encoding") != "" || !json.Valid(plain) {
		t.Fatalf("plain: %d %q %.80s", plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"), plain)
	}
	for _, enc := range []string{"gzip", "br, gzip;q=0.5"} {
		gzRes, gz := get(enc, "")
		if gzRes.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%q: not gzipped", enc)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		unz, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(unz, plain) {
			t.Fatalf("%q: unzipped body differs from the plain one (%v)", enc, err)
		}
	}
	if res, _ := get("gzip;q=0", ""); res.Header.Get("Content-Encoding") != "" {
		t.Fatal("gzip sent to a client that refuses it")
	}
	etag := plainRes.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if res, b := get("gzip", etag); res.StatusCode != http.StatusNotModified || len(b) != 0 {
		t.Fatalf("revalidation: %d with %d bytes, want 304", res.StatusCode, len(b))
	}
	var av availability
	if err := json.Unmarshal(plain, &av); err != nil || len(av.Days) == 0 {
		t.Fatalf("availability: %v", err)
	}
	// Fill the first free time (4 counters at Via Padova) and the answer changes.
	for i := 0; i < 4; i++ {
		hold := map[string]any{"office": "padova", "service": "cie-first", "start": av.Days[0].Times[0], "people": 1, "altcha": solved(t, c, a.URL)}
		if st := apiJSON(t, c, "POST", a.URL+"/api/v1/booking/holds", hold, nil); st != http.StatusCreated {
			t.Fatalf("hold %d: %d", i, st)
		}
	}
	res, b := get("identity", etag)
	if res.StatusCode != 200 || res.Header.Get("ETag") == etag || bytes.Equal(b, plain) {
		t.Fatalf("after the holds: %d, same ETag %v, same body %v", res.StatusCode, res.Header.Get("ETag") == etag, bytes.Equal(b, plain))
	}
}
