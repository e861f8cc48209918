// Package config is the validated configuration of a Sportello server, filled from flags
// and SPORTELLO_* environment variables by the cli package.
package config

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
)

// Config holds everything the server needs to start.
type Config struct {
	Addr     string // listen address, e.g. ":8080"
	DataDir  string // SQLite database, secret key and other local state
	DB       string // postgres://… URL; empty means SQLite under DataDir
	NoDemo   bool   // do not seed the demo comune on an empty database
	BaseURL  string // public URL used in e-mails and links; defaults from Addr
	LogLevel string // debug, info, warn, error
	// SecretKey signs links and encrypts photos at rest (32 bytes, hex). When empty it is
	// read from, or created in, DataDir/secret.key.
	SecretKey string
	// PhotoRetention is how long an unclaimed photo is kept (PRODUCT.md §3: 30–90 days,
	// hard cap 6 months).
	PhotoRetention time.Duration
	// SMTP settings for outgoing e-mail; empty SMTPAddr logs mail instead of sending.
	SMTPAddr string
	MailFrom string
	// Location is the comune's time zone: opening hours are local times.
	Location string
	// PatronDay is the comune's patron saint's day as MM-DD (Milan: 12-07), closed
	// like the national holidays; empty keeps none (the demo comune gets Milan's).
	PatronDay string
	// TrustedProxies are comma-separated CIDRs of reverse proxies whose
	// X-Forwarded-For is believed; without them every client is the peer address.
	TrustedProxies string
	// CampaignAGI is the FastAGI listen address of the campaign's phone line (e.g.
	// 127.0.0.1:4573); empty leaves the line off. CampaignPhone is its number as printed
	// on letters; CampaignOperator the dialplan application that reaches a person.
	CampaignAGI      string
	CampaignPhone    string
	CampaignOperator string
	// CampaignSIP is the UDP address where the phone line answers SIP calls itself,
	// without Asterisk (e.g. 10.0.0.5:5060); empty leaves it off. It must name an
	// interface, since it is also where callers send audio. CampaignSIPPeers are the
	// PBX or trunk addresses allowed to call (CIDRs; empty: loopback only), and
	// CampaignSIPOperator the SIP URI callers are transferred to for a person.
	CampaignSIP         string
	CampaignSIPPeers    string
	CampaignSIPOperator string
	// CardTrust is a directory of CSCA certificates for badge checks; empty uses the
	// embedded Italian CSCA certificates.
	CardTrust string
}

// Default returns the configuration of `sportello serve` with no flags.
func Default() Config {
	return Config{
		Addr:           ":8080",
		DataDir:        "sportello-data",
		LogLevel:       "info",
		PhotoRetention: 60 * 24 * time.Hour,
		MailFrom:       "Sportello CIE <noreply@sportello.invalid>",
		Location:       "Europe/Rome",
	}
}

// MaxPhotoRetention is the hard cap of PRODUCT.md §3.
const MaxPhotoRetention = 183 * 24 * time.Hour

// Validate checks the configuration and fills derived values.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: want host:port or :port", c.Addr)
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("--db must be a postgres:// URL (SQLite is the default and needs no --db)")
	}
	if c.DataDir == "" {
		return errors.New("--data must not be empty")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.PhotoRetention <= 0 || c.PhotoRetention > MaxPhotoRetention {
		return fmt.Errorf("--photo-retention %s: must be positive and at most 6 months (%s)", c.PhotoRetention, MaxPhotoRetention)
	}
	if c.BaseURL == "" {
		host, port, _ := net.SplitHostPort(c.Addr)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url %q: want an http(s) URL", c.BaseURL)
	}
	if _, err := time.LoadLocation(c.Location); err != nil {
		return fmt.Errorf("--location %q: %v", c.Location, err)
	}
	if err := booking.ParsePatron(c.PatronDay); err != nil {
		return fmt.Errorf("--patron-day: %v", err)
	}
	if _, err := c.ProxyPrefixes(); err != nil {
		return err
	}
	if c.CampaignSIP != "" {
		ap, err := netip.ParseAddrPort(c.CampaignSIP)
		if err != nil || ap.Addr().IsUnspecified() {
			return fmt.Errorf("--campaign-sip %q: want IP:port of one interface (e.g. 10.0.0.5:5060)", c.CampaignSIP)
		}
	}
	if _, err := c.SIPPeers(); err != nil {
		return err
	}
	if o := c.CampaignSIPOperator; o != "" && !strings.HasPrefix(o, "sip:") && !strings.HasPrefix(o, "sips:") {
		return fmt.Errorf("--campaign-sip-operator %q: want a SIP URI (sip:operatori@pbx.example)", o)
	}
	if c.SecretKey != "" {
		if b, err := hex.DecodeString(c.SecretKey); err != nil || len(b) != 32 {
			return errors.New("--secret-key must be 64 hex characters (32 bytes)")
		}
	}
	return nil
}

// ProxyPrefixes parses TrustedProxies.
func (c *Config) ProxyPrefixes() ([]netip.Prefix, error) {
	return prefixes(c.TrustedProxies, "--trusted-proxy")
}

// SIPPeers parses CampaignSIPPeers.
func (c *Config) SIPPeers() ([]netip.Prefix, error) {
	return prefixes(c.CampaignSIPPeers, "--campaign-sip-peers")
}

func prefixes(list, flag string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			if a, aerr := netip.ParseAddr(f); aerr == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			} else {
				return nil, fmt.Errorf("%s %q: want CIDRs like 10.0.0.0/8 or addresses", flag, f)
			}
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// SQLitePath is where the embedded database lives.
func (c *Config) SQLitePath() string { return filepath.Join(c.DataDir, "sportello.db") }

// DSN is what store.Open takes.
func (c *Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return c.SQLitePath()
}

// SecureCookies tells whether cookies must carry the Secure flag (served over HTTPS).
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// ExistingKey returns the configured or stored secret without ever creating one: tools
// that work beside a running server must use its key, not a new one.
func (c *Config) ExistingKey() ([]byte, error) {
	if c.SecretKey != "" {
		return hex.DecodeString(c.SecretKey)
	}
	path := filepath.Join(c.DataDir, "secret.key")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("no server key: give --secret-key (or SPORTELLO_SECRET_KEY) as the server has it, or --data pointing at the server's data directory: %w", err)
	}
	k, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(k) != 32 {
		return nil, fmt.Errorf("%s: not a 32-byte hex key", path)
	}
	return k, nil
}

// KeyFingerprint identifies a key without revealing it; the database remembers the
// fingerprint of the key it was first used with.
func KeyFingerprint(key []byte) string {
	h := sha256.Sum256(append([]byte("sportello key fingerprint v1\x00"), key...))
	return hex.EncodeToString(h[:8])
}

// Key returns the 32-byte secret, reading or creating DataDir/secret.key (mode 0600)
// when none was configured, so a restart keeps links and encrypted photos valid.
func (c *Config) Key() ([]byte, error) {
	if c.SecretKey != "" {
		return hex.DecodeString(c.SecretKey)
	}
	path := filepath.Join(c.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("%s: not a 32-byte hex key", path)
		}
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}
