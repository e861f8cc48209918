package app_test

import (
	"net"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/config"
)

// TestCampaignPhoneNumberNeedsALine: --campaign-phone reaches the letters and e-mails
// (the outreach service's Phone) only when a phone line answers it; with neither
// --campaign-agi nor --campaign-sip the number would ring nowhere, so none is printed.
func TestCampaignPhoneNumberNeedsALine(t *testing.T) {
	off := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.CampaignPhone = "02 02 02" }})
	if got := off.Web.Campaign.Phone; got != "" {
		t.Fatalf("no phone line, yet the number %q is printed", got)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	on := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.CampaignPhone, c.CampaignAGI = "02 02 02", addr }})
	if got := on.Web.Campaign.Phone; got != "02 02 02" {
		t.Fatalf("phone line on: number %q, want 02 02 02", got)
	}
}
