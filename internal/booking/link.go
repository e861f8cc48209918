package booking

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// Link purposes: a token made for one cannot be used for the other.
const (
	PurposeHold   = "hold"
	PurposeManage = "manage"
)

// Sign makes a URL-safe token for booking id and purpose that expires at exp:
// "<id>.<exp unix>.<hmac>". The booking's version is signed too, so a link stops working
// once the booking moves or is cancelled and a new e-mail carries the new link.
func Sign(key []byte, purpose string, id int64, version int, exp time.Time) string {
	body := strconv.FormatInt(id, 36) + "." + strconv.FormatInt(exp.Unix(), 36) + "." + strconv.Itoa(version)
	return body + "." + mac(key, purpose, body)
}

func mac(key []byte, purpose, body string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("sportello-booking/" + purpose + "/" + body))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}

var errBadLink = model.Errorf(model.EUNAUTHORIZED, "this link is not valid: it may have been altered or replaced by a newer one")

// ErrLinkExpired is returned for a well-signed link past its expiry.
var ErrLinkExpired = model.Errorf(model.EUNAUTHORIZED, "this link has expired")

// Verify checks a token and returns the booking id and version it names.
func Verify(key []byte, purpose, token string, now time.Time) (id int64, version int, err error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || len(token) > 120 {
		return 0, 0, errBadLink
	}
	body := parts[0] + "." + parts[1] + "." + parts[2]
	if !hmac.Equal([]byte(parts[3]), []byte(mac(key, purpose, body))) {
		return 0, 0, errBadLink
	}
	id, err1 := strconv.ParseInt(parts[0], 36, 64)
	exp, err2 := strconv.ParseInt(parts[1], 36, 64)
	version, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, errBadLink
	}
	if now.Unix() > exp {
		return 0, 0, ErrLinkExpired
	}
	return id, version, nil
}

// LapsedHoldGrace is how long after a hold token's expiry it can still ask for the same
// time again: long enough for a citizen who typed slowly or was interrupted, short
// enough that an old token is no lasting key to the slot.
const LapsedHoldGrace = 24 * time.Hour

// VerifyLapsed checks a token's signature like Verify but accepts it up to grace past its
// expiry; it tells a lapsed hold (whose citizen may have the same time again) from a
// forged or foreign one.
func VerifyLapsed(key []byte, purpose, token string, now time.Time, grace time.Duration) (id int64, version int, err error) {
	return Verify(key, purpose, token, now.Add(-grace))
}
