package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/sportello/sportello/internal/card/nis"
	"github.com/sportello/sportello/internal/card/sod"
	"github.com/sportello/sportello/internal/model"
)

// badgeLimited applies the per-client limit and reports whether the request may go on.
func (s *Server) badgeLimited(w http.ResponseWriter, r *http.Request) bool {
	return s.allow(w, r, s.badgeLimit, clientIP(r))
}

func (s *Server) badgeChallenge(w http.ResponseWriter, r *http.Request) {
	if !s.badgeLimited(w, r) {
		return
	}
	c, err := s.Badges.Challenge()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"challenge": c, "expires_in": 120})
}

// decodeJSON reads a bounded JSON body into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	limitBody(w, r, limit)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return model.Errorf(model.EINVALID, "malformed JSON body: %v", err)
	}
	return nil
}

type verifyRequest struct {
	Proof    nis.Proof `json:"proof"`
	EMRTDSOD []byte    `json:"emrtd_sod,omitempty"`
	DG1      []byte    `json:"dg1,omitempty"`
	DG11     []byte    `json:"dg11,omitempty"`
}

// badgeVerify is the phone flow: the phone reads the card over NFC and the server
// verifies everything, so an app never has to be trusted.
func (s *Server) badgeVerify(w http.ResponseWriter, r *http.Request) {
	if !s.badgeLimited(w, r) {
		return
	}
	var req verifyRequest
	if err := decodeJSON(w, r, 256<<10, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Badges.Verify(req.Proof)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string]any{"genuine": res.OK, "reason": res.Reason, "nis": res.NIS, "kpub_sha256": res.KeyHash, "steps": res.Steps}
	if len(req.EMRTDSOD) > 0 {
		dgs := map[int][]byte{}
		if len(req.DG1) > 0 {
			dgs[1] = req.DG1
		}
		if len(req.DG11) > 0 {
			dgs[11] = req.DG11
		}
		rep, err := sod.Verify(req.EMRTDSOD, dgs, s.Badges.Trust, time.Now())
		if err != nil {
			s.fail(w, r, model.Errorf(model.EINVALID, "emrtd_sod: %v", err))
			return
		}
		out["emrtd"] = rep
		out["genuine"] = res.OK && rep.OK
	}
	_ = s.auditAs(r, "phone", "badge.verify", "", boolWord(res.OK))
	writeJSON(w, http.StatusOK, out)
}

func boolWord(ok bool) string {
	if ok {
		return "genuine"
	}
	return "rejected"
}

func (s *Server) badgeAccess(w http.ResponseWriter, r *http.Request) {
	if !s.badgeLimited(w, r) {
		return
	}
	var p nis.Proof
	if err := decodeJSON(w, r, 64<<10, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.Badges.Access(r.Context(), r.PathValue("code"), p, clientIP(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}
