package web_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/campaign/bring"
)

// TestCampaignDoneSaysWhatToBring: the page a confirmation ends on asks for what the
// letter and the e-mails ask for, photo and fee included, in the page's language.
func TestCampaignDoneSaysWhatToBring(t *testing.T) {
	a := apptest.New(t)
	svc := a.Web.Campaign
	ps := sentCampaign(t, a, 45)
	anon := a.Client(t)
	for i, lang := range []struct{ query, want string }{{"", bring.IT}, {"?lang=en", bring.EN}} {
		p := campaignPost(t, anon, a.URL+"/c/"+svc.Token(ps[i])+lang.query, "action=confirm", http.StatusOK)
		if !strings.Contains(p, `data-state="confirmed"`) {
			t.Fatalf("confirm page:\n%s", p)
		}
		if !strings.Contains(p, html.EscapeString(lang.want)) {
			t.Fatalf("confirmed page%s lacks what to bring %q:\n%s", lang.query, lang.want, p)
		}
	}
}
