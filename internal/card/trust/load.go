package trust

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/card/sod/cms"
)

// certExtensions are the file names LoadDir reads; anything else (a README) is skipped.
var certExtensions = map[string]bool{".pem": true, ".cer": true, ".crt": true, ".der": true}

// LoadDir reads every certificate file (PEM, possibly with several certificates, or
// DER) in dir. A file that is not a certificate is an error: a trust directory with a
// corrupt anchor must not silently trust less.
func LoadDir(dir string) (*Store, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("trust: %w", err)
	}
	var certs []*x509.Certificate
	for _, e := range entries {
		if e.IsDir() || !certExtensions[strings.ToLower(filepath.Ext(e.Name()))] {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("trust: %w", err)
		}
		cs, err := ParseCertificates(b)
		if err != nil {
			return nil, fmt.Errorf("trust: %s: %w", e.Name(), err)
		}
		certs = append(certs, cs...)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("trust: no certificates in %s", dir)
	}
	return NewStore(certs...), nil
}

// ParseCertificates reads one DER certificate or any number of PEM CERTIFICATE blocks.
func ParseCertificates(b []byte) ([]*x509.Certificate, error) {
	if !strings.Contains(string(b[:min(len(b), 1024)]), "-----BEGIN") {
		c, err := cms.ParseCertificate(b)
		if err != nil {
			return nil, err
		}
		return []*x509.Certificate{c}, nil
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := cms.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no CERTIFICATE block")
	}
	return out, nil
}

// Open loads trust anchors from path: a directory (LoadDir), a certificate file, or,
// when rootPath names the certificate that signs it, a CSCA master list verified at
// time at. It is the one place the CLI and the server turn a configured path into a
// Store, so both refuse an unsigned master list the same way.
func Open(path, rootPath string, at time.Time) (*Store, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("trust: %w", err)
	}
	if st.IsDir() {
		if rootPath != "" {
			return nil, errors.New("trust: a root certificate only applies to a master list file")
		}
		return LoadDir(path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trust: %w", err)
	}
	if rootPath == "" {
		certs, err := ParseCertificates(b)
		if err != nil {
			return nil, fmt.Errorf("trust: %s is not a certificate (a master list needs its root certificate): %v", path, err)
		}
		return NewStore(certs...), nil
	}
	rb, err := os.ReadFile(rootPath)
	if err != nil {
		return nil, fmt.Errorf("trust: %w", err)
	}
	roots, err := ParseCertificates(rb)
	if err != nil {
		return nil, fmt.Errorf("trust: root %s: %w", rootPath, err)
	}
	ml, err := ParseMasterList(b, roots[0], at)
	if err != nil {
		return nil, err
	}
	return NewStore(ml.Certificates...), nil
}
