package outreach

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// Token is the personal link's secret: the proposal id and its expiry, signed with
// the proposal's current nonce. Answering rotates the nonce, so a link works once;
// the expiry is the proposal's deadline, so an old letter cannot book anything.
func (s *Service) Token(p *store.CampaignProposal) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(p.ID))
	binary.BigEndian.PutUint64(b[8:], uint64(p.Deadline.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(b[:], s.mac(b[:], p.Nonce)...))
}

// Link is the personal link's URL.
func (s *Service) Link(p *store.CampaignProposal) string {
	return strings.TrimRight(s.BaseURL, "/") + "/c/" + s.Token(p)
}

func (s *Service) mac(msg []byte, nonce string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(msg)
	m.Write([]byte(nonce))
	return m.Sum(nil)[:16]
}

var errBadLink = model.Errorf(model.EUNAUTHORIZED, "this link is not valid: it was already used, has expired or was mistyped")

// errSuperseded answers an old link of a proposal that expired unanswered and was
// re-proposed in place: the citizen has a newer message or letter to use.
var errSuperseded = model.Errorf(model.EUNAUTHORIZED, "this proposal expired without an answer and the comune has sent you a new one: use the link or the code in the newer e-mail or letter")

// superseded says whether token was a valid link to an earlier attempt of its
// proposal, one that expired and was re-proposed (store.ProposalAttempt): signed
// with that attempt's nonce and naming its deadline.
func (s *Service) superseded(ctx context.Context, token string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		return false
	}
	id := int64(binary.BigEndian.Uint64(raw[:8]))
	exp := int64(binary.BigEndian.Uint64(raw[8:16]))
	attempts, err := s.Store.CampaignProposalAttempts(ctx, nil, id)
	if err != nil {
		return false
	}
	for _, a := range attempts {
		if a.Deadline.Unix() == exp && hmac.Equal(raw[16:], s.mac(raw[:16], a.Nonce)) {
			return true
		}
	}
	return false
}

// verify returns the proposal a token names, if the signature holds with the
// proposal's current nonce and the link has not expired.
func (s *Service) verify(token string, p func(id int64) (*store.CampaignProposal, error)) (*store.CampaignProposal, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		return nil, errBadLink
	}
	id := int64(binary.BigEndian.Uint64(raw[:8]))
	exp := int64(binary.BigEndian.Uint64(raw[8:16]))
	prop, err := p(id)
	if err != nil {
		return nil, errBadLink
	}
	if !hmac.Equal(raw[16:], s.mac(raw[:16], prop.Nonce)) {
		return nil, errBadLink
	}
	if exp != prop.Deadline.Unix() {
		return nil, errBadLink
	}
	switch prop.State {
	case store.ProposalConfirmed:
		// the link issued after the answer (Token with the new nonce) keeps the
		// appointment in the citizen's hands, to change or cancel, until it starts
		if !s.now().Before(s.At(prop.Day, prop.Minute)) {
			return nil, errAppointmentPast
		}
	case store.ProposalDeclined:
		// read-only: Open shows when they declined, decide refuses any answer
	default:
		if !s.now().Before(prop.Deadline) {
			return nil, errExpired
		}
	}
	return prop, nil
}

var (
	errExpired         = model.Errorf(model.EUNAUTHORIZED, "this proposal has expired: the comune will send you a new one")
	errAppointmentPast = model.Errorf(model.EUNAUTHORIZED, "the time of this appointment has passed: to book a new one, use the comune's booking page")
)

// LinkGone says whether err is a personal link that no longer opens (used, expired,
// superseded, mistyped), as opposed to a failure: the page explains, it asks for no login.
func LinkGone(err error) bool {
	return err == errBadLink || err == errSuperseded || err == errExpired || err == errAppointmentPast
}

func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newNonces is n of newNonce from one read of the random source: a Milan re-plan
// makes 36,000 at once.
func newNonces(n int) []string {
	b := make([]byte, 16*n)
	_, _ = rand.Read(b)
	out := make([]string, n)
	for i := range out {
		out[i] = hex.EncodeToString(b[16*i : 16*i+16])
	}
	return out
}

// newLetterCode is an 8-digit code for the phone line, unique among taken.
func newLetterCode(taken map[string]bool) string {
	for {
		n, _ := rand.Int(rand.Reader, big.NewInt(90_000_000))
		c := fmt.Sprintf("%08d", n.Int64()+10_000_000)
		if !taken[c] {
			taken[c] = true
			return c
		}
	}
}

// FormatCode groups a letter code for reading aloud: "1234 5678".
func FormatCode(c string) string {
	if len(c) != 8 {
		return c
	}
	return c[:4] + " " + c[4:]
}
