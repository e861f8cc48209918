package app_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/campaign/phonebot/sipptest"
	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/codicefiscale"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testenv"
)

// TestCampaignSIPCall starts the whole app with the SIP phone line on 127.0.0.1 and
// calls it with sipp: a real INVITE, the letter's code and birth year keyed as RFC 4733
// events, then 1. The proposal ends confirmed by phone and the audit log says so. A
// second call keys a wrong birth year three times and is transferred to the operator
// (sipp must receive the REFER) with its proposal untouched. Prompts are spoken by the
// real espeak-ng, so the confirmation call lasts as long as its sentences.
func TestCampaignSIPCall(t *testing.T) {
	testenv.LookPath(t, "espeak-ng")
	testenv.LookPath(t, "sox")
	testenv.LookPath(t, "sipp")
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := c.LocalAddr().String()
	c.Close()
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) {
		c.CampaignSIP, c.CampaignSIPOperator = addr, "sip:operatori@127.0.0.1:5999"
	}})
	ctx := context.Background()
	syn := plan.NewSynthetic(10, 5, true)
	var cs []register.Citizen
	for i, p := range syn.People {
		c, _ := codicefiscale.Parse(p.CF)
		birth, sex, _ := c.Birth(time.Now())
		cs = append(cs, register.Citizen{CF: p.CF, FamilyName: "Verdi", GivenNames: fmt.Sprint("Luca", i), Sex: string(rune(sex)), Birth: birth,
			Household: p.Household, Address: "Via Roma 1", Postcode: "20100", Lat: p.Lat, Lon: p.Lon, CardType: "paper", Due: time.Now().AddDate(0, 1, 0), Line: i + 2})
	}
	if _, err := a.Store.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	svc := a.Web.Campaign
	if _, err := svc.Plan(ctx, outreach.KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	ps, _ := a.Store.CampaignProposals(ctx, nil, "state = ?", store.ProposalProposed)
	// two letters of different households, so confirming one leaves the other proposed
	first := ps[0]
	var second *store.CampaignProposal
	for _, p := range ps[1:] {
		if p.Household != first.Household {
			second = p
			break
		}
	}
	if second == nil {
		t.Fatal("the synthetic campaign has a single household")
	}
	year := func(p *store.CampaignProposal) int {
		c, err := a.Store.CampaignCitizen(ctx, p.CF)
		if err != nil {
			t.Fatal(err)
		}
		return c.Birth.Year()
	}

	// the calls run side by side: the confirmation is long to say
	t.Run("confirm", func(t *testing.T) {
		t.Parallel()
		log, err := sipptest.Run(t, addr, sipptest.Call{Keys: first.LetterCode + "#" + fmt.Sprint(year(first)) + "1", End: sipptest.LineHangsUp})
		if err != nil {
			t.Fatalf("sipp: %v\n%s", err, log)
		}
		after, _ := a.Store.CampaignProposal(ctx, nil, first.ID)
		if after.State != store.ProposalConfirmed || after.DecidedVia != outreach.ViaPhone {
			t.Fatalf("after the call: %s via %q", after.State, after.DecidedVia)
		}
		e := auditFor(t, a, fmt.Sprint("campaign_proposal:", first.ID))
		if e.Action != "campaign.phone.confirmed" || !strings.Contains(e.Detail, "channel=phone") || e.IP != "127.0.0.1" {
			t.Errorf("audit %+v", e)
		}
	})

	t.Run("wrong year goes to the operator", func(t *testing.T) {
		t.Parallel()
		wrong := second.LetterCode + "#" + fmt.Sprint(year(second)+1)
		log, err := sipptest.Run(t, addr, sipptest.Call{Keys: wrong + wrong + wrong, End: sipptest.Operator})
		if err != nil {
			t.Fatalf("sipp: %v\n%s", err, log)
		}
		if !strings.Contains(log, "Refer-To: <sip:operatori@127.0.0.1:5999>") {
			t.Errorf("no transfer to the operator in:\n%s", log)
		}
		after, _ := a.Store.CampaignProposal(ctx, nil, second.ID)
		if after.State != store.ProposalProposed {
			t.Errorf("a wrong year changed the proposal: %s", after.State)
		}
		if e := auditFor(t, a, "campaign_phone"); e.Action != "campaign.phone.operator" || !strings.Contains(e.Detail, "keys=39") {
			t.Errorf("audit %+v", e)
		}
	})
}

// auditFor waits for the line's audit entry on object: the line writes it once the
// call is over, a moment after sipp has seen the last message.
func auditFor(t *testing.T, a *apptest.App, object string) *model.AuditEntry {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		es, err := a.Store.ListAudit(context.Background(), store.AuditFilter{Object: object, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) > 0 {
			return es[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no audit entry for %s", object)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
