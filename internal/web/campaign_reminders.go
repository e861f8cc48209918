package web

import (
	"bytes"
	"net/http"
	"strconv"
)

// campaignReminderLetters downloads the reminder letters due now; the proposals in it
// count as reminded once the ZIP is built, so each is printed in one batch only.
func (s *Server) campaignReminderLetters(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	n, err := s.Campaign.ReminderLetters(r.Context(), &buf)
	if err != nil {
		s.campaignRedisplay(w, r, err)
		return
	}
	if err := s.audit(r, "campaign.reminder_letters", "campaign", strconv.Itoa(n)+" letters"); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="lettere-promemoria-`+s.Campaign.Now().Format("20060102-1504")+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
