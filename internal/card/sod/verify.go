package sod

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/card/sod/cms"
	"github.com/sportello/sportello/internal/card/trust"
)

// Step names, so callers and tests can find a step without matching prose.
const (
	StepMessageDigest = "messageDigest"
	StepSignature     = "signature"
	StepChain         = "chain"
	StepValidity      = "validity"
	StepKeyUsage      = "keyUsage"
)

// StepDataGroup names the hash check of data group n ("dg1", "dg161").
func StepDataGroup(n int) string { return fmt.Sprintf("dg%d", n) }

// Step is one passive authentication check and what it found.
type Step struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Report is the outcome of passive authentication. OK only when every step passed;
// Reason repeats the first failure for one-line answers.
type Report struct {
	OK            bool      `json:"ok"`
	Reason        string    `json:"reason,omitempty"`
	Steps         []Step    `json:"steps"`
	Signer        string    `json:"document_signer,omitempty"`
	SigningTime   time.Time `json:"signing_time,omitzero"`
	HashAlgorithm string    `json:"hash_algorithm"`
	DataGroups    []int     `json:"data_groups_in_sod"`
}

func (r *Report) add(name string, err error, okDetail string) bool {
	s := Step{Name: name, OK: err == nil, Detail: okDetail}
	if err != nil {
		s.Detail = err.Error()
		if r.Reason == "" {
			r.Reason = name + ": " + s.Detail
		}
	}
	r.Steps = append(r.Steps, s)
	return err == nil
}

// Verify performs passive authentication of the security object der over the data
// groups dgs (file contents keyed by number) against the CSCAs in ts. at is the time to
// judge validity at when the object has no signingTime attribute. An error means der
// is not a security object (or ts is nil); every verification failure is in the Report.
func Verify(der []byte, dgs map[int][]byte, ts *trust.Store, at time.Time) (*Report, error) {
	if ts == nil {
		return nil, errors.New("sod: no trust store")
	}
	s, err := Parse(der)
	if err != nil {
		return nil, err
	}
	r := &Report{HashAlgorithm: s.HashAlgorithm.String()}
	for n := range s.DataGroupHashes {
		r.DataGroups = append(r.DataGroups, n)
	}
	sort.Ints(r.DataGroups)

	sd := s.Signed
	var si *cms.SignerInfo
	if len(sd.SignerInfos) != 1 {
		err = fmt.Errorf("%d signerInfos, want exactly 1", len(sd.SignerInfos))
	} else {
		si = &sd.SignerInfos[0]
		err = sd.CheckAttributes(si)
	}
	r.add(StepMessageDigest, err, "contentType and messageDigest attributes match the content")

	var ds *x509.Certificate
	if si != nil {
		if ds, err = sd.Signer(si); err == nil {
			r.Signer = ds.Subject.String()
			err = si.VerifySignature(ds)
		}
	}
	r.add(StepSignature, err, "signed attributes verify under the document signer key")

	signedAt, timeSource := at, "no signingTime attribute: checked at the verification time"
	if si != nil {
		if t, ok, terr := si.SigningTime(); terr == nil && ok {
			signedAt, timeSource, r.SigningTime = t, "signingTime attribute", t
		}
	}
	if ds == nil {
		notChecked := errors.New("not checked: no document signer certificate")
		r.add(StepChain, notChecked, "")
		r.add(StepValidity, notChecked, "")
		r.add(StepKeyUsage, notChecked, "")
	} else {
		chain, err := ts.Chain(ds, signedAt)
		r.add(StepChain, err, trust.Describe(chain))

		err = nil
		if signedAt.Before(ds.NotBefore) || signedAt.After(ds.NotAfter) {
			err = fmt.Errorf("document signer valid %s to %s, signed at %s (%s)", ds.NotBefore.UTC().Format(time.RFC3339), ds.NotAfter.UTC().Format(time.RFC3339), signedAt.UTC().Format(time.RFC3339), timeSource)
		}
		r.add(StepValidity, err, fmt.Sprintf("document signer valid at %s (%s)", signedAt.UTC().Format(time.RFC3339), timeSource))

		err = nil
		if ds.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
			err = fmt.Errorf("document signer key usage %#x lacks digitalSignature", int(ds.KeyUsage))
		}
		r.add(StepKeyUsage, err, "digitalSignature")
	}

	nums := make([]int, 0, len(dgs))
	for n := range dgs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		r.add(StepDataGroup(n), checkDataGroup(s, n, dgs[n]), "hash matches")
	}
	r.OK = r.Reason == ""
	return r, nil
}

func checkDataGroup(s *SOD, n int, data []byte) error {
	want, ok := s.DataGroupHashes[n]
	if !ok {
		return fmt.Errorf("the security object has no hash for data group %d", n)
	}
	h := s.HashAlgorithm.New()
	h.Write(data)
	if got := h.Sum(nil); !bytes.Equal(got, want) {
		return fmt.Errorf("%v of the data is %X, the security object says %X", s.HashAlgorithm, got, want)
	}
	return nil
}
