package pace

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/card/bac"
	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/sm"
)

func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// ICAO 9303-11 Appendix G: the MRZ password of both worked examples.
var icaoKey = bac.Key{DocumentNumber: "T22000129", DateOfBirth: "640812", DateOfExpiry: "101031"}

// Appendix G.1, PACE-ECDH-GM-AES-128 on brainpoolP256r1.
const (
	g1SKMap   = "7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99"
	g1PKMap   = "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
	g1PKMapIC = "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
	g1Mapped  = "048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E28C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"
	g1SK      = "A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595"
	g1PK      = "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
	g1PKIC    = "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
	g1Shared  = "28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925"
	g1KSEnc   = "F5F0E35C0D7161EE6724EE513A0D9A7F"
	g1KSMac   = "FE251C7858B356B24514B3BD5F4297D1"
	g1TIFD    = "C2B0BD78D94BA866"
	g1TIC     = "3ABB9674BCE93C08"
)

// Appendix G.2, PACE-DH-GM-AES-128 on the RFC 5114 1024-bit group.
const (
	g2SKMap   = "5265030F751F4AD18B08AC565FC7AC952E41618D"
	g2PKMap   = "23FB3749EA030D2A25B278D2A562047ADE3F01B74F17A15402CB7352CA7D2B3EB71C343DB13D1DEBCE9A3666DBCFC920B49174A602CB47965CAA73DC702489A44D41DB914DE9613DC5E98C94160551C0DF86274B9359BC0490D01B03AD54022DCB4F57FAD6322497D7A1E28D46710F461AFE710FBBBC5F8BA166F4311975EC6C"
	g2PKMapIC = "78879F57225AA8080D52ED0FC890A4B25336F699AA89A2D3A189654AF70729E623EA5738B26381E4DA19E004706FACE7B235C2DBF2F38748312F3C98C2DD4882A41947B324AA1259AC22579DB93F7085655AF30889DBB845D9E6783FE42C9F2449400306254C8AE8EE9DD812A804C0B66E8CAFC14F84D8258950A91B44126EE6"
	g2Mapped  = "7C9CBFE98F9FBDDA8D143506FA7D9306F4CB17E3C71707AFF5E1C1A12370249684D64EE37AF44B8DBD9D45BF6023919CBAA027AB97ACC771666C8E98FF483301BFA4872DEDE9034EDFACB70814166B7F360676829B826BEA57291B5AD69FBC84EF1E779032A305803F74341793E869742D401325B37EE8565FFCDEE618342DC5"
	g2SK      = "89CCD99B0E8D3B1F11E1296DCA68EC53411CF2CA"
	g2PK      = "907D89E2D425A178AA81AF4A7774EC8E388C115CAE67031E85EECE520BD911551B9AE4D04369F29A02626C86FBC6747CC7BC352645B6161A2A42D44EDA80A08FA8D61B76D3A154AD8A5A51786B0BC07147057871A922212C5F67F43173172236B7747D1671E6D692A3C7D40A0C3C5CE397545D015C175EB5130551EDBC2EE5D4"
	g2PKIC    = "075693D9AE941877573E634B6E644F8E60AF17A0076B8B123D9201074D36152BD8B3A213F53820C42ADC79AB5D0AEEC3AEFB91394DA476BD97B9B14D0A65C1FC71A0E019CB08AF55E1F729005FBA7E3FA5DC41899238A250767A6D46DB974064386CD456743585F8E5D90CC8B4004B1F6D866C79CE0584E49687FF61BC29AEA1"
	g2Shared  = "6BABC7B3A72BCD7EA385E4C62DB2625BD8613B24149E146A629311C4CA6698E38B834B6A9E9CD7184BA8834AFF5043D436950C4C1E7832367C10CB8C314D40E5990B0DF7013E64B4549E2270923D06F08CFF6BD3E977DDE6ABE4C31D55C0FA2E465E553E77BDF75E3193D3834FC26E8EB1EE2FA1E4FC97C18C3F6CFFFE2607FD"
	g2KSEnc   = "2F7F46ADCC9E7E521B45D192FAFA9126"
	g2KSMac   = "805A1D27D45A5116F73C54469462B7D8"
	g2TIFD    = "B46DD9BD4D98381F"
	g2TIC     = "917F37B5C0E6D8D1"
)

func TestNonceDecryption(t *testing.T) {
	pw, err := MRZ(icaoKey)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pw.Secret, h("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")) {
		t.Fatalf("K = %X", pw.Secret)
	}
	nb, _ := nonceBlock(sm.AES128, pw)
	for _, tt := range []struct{ z, s string }{
		{"95A3A016522EE98D01E76CB6B98B42C3", "3F00C4D39D153F2B2A214A078D899B22"},
		{"854D8DF5827FA6852D1A4FA701CDDDCA", "FA5B7E3E49753A0DB9178B7B9BD898C8"},
	} {
		s, err := sm.DecryptCBC(nb, nil, h(tt.z))
		if err != nil || !bytes.Equal(s, h(tt.s)) {
			t.Errorf("nonce %s: %X, %v", tt.z, s, err)
		}
	}
}

func TestGenericMappingWorkedExamples(t *testing.T) {
	tests := []struct {
		name                                     string
		paramID                                  int
		nonce                                    string
		skMap, pkMap, pkMapIC, mapped            string
		sk, pk, pkIC, shared, ksEnc, ksMac, tIFD string
		tIC                                      string
		proto                                    []int
	}{
		{"G.1 ECDH", 13, "3F00C4D39D153F2B2A214A078D899B22", g1SKMap, g1PKMap, g1PKMapIC, g1Mapped,
			g1SK, g1PK, g1PKIC, g1Shared, g1KSEnc, g1KSMac, g1TIFD, g1TIC, ECDHGMAES128},
		{"G.2 DH", 0, "FA5B7E3E49753A0DB9178B7B9BD898C8", g2SKMap, g2PKMap, g2PKMapIC, g2Mapped,
			g2SK, g2PK, g2PKIC, g2Shared, g2KSEnc, g2KSMac, g2TIFD, g2TIC, DHGMAES128},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := groupFor(tt.paramID)
			if err != nil {
				t.Fatal(err)
			}
			skMap := toInt(h(tt.skMap))
			if got := g.publicKey(skMap); !bytes.Equal(got, h(tt.pkMap)) {
				t.Fatalf("PK_map = %X", got)
			}
			hv, err := g.shared(skMap, h(tt.pkMapIC))
			if err != nil {
				t.Fatal(err)
			}
			gm, err := g.mapped(toInt(h(tt.nonce)), hv)
			if err != nil {
				t.Fatal(err)
			}
			var gen []byte
			switch m := gm.(type) {
			case *ecGroup:
				gen = m.c.encode(m.g)
			case *dhGroup:
				gen = fixedBytes(m.g, m.size())
			}
			if !bytes.Equal(gen, h(tt.mapped)) {
				t.Fatalf("mapped generator = %X", gen)
			}
			sk := toInt(h(tt.sk))
			if got := gm.publicKey(sk); !bytes.Equal(got, h(tt.pk)) {
				t.Fatalf("PK = %X", got)
			}
			k, err := gm.shared(sk, h(tt.pkIC))
			if err != nil || !bytes.Equal(k.secret, h(tt.shared)) {
				t.Fatalf("K = %X, %v", k.secret, err)
			}
			if got := sm.KDF(sm.AES128, k.secret, sm.KDFEnc); !bytes.Equal(got, h(tt.ksEnc)) {
				t.Fatalf("KS_enc = %X", got)
			}
			kmac := sm.KDF(sm.AES128, k.secret, sm.KDFMAC)
			if !bytes.Equal(kmac, h(tt.ksMac)) {
				t.Fatalf("KS_mac = %X", kmac)
			}
			proto := oid(tt.proto[len(tt.proto)-2], tt.proto[len(tt.proto)-1])
			if got, _ := token(sm.AES128, kmac, proto, gm.pubTag(), h(tt.pkIC)); !bytes.Equal(got, h(tt.tIFD)) {
				t.Fatalf("T_IFD = %X", got)
			}
			if got, _ := token(sm.AES128, kmac, proto, gm.pubTag(), h(tt.pk)); !bytes.Equal(got, h(tt.tIC)) {
				t.Fatalf("T_IC = %X", got)
			}
		})
	}
}

type script struct {
	t     *testing.T
	steps [][2]string
	i     int
}

func (s *script) Transmit(apdu []byte) ([]byte, error) {
	if s.i >= len(s.steps) {
		s.t.Fatalf("unexpected command %X", apdu)
	}
	if want := h(s.steps[s.i][0]); !bytes.Equal(apdu, want) {
		s.t.Fatalf("step %d: got %X, want %X", s.i, apdu, want)
	}
	s.i++
	return h(s.steps[s.i-1][1]), nil
}

func ga(cla string, tag byte, value string) string {
	data := iso7816.Encode(0x7C, iso7816.Encode(uint32(tag), h(value)))
	cmd, _ := iso7816.Command{CLA: h(cla)[0], INS: 0x86, Data: data, Ne: 256}.Bytes()
	return hex.EncodeToString(cmd)
}

// The CIE's mapping step: 264 bytes of data go as an extended APDU with Le
// 0000, the form a real CIE accepted.
func TestExtendedGeneralAuthenticate(t *testing.T) {
	key := bytes.Repeat([]byte{0xAB}, 256)
	var got []byte
	card := recorder(func(apdu []byte) []byte {
		got = apdu
		return append(iso7816.Encode(0x7C, iso7816.Encode(0x82, key)), 0x90, 0x00)
	})
	if _, err := generalAuthenticate(card, true, iso7816.Encode(0x81, key), 0x82); err != nil {
		t.Fatal(err)
	}
	want := append(h("10860000000108"+"7C82010481820100"), key...)
	want = append(want, 0x00, 0x00)
	if !bytes.Equal(got, want) {
		t.Fatalf("got %X...%X (%d bytes), want %X...%X", got[:12], got[len(got)-4:], len(got), want[:12], want[len(want)-4:])
	}
}

type recorder func([]byte) []byte

func (r recorder) Transmit(apdu []byte) ([]byte, error) { return r(apdu), nil }

func gaResp(tag byte, value string) string {
	return hex.EncodeToString(iso7816.Encode(0x7C, iso7816.Encode(uint32(tag), h(value)))) + "9000"
}

// The whole reader side reproduces the APDUs of the worked examples.
func TestAuthenticateWorkedExamples(t *testing.T) {
	tests := []struct {
		name  string
		info  Info
		mse   string
		z     string
		keys  string
		steps [][2]string
	}{
		{"G.1 ECDH", Info{ECDHGMAES128, 2, 13}, "0022C1A40F800A04007F00070202040202830101", "95A3A016522EE98D01E76CB6B98B42C3",
			g1SKMap + g1SK, [][2]string{
				{ga("10", 0x81, g1PKMap), gaResp(0x82, g1PKMapIC)},
				{ga("10", 0x83, g1PK), gaResp(0x84, g1PKIC)},
				{ga("00", 0x85, g1TIFD), gaResp(0x86, g1TIC)},
			}},
		{"G.2 DH", Info{DHGMAES128, 2, 0}, "0022C1A40F800A04007F00070202040102830101", "854D8DF5827FA6852D1A4FA701CDDDCA",
			g2SKMap + g2SK, [][2]string{
				{ga("10", 0x81, g2PKMap), gaResp(0x82, g2PKMapIC)},
				{ga("10", 0x83, g2PK), gaResp(0x84, g2PKIC)},
				{ga("00", 0x85, g2TIFD), gaResp(0x86, g2TIC)},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps := append([][2]string{{tt.mse, "9000"}, {"10860000027C0000", gaResp(0x80, tt.z)}}, tt.steps...)
			card := &script{t: t, steps: steps}
			pw, _ := MRZ(icaoKey)
			s, err := Authenticate(card, tt.info, pw, bytes.NewReader(h(tt.keys)))
			if err != nil {
				t.Fatal(err)
			}
			if card.i != len(steps) {
				t.Fatalf("%d of %d steps", card.i, len(steps))
			}
			if !bytes.Equal(s.SSC(), make([]byte, 16)) {
				t.Fatalf("SSC %X", s.SSC())
			}
		})
	}
}

func TestAuthenticateRejectsBadChipToken(t *testing.T) {
	steps := [][2]string{
		{"0022C1A412800A04007F0007020204020283010184010D", "9000"},
		{"10860000027C0000", gaResp(0x80, "95A3A016522EE98D01E76CB6B98B42C3")},
		{ga("10", 0x81, g1PKMap), gaResp(0x82, g1PKMapIC)},
		{ga("10", 0x83, g1PK), gaResp(0x84, g1PKIC)},
		{ga("00", 0x85, g1TIFD), gaResp(0x86, "3ABB9674BCE93C09")},
	}
	pw, _ := MRZ(icaoKey)
	// WithParameterID adds 84 0D to MSE:Set AT, as for a chip with several PACEInfos.
	_, err := Authenticate(&script{t: t, steps: steps}, Info{ECDHGMAES128, 2, 13}, pw, bytes.NewReader(h(g1SKMap+g1SK)), WithParameterID())
	if !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("err = %v, want ErrAuthFailed", err)
	}
}

func TestBadPublicKeysRejected(t *testing.T) {
	dh := rfc5114_1024_160()
	one := make([]byte, 128)
	one[127] = 1
	two := make([]byte, 128)
	two[127] = 2
	for _, peer := range [][]byte{one, two, fixedBytes(dh.p, 128)} {
		if _, err := dh.shared(big.NewInt(5), peer); !errors.Is(err, ErrBadPublicKey) {
			t.Errorf("DH peer %X...: err = %v", peer[120:], err)
		}
	}
	ec := brainpoolP256r1()
	off := h(g1PKMapIC)
	off[len(off)-1] ^= 1
	for _, peer := range [][]byte{off, h("0401"), append([]byte{0x02}, h(g1PKMapIC)[1:]...)} {
		if _, err := ec.shared(big.NewInt(5), peer); !errors.Is(err, ErrBadPublicKey) {
			t.Errorf("EC peer: err = %v", err)
		}
	}
}

func TestDomainParameters(t *testing.T) {
	for _, id := range []int{0, 1, 2} {
		g, _ := groupFor(id)
		d := g.(*dhGroup)
		if new(big.Int).Exp(d.g, d.q, d.p).Cmp(big.NewInt(1)) != 0 {
			t.Errorf("group %d: g^q != 1", id)
		}
	}
	for _, id := range []int{10, 12, 13, 15, 18} {
		g, _ := groupFor(id)
		e := g.(*ecGroup)
		if !e.c.onCurve(e.g) {
			t.Errorf("curve %d: generator off the curve", id)
		}
		if e.c.mul(e.c.n, e.g).x != nil {
			t.Errorf("curve %d: n·G is not infinity", id)
		}
	}
}

// chipCard drives a Chip the way the simulated card does.
type chipCard struct{ c *Chip }

func (cc chipCard) Transmit(apdu []byte) ([]byte, error) {
	cmd, err := iso7816.ParseCommand(apdu)
	if err != nil {
		return nil, err
	}
	switch cmd.INS {
	case 0x22:
		if err := cc.c.SetAT(cmd.Data); err != nil {
			return h("6A80"), nil
		}
		return h("9000"), nil
	case 0x86:
		resp, _, err := cc.c.GeneralAuthenticate(cmd.Data, rand.Reader)
		if err != nil {
			return h("6300"), nil
		}
		return append(resp, 0x90, 0x00), nil
	}
	return h("6D00"), nil
}

func TestReaderAgainstChip(t *testing.T) {
	infos := []Info{
		{DHGM3DES, 2, 2}, {DHGM3DES, 2, 1}, {DHGMAES128, 2, 0},
		{ECDHGMAES128, 2, 13}, {ECDHGMAES128, 2, 12}, {ECDHGMAES256, 2, 15}, {ECDHGM3DES, 2, 10},
	}
	can, _ := CAN("123456")
	wrong, _ := CAN("654321")
	for _, info := range infos {
		t.Run(info.String(), func(t *testing.T) {
			chip := NewChip([]Info{info}, map[byte][]byte{RefCAN: can.Secret})
			s, err := Authenticate(chipCard{chip}, info, can, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := info.Cipher()
			if s.Alg() != want {
				t.Fatalf("session %s, want %s", s.Alg(), want)
			}
			if _, err := Authenticate(chipCard{chip}, info, wrong, rand.Reader); !errors.Is(err, ErrAuthFailed) {
				t.Fatalf("wrong CAN: err = %v", err)
			}
		})
	}
}

// A chip and a reader that finish PACE share a working secure channel.
func TestChipSessionMatchesReader(t *testing.T) {
	info := Info{DHGM3DES, 2, 2}
	can, _ := CAN("123456")
	chip := NewChip([]Info{info}, map[byte][]byte{RefCAN: can.Secret})
	var chipSession *smSessionHolder = &smSessionHolder{}
	card := sessionCatcher{chip: chip, got: chipSession}
	reader, err := Authenticate(card, info, can, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := reader.WrapCommand(h("00B0000004"))
	plain, err := chipSession.s.UnwrapCommand(w)
	if err != nil || !bytes.Equal(plain, h("00B0000004")) {
		t.Fatalf("chip unwrapped %X, %v", plain, err)
	}
}

type smSessionHolder struct{ s *sm.Session }

type sessionCatcher struct {
	chip *Chip
	got  *smSessionHolder
}

func (sc sessionCatcher) Transmit(apdu []byte) ([]byte, error) {
	cmd, _ := iso7816.ParseCommand(apdu)
	if cmd.INS == 0x22 {
		if err := sc.chip.SetAT(cmd.Data); err != nil {
			return h("6A80"), nil
		}
		return h("9000"), nil
	}
	resp, s, err := sc.chip.GeneralAuthenticate(cmd.Data, rand.Reader)
	if err != nil {
		return h("6300"), nil
	}
	if s != nil {
		sc.got.s = s
	}
	return append(resp, 0x90, 0x00), nil
}

func TestCANValidation(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{{"123456", true}, {" 000001 ", true}, {"12345", false}, {"1234567", false}, {"12a456", false}} {
		if _, err := CAN(tt.in); (err == nil) != tt.ok {
			t.Errorf("CAN(%q) err = %v", tt.in, err)
		}
	}
}
