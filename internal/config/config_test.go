package config

import "testing"

func TestCampaignSIPValidation(t *testing.T) {
	cases := []struct {
		sip, peers, operator string
		ok                   bool
	}{
		{"", "", "", true},
		{"127.0.0.1:5060", "", "", true},
		{"10.0.0.5:5060", "10.0.0.1, 192.168.0.0/24", "sip:operatori@10.0.0.1", true},
		{"[::1]:5060", "::1", "sips:op@pbx.example", true},
		{"0.0.0.0:5060", "", "", false}, // callers would be told to send audio to 0.0.0.0
		{":5060", "", "", false},
		{"pbx.example:5060", "", "", false},
		{"127.0.0.1:5060", "10.0.0.0/33", "", false},
		{"127.0.0.1:5060", "", "Dial PJSIP/operatori", false},
	}
	for _, c := range cases {
		cfg := Default()
		cfg.CampaignSIP, cfg.CampaignSIPPeers, cfg.CampaignSIPOperator = c.sip, c.peers, c.operator
		if err := cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c, err)
		}
	}
	cfg := Default()
	cfg.CampaignSIPPeers = "10.0.0.7, 192.168.1.9/24"
	ps, err := cfg.SIPPeers()
	if err != nil || len(ps) != 2 || ps[0].String() != "10.0.0.7/32" || ps[1].String() != "192.168.1.0/24" {
		t.Errorf("%v %v", ps, err)
	}
}

func TestPatronDayValidation(t *testing.T) {
	for day, ok := range map[string]bool{"": true, "12-07": true, "06-24": true, "7 dicembre": false, "12-7": false, "00-10": false} {
		cfg := Default()
		cfg.PatronDay = day
		if err := cfg.Validate(); (err == nil) != ok {
			t.Errorf("%q: %v", day, err)
		}
	}
}
