package cli

import (
	"context"
	"flag"
	"time"

	"github.com/sportello/sportello/internal/app"
	"github.com/sportello/sportello/internal/config"
)

// dbFlags are shared by every command that opens the database.
func dbFlags(fs *flag.FlagSet, cfg *config.Config) {
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (SQLite database, secret key)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "PostgreSQL URL (postgres://…); empty uses SQLite under --data")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn, error")
}

func runServe(ctx context.Context, stdio Stdio, args []string) int {
	cfg := config.Default()
	fs := newFlags("serve", "serve [--addr :8080] [--data DIR] [--db postgres://…] [--no-demo]", stdio)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address")
	dbFlags(fs, &cfg)
	fs.BoolVar(&cfg.NoDemo, "no-demo", false, "do not seed the demo comune (Milan's offices) on an empty database")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "public URL for links in e-mails (default http://localhost:PORT)")
	fs.StringVar(&cfg.SecretKey, "secret-key", "", "32-byte hex key for signed links and photo encryption (default: DATA/secret.key)")
	fs.DurationVar(&cfg.PhotoRetention, "photo-retention", cfg.PhotoRetention, "how long unclaimed photos are kept (max 4392h = 6 months)")
	fs.StringVar(&cfg.SMTPAddr, "smtp-addr", "", "SMTP server host:port for outgoing e-mail (empty: e-mails are logged, not sent)")
	fs.StringVar(&cfg.MailFrom, "mail-from", cfg.MailFrom, "From address of outgoing e-mail")
	fs.StringVar(&cfg.Location, "location", cfg.Location, "time zone of the comune's opening hours")
	fs.StringVar(&cfg.PatronDay, "patron-day", "", "the comune's patron saint's day as MM-DD (Milan: 12-07), closed like the national holidays (default: none; the demo comune: 12-07)")
	fs.StringVar(&cfg.TrustedProxies, "trusted-proxy", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted for rate limits and logs")
	fs.StringVar(&cfg.CampaignAGI, "campaign-agi", "", "listen address of the campaign phone line for Asterisk FastAGI (e.g. 127.0.0.1:4573); empty: off")
	fs.StringVar(&cfg.CampaignPhone, "campaign-phone", "", "the campaign phone line's number, printed on letters")
	fs.StringVar(&cfg.CampaignOperator, "campaign-operator", "", `dialplan application that reaches an operator, e.g. "Dial PJSIP/operatori"`)
	fs.StringVar(&cfg.CampaignSIP, "campaign-sip", "", "UDP IP:port where the campaign phone line answers SIP calls itself, without Asterisk; empty: off")
	fs.StringVar(&cfg.CampaignSIPPeers, "campaign-sip-peers", "", "comma-separated CIDRs of the PBX or trunk allowed to call --campaign-sip (default: loopback only)")
	fs.StringVar(&cfg.CampaignSIPOperator, "campaign-sip-operator", "", "SIP URI the phone line transfers callers to for an operator (empty: it hangs up)")
	fs.StringVar(&cfg.CardTrust, "card-trust", "", "directory of CSCA certificates for CIE badge checks (default: the embedded Italian CSCA certificates)")
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stdio, "serve", "unexpected argument %q", fs.Arg(0))
	}
	if err := cfg.Validate(); err != nil {
		return usageError(stdio, "serve", "%v", err)
	}
	start := time.Now()
	log := newLogger(stdio.Err, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log, stdio.Out)
	if err != nil {
		log.Error("startup failed", "error", err)
		return ExitFail
	}
	defer a.Close()
	if _, err := a.Listen(); err != nil {
		log.Error("listen failed", "addr", cfg.Addr, "error", err)
		return ExitFail
	}
	log.Info("ready", "startup_ms", time.Since(start).Milliseconds())
	if err := a.Run(ctx); err != nil {
		log.Error("server failed", "error", err)
		return ExitFail
	}
	return ExitOK
}
