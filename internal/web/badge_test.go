package web_test

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/card/cardtest"
	"github.com/sportello/sportello/internal/card/ias"
	"github.com/sportello/sportello/internal/card/nis"
	"github.com/sportello/sportello/internal/card/simcard"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// badgeWorld is an app trusting a test country's CSCA, and a card maker for it.
type badgeWorld struct {
	a   *apptest.App
	pki *cardtest.PKI
}

func newBadgeWorld(t *testing.T) *badgeWorld {
	t.Helper()
	pki, err := cardtest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i, c := range pki.Anchors() {
		b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
		if err := os.WriteFile(filepath.Join(dir, "csca"+string(rune('0'+i))+".pem"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.CardTrust = dir }})
	return &badgeWorld{a: a, pki: pki}
}

func (w *badgeWorld) card(t *testing.T, nisDigits string) *simcard.Card {
	t.Helper()
	h := simcard.DemoHolder()
	h.NIS = nisDigits
	p, err := simcard.Personalise(h, simcard.Signers{
		EMRTD: func(d map[int][]byte) ([]byte, error) { return w.pki.EMRTDSOD(d) },
		IAS:   func(n, k []byte) ([]byte, error) { return w.pki.IASSOD(n, k) },
	}, 1024, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := simcard.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// proof asks the server for a challenge, has the card sign it and returns the proof,
// as a reader at a turnstile or a phone would.
func (w *badgeWorld) proof(t *testing.T, c *simcard.Card) nis.Proof {
	t.Helper()
	res, err := http.Post(w.a.URL+"/api/v1/badge/challenge", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("X-RateLimit-Limit") == "" {
		t.Fatalf("challenge: %d %v", res.StatusCode, res.Header)
	}
	var ch struct{ Challenge []byte }
	if err := json.NewDecoder(res.Body).Decode(&ch); err != nil || len(ch.Challenge) < 16 {
		t.Fatalf("challenge body: %v", err)
	}
	b, err := ias.ReadChallenge(c, ch.Challenge)
	if err != nil {
		t.Fatal(err)
	}
	return nis.Proof{NIS: []byte(b.NIS), Kpub: b.Kpub, SOD: b.SOD, Challenge: b.Challenge, Signature: b.Signature}
}

func (w *badgeWorld) access(t *testing.T, point string, p nis.Proof) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(p)
	res, err := http.Post(w.a.URL+"/api/v1/badge/points/"+point+"/access", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestBadgeEnrolAndAccess(t *testing.T) {
	w := newBadgeWorld(t)
	a := w.a
	ctx := t.Context()
	for _, p := range []*model.BadgePoint{
		{Code: "biblioteca", Name: "Biblioteca Sormani", Groups: []string{"biblioteca"}},
		{Code: "uffici", Name: "Uffici comunali", Groups: []string{"dipendenti"}},
	} {
		if err := a.Store.CreateBadgePoint(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	reader := w.card(t, "123456789012")
	res, err := a.Badges.Verify(w.proof(t, reader))
	if err != nil || !res.OK {
		t.Fatalf("verify for enrolment: %+v %v", res, err)
	}
	enr, err := a.Badges.Enrol(ctx, res, "Maria Rossi", "biblioteca", "user:admin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Badges.Enrol(ctx, res, "Maria Rossi", "biblioteca", "user:admin"); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("second enrolment: %v", err)
	}

	granted := w.proof(t, reader)
	code, d := w.access(t, "biblioteca", granted)
	if code != 200 || d["granted"] != true || d["holder"] != "Maria Rossi" {
		t.Fatalf("enrolled card at its point: %d %v", code, d)
	}
	if _, d := w.access(t, "biblioteca", granted); d["granted"] != false || d["reason"] != "not_genuine" {
		t.Errorf("replayed proof: %v", d)
	}
	if _, d := w.access(t, "uffici", w.proof(t, reader)); d["reason"] != "group_not_admitted" {
		t.Errorf("other group's door: %v", d)
	}
	clone := w.card(t, "123456789012") // same NIS, another chip and key
	if _, d := w.access(t, "biblioteca", w.proof(t, clone)); d["granted"] != false || d["reason"] != "key_mismatch" {
		t.Errorf("cloned NIS: %v", d)
	}
	stranger := w.card(t, "999988887777")
	if _, d := w.access(t, "biblioteca", w.proof(t, stranger)); d["reason"] != "not_enrolled" {
		t.Errorf("unknown card: %v", d)
	}
	forged := w.proof(t, reader)
	forged.NIS = []byte("123456789013")
	if _, d := w.access(t, "biblioteca", forged); d["reason"] != "not_genuine" {
		t.Errorf("forged NIS: %v", d)
	}
	if code, _ := w.access(t, "nowhere", w.proof(t, reader)); code != 404 {
		t.Errorf("unknown point: %d", code)
	}
	if err := a.Store.SetBadgeDisabled(ctx, enr.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, d := w.access(t, "biblioteca", w.proof(t, reader)); d["reason"] != "revoked" {
		t.Errorf("revoked card: %v", d)
	}

	entries, err := a.Store.ListAudit(ctx, storeAuditAll())
	if err != nil {
		t.Fatal(err)
	}
	var granted1, denied int
	for _, e := range entries {
		switch e.Action {
		case "badge.granted":
			granted1++
		case "badge.denied":
			denied++
		}
		if strings.Contains(e.Detail, "123456789012") || strings.Contains(e.Object, "123456789012") {
			t.Errorf("NIS in clear in the audit log: %+v", e)
		}
	}
	if granted1 != 1 || denied != 6 {
		t.Errorf("audit: %d granted, %d denied; want 1 and 6 (one entry per attempt)", granted1, denied)
	}
}

func TestBadgePointPageAndPhoneFlow(t *testing.T) {
	w := newBadgeWorld(t)
	a := w.a
	adminPW := a.CreateUser(t, "alice", model.RoleAdmin)
	admin := a.Client(t)
	a.Login(t, admin, "alice", adminPW)
	a.Run(t, []apptest.Scenario{
		{Name: "create point", Method: "POST", Path: "/op/badges/points", Body: "code=biblioteca&name=Biblioteca+Sormani&groups=biblioteca,+staff", As: admin, Status: 303},
		{Name: "bad point keeps input", Method: "POST", Path: "/op/badges/points", Body: "code=X+Y&name=Sala&groups=staff", As: admin, Status: 422, Contain: []string{`value="Sala"`, "is-invalid"}},
		{Name: "admin list", Path: "/op/badges", As: admin, Status: 200, Contain: []string{"Biblioteca Sormani", "biblioteca, staff"}},
		{Name: "point idle", Path: "/badge/biblioteca", Status: 200, Contain: []string{"Avvicini la carta", `http-equiv="refresh"`}, Absent: []string{"it-header-wrapper"}},
	})
	reader := w.card(t, "123456789012")
	res, err := a.Badges.Verify(w.proof(t, reader))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Badges.Enrol(t.Context(), res, "Maria Rossi", "staff", "user:alice"); err != nil {
		t.Fatal(err)
	}
	if _, d := w.access(t, "biblioteca", w.proof(t, reader)); d["granted"] != true {
		t.Fatalf("access: %v", d)
	}
	a.Run(t, []apptest.Scenario{
		{Name: "point shows decision but no name", Path: "/badge/biblioteca", Status: 200, Contain: []string{"Accesso consentito"}, Absent: []string{"Maria Rossi"}},
		{Name: "admin sees enrolment without NIS", Path: "/op/badges", As: admin, Status: 200, Contain: []string{"…9012", "Maria Rossi"}, Absent: []string{"123456789012"}},
	})

	// Phone flow: the same proof, verified without an access decision.
	p := w.proof(t, reader)
	body, _ := json.Marshal(map[string]any{"proof": p})
	resp, err := http.Post(a.URL+"/api/v1/badge/verify", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if out["genuine"] != true || out["nis"] != "123456789012" {
		t.Errorf("phone verify: %v", out)
	}
	resp, err = http.Post(a.URL+"/api/v1/badge/verify", "application/json", strings.NewReader(`{"proof": {"nis": 12}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 422 {
		t.Errorf("malformed proof: %d", resp.StatusCode)
	}
}

func storeAuditAll() store.AuditFilter { return store.AuditFilter{Limit: 1000} }
