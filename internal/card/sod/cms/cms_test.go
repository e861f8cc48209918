package cms_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/card/cardtest"
	"github.com/sportello/sportello/internal/card/sod/cms"
)

// explicitParams encodes a NIST curve the way Brainpool CSCAs write theirs: as full
// ECParameters instead of a named-curve OID.
func explicitParams(t testing.TB, c elliptic.Curve) []byte {
	t.Helper()
	p := c.Params()
	size := (p.BitSize + 7) / 8
	a := new(big.Int).Sub(p.P, big.NewInt(3)) // every NIST prime curve has a = -3
	prime, _ := asn1.Marshal(p.P)
	params := struct {
		Version int
		FieldID struct {
			FieldType  asn1.ObjectIdentifier
			Parameters asn1.RawValue
		}
		Curve struct{ A, B []byte }
		Base  []byte
		Order *big.Int
	}{Version: 1, Order: p.N}
	params.FieldID.FieldType = cms.OIDPrimeField
	params.FieldID.Parameters = asn1.RawValue{FullBytes: prime}
	params.Curve.A, params.Curve.B = a.FillBytes(make([]byte, size)), p.B.FillBytes(make([]byte, size))
	params.Base = append(append([]byte{4}, p.Gx.FillBytes(make([]byte, size))...), p.Gy.FillBytes(make([]byte, size))...)
	b, err := asn1.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExplicitECKey(t *testing.T) {
	for _, curve := range []elliptic.Curve{elliptic.P256(), elliptic.P384()} {
		t.Run(curve.Params().Name, func(t *testing.T) {
			priv, err := ecdsa.GenerateKey(curve, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			point, err := priv.PublicKey.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			key, err := cms.ParseExplicitECKey(explicitParams(t, curve), point)
			if err != nil {
				t.Fatal(err)
			}
			digest := sha256.Sum256([]byte("LDSSecurityObject"))
			sig, err := ecdsa.SignASN1(rand.Reader, priv, digest[:])
			if err != nil {
				t.Fatal(err)
			}
			var rs struct{ R, S *big.Int }
			if _, err := asn1.Unmarshal(sig, &rs); err != nil {
				t.Fatal(err)
			}
			other := sha256.Sum256([]byte("something else"))
			tests := []struct {
				name   string
				digest []byte
				r, s   *big.Int
				want   bool
			}{
				{"valid", digest[:], rs.R, rs.S, true},
				{"other digest", other[:], rs.R, rs.S, false},
				{"r+1", digest[:], new(big.Int).Add(rs.R, big.NewInt(1)), rs.S, false},
				{"s = 0", digest[:], rs.R, big.NewInt(0), false},
				{"r = n", digest[:], curve.Params().N, rs.S, false},
			}
			for _, tt := range tests {
				if got := key.Verify(tt.digest, tt.r, tt.s); got != tt.want {
					t.Errorf("%s: Verify = %v", tt.name, got)
				}
			}
			compressed := elliptic.MarshalCompressed(curve, priv.X, priv.Y)
			ck, err := cms.ParseExplicitECKey(explicitParams(t, curve), compressed)
			if err != nil || ck.Y.Cmp(priv.Y) != 0 {
				t.Errorf("compressed point: %v", err)
			}
			bad := bytes.Clone(point)
			bad[len(bad)-1] ^= 1
			if _, err := cms.ParseExplicitECKey(explicitParams(t, curve), bad); err == nil {
				t.Error("point off the curve accepted")
			}
		})
	}
}

func TestVerifySignature(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("signed attributes")
	sum := sha256.Sum256(msg)
	pkcs1, _ := rsa.SignPKCS1v15(rand.Reader, rsaKey, crypto.SHA256, sum[:])
	pss, _ := rsa.SignPSS(rand.Reader, rsaKey, crypto.SHA256, sum[:], &rsa.PSSOptions{SaltLength: 32})
	ecDER, _ := ecdsa.SignASN1(rand.Reader, ecKey, sum[:])
	var rs struct{ R, S *big.Int }
	asn1.Unmarshal(ecDER, &rs)
	plain := append(rs.R.FillBytes(make([]byte, 32)), rs.S.FillBytes(make([]byte, 32))...)
	alg := func(oid string) pkix.AlgorithmIdentifier {
		var o asn1.ObjectIdentifier
		for _, part := range strings.Split(oid, ".") {
			n := 0
			for _, c := range part {
				n = n*10 + int(c-'0')
			}
			o = append(o, n)
		}
		return pkix.AlgorithmIdentifier{Algorithm: o}
	}
	pssSHA256 := alg("1.2.840.113549.1.1.10")
	sha256DER, _ := asn1.Marshal(pkix.AlgorithmIdentifier{Algorithm: cms.OIDSHA256})
	pssParams, _ := asn1.Marshal(struct {
		Hash pkix.AlgorithmIdentifier `asn1:"explicit,tag:0"`
		MGF  pkix.AlgorithmIdentifier `asn1:"explicit,tag:1"`
		Salt int                      `asn1:"explicit,tag:2"`
	}{pkix.AlgorithmIdentifier{Algorithm: cms.OIDSHA256}, pkix.AlgorithmIdentifier{Algorithm: cms.OIDMGF1, Parameters: asn1.RawValue{FullBytes: sha256DER}}, 32})
	pssSHA256.Parameters = asn1.RawValue{FullBytes: pssParams, Tag: asn1.TagSequence}

	tests := []struct {
		name    string
		pub     crypto.PublicKey
		alg     pkix.AlgorithmIdentifier
		digest  crypto.Hash
		sig     []byte
		wantErr error // nil: must verify; ErrSignature: must not verify; other: any non-signature error
	}{
		{"sha256WithRSA", &rsaKey.PublicKey, alg("1.2.840.113549.1.1.11"), 0, pkcs1, nil},
		{"rsaEncryption + digest", &rsaKey.PublicKey, alg("1.2.840.113549.1.1.1"), crypto.SHA256, pkcs1, nil},
		{"rsaEncryption, wrong digest", &rsaKey.PublicKey, alg("1.2.840.113549.1.1.1"), crypto.SHA384, pkcs1, cms.ErrSignature},
		{"pss", &rsaKey.PublicKey, pssSHA256, 0, pss, nil},
		{"pss signature as pkcs1", &rsaKey.PublicKey, alg("1.2.840.113549.1.1.11"), 0, pss, cms.ErrSignature},
		{"ecdsa-with-SHA256", &ecKey.PublicKey, alg("1.2.840.10045.4.3.2"), 0, ecDER, nil},
		{"id-ecPublicKey + digest", &ecKey.PublicKey, alg("1.2.840.10045.2.1"), crypto.SHA256, ecDER, nil},
		{"ecdsa-plain-SHA256", &ecKey.PublicKey, alg("0.4.0.127.0.7.1.1.4.1.3"), 0, plain, nil},
		{"plain signature as DER", &ecKey.PublicKey, alg("1.2.840.10045.4.3.2"), 0, plain, cms.ErrSignature},
		{"ecdsa-with-SHA384 over a SHA-256 signature", &ecKey.PublicKey, alg("1.2.840.10045.4.3.3"), 0, ecDER, cms.ErrSignature},
		{"rsa key, ecdsa algorithm", &rsaKey.PublicKey, alg("1.2.840.10045.4.3.2"), 0, pkcs1, errOther},
		{"md5WithRSA unsupported", &rsaKey.PublicKey, alg("1.2.840.113549.1.1.4"), 0, pkcs1, errOther},
		{"no digest given", &rsaKey.PublicKey, alg("1.2.840.113549.1.1.1"), 0, pkcs1, errOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := cms.VerifySignature(tt.pub, tt.alg, tt.digest, msg, tt.sig)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantErr == cms.ErrSignature && !errors.Is(err, cms.ErrSignature):
				t.Fatalf("err = %v, want ErrSignature", err)
			case tt.wantErr == errOther && (err == nil || errors.Is(err, cms.ErrSignature)):
				t.Fatalf("err = %v, want an unsupported-algorithm error", err)
			}
		})
	}
}

var errOther = errors.New("some error other than ErrSignature")

func TestParseCertificateLenient(t *testing.T) {
	b, err := os.ReadFile("../../trust/testdata/DE_ROOT_CA_CSCA07.cer")
	if err != nil {
		t.Fatal(err)
	}
	root, err := cms.ParseCertificate(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := root.PublicKey.(*cms.ExplicitECKey); !ok || root.Subject.CommonName != "csca-germany" || len(root.SubjectKeyId) == 0 {
		t.Fatalf("key %T subject %s ski %x", root.PublicKey, root.Subject, root.SubjectKeyId)
	}
	if err := cms.CheckCertificateSignature(root, root); err != nil {
		t.Errorf("self-signature of the German root: %v", err)
	}
	bad := bytes.Clone(b)
	bad[len(bad)-10] ^= 1
	if c, err := cms.ParseCertificate(bad); err == nil && cms.CheckCertificateSignature(c, root) == nil {
		t.Error("altered root still verifies")
	}
}

func TestBrainpoolCertificates(t *testing.T) {
	// Self-signed certificates made with OpenSSL, which names the curve by OID.
	for _, name := range []string{"brainpoolP256r1", "brainpoolP384r1"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + name + ".pem")
			if err != nil {
				t.Fatal(err)
			}
			blk, _ := pem.Decode(b)
			if blk == nil {
				t.Fatal("no PEM block")
			}
			c, err := cms.ParseCertificate(blk.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := c.PublicKey.(*cms.ExplicitECKey); !ok {
				t.Fatalf("key is %T", c.PublicKey)
			}
			if err := cms.CheckCertificateSignature(c, c); err != nil {
				t.Fatalf("self-signature: %v", err)
			}
			forged := bytes.Clone(blk.Bytes)
			forged[len(forged)-5] ^= 0x01 // inside the signature's s
			if f, err := cms.ParseCertificate(forged); err == nil && cms.CheckCertificateSignature(f, c) == nil {
				t.Error("altered signature verifies")
			}
		})
	}
}

func TestParseAndAttributes(t *testing.T) {
	pki, err := cardtest.NewPKI(cardtest.ECDSADocumentSigner())
	if err != nil {
		t.Fatal(err)
	}
	der, err := pki.EMRTDSOD(map[int][]byte{1: []byte("dg1")})
	if err != nil {
		t.Fatal(err)
	}
	sd, err := cms.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	si := &sd.SignerInfos[0]
	if err := sd.CheckAttributes(si); err != nil {
		t.Fatal(err)
	}
	signer, err := sd.Signer(si)
	if err != nil || !bytes.Equal(signer.Raw, pki.DS.Raw) {
		t.Fatalf("signer %v", err)
	}
	if err := si.VerifySignature(signer); err != nil {
		t.Fatal(err)
	}
	sd.Content = append(bytes.Clone(sd.Content), 0)
	if err := sd.CheckAttributes(si); err == nil || !strings.Contains(err.Error(), "messageDigest") {
		t.Errorf("changed content: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	pki, err := cardtest.NewPKI(cardtest.ECDSADocumentSigner())
	if err != nil {
		f.Fatal(err)
	}
	der, err := pki.EMRTDSOD(map[int][]byte{1: []byte("dg1")})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(der)
	f.Add([]byte{0x30, 0x03, 0x06, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		sd, err := cms.Parse(b)
		if err != nil {
			return
		}
		for i := range sd.SignerInfos {
			si := &sd.SignerInfos[i]
			_ = sd.CheckAttributes(si)
			_, _, _ = si.SigningTime()
			if c, err := sd.Signer(si); err == nil {
				_ = si.VerifySignature(c)
			}
		}
	})
}

func FuzzParseCertificate(f *testing.F) {
	for _, p := range []string{"../../trust/testdata/DE_ROOT_CA_CSCA07.cer", "testdata/brainpoolP256r1.pem"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if blk, _ := pem.Decode(b); blk != nil {
			b = blk.Bytes
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := cms.ParseCertificate(b)
		if err != nil {
			return
		}
		_ = cms.CheckCertificateSignature(c, c)
	})
}
