package app_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/codicefiscale"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testenv"
)

// TestCampaignPhoneLine starts the whole app with the phone line on, calls it over
// FastAGI as Asterisk would, keys in a letter's code and birth year, presses 1, and
// finds the proposal confirmed by phone. Prompts are rendered by the real espeak-ng.
func TestCampaignPhoneLine(t *testing.T) {
	testenv.LookPath(t, "espeak-ng")
	testenv.LookPath(t, "sox")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.CampaignAGI = addr }})
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
	p := ps[0]
	c, _ := a.Store.CampaignCitizen(ctx, p.CF)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	fmt.Fprint(conn, "agi_network: yes\nagi_request: agi://127.0.0.1/phonebot\nagi_channel: PJSIP/trunk-0001\n\n")
	keys := []string{p.LetterCode, fmt.Sprint(c.Birth.Year()), "1"}
	r := bufio.NewReader(conn)
	var played []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break
		}
		cmd := strings.TrimSpace(line)
		played = append(played, cmd)
		if strings.HasPrefix(cmd, "GET DATA") {
			k := ""
			if len(keys) > 0 {
				k, keys = keys[0], keys[1:]
			}
			fmt.Fprintf(conn, "200 result=%s\n", k)
			continue
		}
		fmt.Fprint(conn, "200 result=0\n")
		if cmd == "HANGUP" {
			break
		}
	}
	after, _ := a.Store.CampaignProposal(ctx, nil, p.ID)
	if after.State != store.ProposalConfirmed || after.DecidedVia != outreach.ViaPhone {
		t.Fatalf("after the call: %s via %q; commands:\n%s", after.State, after.DecidedVia, strings.Join(played, "\n"))
	}
}
