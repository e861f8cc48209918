package web

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// reviewsShown is how many review lines the import page lists; the CSV has them all.
const reviewsShown = 200

// campaignImportPage is an import's state with the words its review needs.
type campaignImportPage struct {
	campaignImportView
	Labels map[string]string // review kinds and states in the page's language
}

// reviewText says, per review kind, what happened and what the office does.
var reviewText = map[string][2]string{
	store.ReviewHasCIE:                 {"ha già la CIE: pratica chiusa, proposta non confermata annullata", "already holds a CIE: case closed, unconfirmed proposal cancelled"},
	store.ReviewPaperAgain:             {"di nuovo carta d'identità cartacea: rientra nella campagna", "paper card again: back in the campaign"},
	store.ReviewMovedReplan:            {"trasferito prima dell'invio: proposta annullata, la prossima pianificazione lo ricolloca", "moved before sending: proposal cancelled, the next plan places them again"},
	store.ReviewHasCIEBooked:           {"ha la CIE ma ha un appuntamento confermato o una visita: contattare e registrare l'esito (es. rinuncia)", "holds a CIE but has a confirmed appointment or visit: contact them and record the outcome (e.g. declined)"},
	store.ReviewMovedSent:              {"trasferito dopo l'invio: proporre uno sportello più vicino o verificare l'indirizzo della visita", "moved after sending: offer a nearer office or check the visit's address"},
	store.ReviewAbsent:                 {"assente dall'estratto: se l'estratto è completo, registrare deceduto, emigrato o irreperibile", "not in the extract: if the extract is complete, record deceased, emigrated or untraceable"},
	"join:" + outreach.UnplacedFull:    {"nessun posto accanto al nucleo in quel giorno", "no free place next to the household that day"},
	"join:" + outreach.UnplacedTooSoon: {"l'appuntamento del nucleo è troppo vicino", "the household's appointment is too soon"},
	"join:" + outreach.UnplacedClosed:  {"lo sportello è chiuso quel giorno", "the office is closed that day"},
	"join:" + outreach.UnplacedOutside: {"il giorno è fuori dalle settimane della campagna", "the day is outside the campaign's weeks"},
}

func reviewLabels(lang string) map[string]string {
	i := 0
	if lang == "en" {
		i = 1
	}
	out := map[string]string{}
	for k, v := range reviewText {
		out[k] = v[i]
	}
	for _, st := range append(store.CitizenStates, store.CitizenHasCIE) {
		out["state:"+st] = stateLabel(lang, st)
	}
	return out
}

// campaignImportReview is an import's review list as CSV. Its first three columns are
// those of the outcome list: the office fills in outcome (and date) for the absent
// and uploads the file on the outcomes page.
func (s *Server) campaignImportReview(w http.ResponseWriter, r *http.Request) {
	s.campaignImports.mu.Lock()
	ci := s.campaignImports.byID[r.PathValue("id")]
	s.campaignImports.mu.Unlock()
	if ci == nil {
		s.campaignFail(w, r, model.Errorf(model.ENOTFOUND, "no such import (imports are kept until the server restarts)"))
		return
	}
	snap := ci.snapshot()
	if err := s.audit(r, "campaign.import.review", "campaign_import:"+snap.ID, strconv.Itoa(len(snap.Reviews))+" rows"); err != nil {
		s.fail(w, r, err)
		return
	}
	lang := langOf(r)
	labels := reviewLabels(lang)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="revisione-import-`+snap.ID+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write([]string{"codice_fiscale", "outcome", "date", "name", "review", "state", "moved_m", "note"})
	for _, v := range snap.Reviews {
		m := ""
		if v.Metres > 0 {
			m = strconv.Itoa(v.Metres)
		}
		_ = cw.Write([]string{v.CF, "", "", cell(v.Name), v.Kind, v.State, m, labels[v.Kind]})
	}
	for _, u := range snap.Join.Unplaced {
		_ = cw.Write([]string{u.CF, "", "", "", "household_not_joined", store.CitizenNew, "", labels["join:"+u.Reason]})
	}
	cw.Flush()
}
