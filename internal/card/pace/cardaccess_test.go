package pace

import (
	"encoding/asn1"
	"testing"
)

func TestParseCardAccess(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Info
		ok   bool
	}{
		// ICAO 9303-11 Appendix G.1 EF.CardAccess.
		{"ICAO ECDH", "31143012060A04007F0007020204020202010202010D", []Info{{ECDHGMAES128, 2, 13}}, true},
		{"CIE-style DH 3DES", "31143012060A04007F0007020204010102010202010" + "2", []Info{{DHGM3DES, 2, 2}}, true},
		{"no parameter id", "3111300F060A04007F00070202040202020102", []Info{{ECDHGMAES128, 2, -1}}, true},
		{"chip authentication info skipped", "3125" + "3012060A04007F0007020203020102010202010D" + "300F060A04007F00070202040101020102" + "0000",
			[]Info{{DHGM3DES, 2, -1}}, true},
		{"not a set", "30143012060A04007F0007020204020202010202010D", nil, false},
		{"empty set", "3100", nil, false},
		{"garbage", "FFFF", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCardAccess(h(tt.in))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			if !tt.ok {
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v", got)
			}
			for i := range got {
				if !got[i].Protocol.Equal(tt.want[i].Protocol) || got[i].Version != tt.want[i].Version || got[i].ParameterID != tt.want[i].ParameterID {
					t.Fatalf("got %v, want %v", got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCardAccessRoundTrip(t *testing.T) {
	infos := []Info{{DHGM3DES, 2, 2}, {ECDHGMAES128, 2, 13}, {ECDHGMAES256, 2, -1}}
	der, err := EncodeCardAccess(infos)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCardAccess(der)
	if err != nil || len(got) != 3 {
		t.Fatalf("%v, %v", got, err)
	}
	for i := range infos {
		if !got[i].Protocol.Equal(infos[i].Protocol) || got[i].ParameterID != infos[i].ParameterID {
			t.Fatalf("%d: %v", i, got[i])
		}
	}
}

func TestSupported(t *testing.T) {
	tests := []struct {
		info Info
		ok   bool
	}{
		{Info{DHGM3DES, 2, 2}, true},
		{Info{ECDHGMAES128, 2, 13}, true},
		{Info{DHGM3DES, 2, 13}, false},
		{Info{ECDHGMAES128, 2, 0}, false},
		{Info{oid(arcECDHIM, 2), 2, 13}, false},
		{Info{ECDHGMAES128, 2, 17}, false},
		{Info{asn1.ObjectIdentifier{1, 2, 3}, 2, 13}, false},
	}
	for _, tt := range tests {
		if err := tt.info.Supported(); (err == nil) != tt.ok {
			t.Errorf("%v: err = %v", tt.info, err)
		}
	}
}

func FuzzParseCardAccess(f *testing.F) {
	f.Add(h("31143012060A04007F0007020204020202010202010D"))
	f.Add(h("3111300F060A04007F00070202040202020102"))
	f.Fuzz(func(t *testing.T, b []byte) {
		infos, err := ParseCardAccess(b)
		if err != nil {
			return
		}
		for _, i := range infos {
			if !IsPACE(i.Protocol) {
				t.Fatalf("non-PACE info %v returned", i)
			}
			_ = i.Supported()
			_ = i.String()
		}
	})
}
