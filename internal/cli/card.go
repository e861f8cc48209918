package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/card/mrz"
	"github.com/sportello/sportello/internal/card/sod"
	"github.com/sportello/sportello/internal/card/trust"
)

// runCard dispatches the card subcommands: read and nis live in card_read.go, enrol and
// access (the badge commands that talk to the server) in card_enrol.go.
func runCard(ctx context.Context, stdio Stdio, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "read":
			return runCardRead(ctx, stdio, args[1:])
		case "nis":
			return runCardNIS(ctx, stdio, args[1:])
		case "enrol":
			return runCardEnrolDB(ctx, stdio, args[1:])
		case "access":
			return runCardAccess(ctx, stdio, args[1:])
		case "mrz":
			return runCardMRZ(stdio, args[1:])
		case "verify":
			return runCardVerify(stdio, args[1:])
		}
	}
	return usageError(stdio, "card", "want a subcommand: mrz, verify, read, nis, enrol, access")
}

// runCardMRZ checks a typed or scanned MRZ: exit 0 valid, 1 a check fails, 2 unreadable.
func runCardMRZ(stdio Stdio, args []string) int {
	fs := newFlags("card mrz", "card mrz [--json] LINE1 LINE2 [LINE3]   (or the lines on stdin)", stdio)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	lines := fs.Args()
	if len(lines) == 0 && stdio.In != nil {
		b, err := io.ReadAll(io.LimitReader(stdio.In, 4096))
		if err != nil {
			return usageError(stdio, "card mrz", "reading stdin: %v", err)
		}
		lines = []string{string(b)}
	}
	m, err := mrz.Parse(lines)
	if err != nil {
		return usageError(stdio, "card mrz", "%v", err)
	}
	if *asJSON {
		out := struct {
			*mrz.MRZ
			Valid   bool   `json:"valid"`
			BACSeed string `json:"bac_key_seed"`
		}{m, m.Valid(), m.BACSeed()}
		if err := writeJSON(stdio.Out, out); err != nil {
			return usageError(stdio, "card mrz", "%v", err)
		}
	} else {
		w := &strings.Builder{}
		fmt.Fprintf(w, "format            %s\ndocument code     %s\nissuing state     %s\n", m.Format, m.DocumentCode, m.IssuingState)
		fmt.Fprintf(w, "document number   %s (CIE format: %v)\n", m.DocumentNumber, m.CIENumber)
		fmt.Fprintf(w, "surname           %s\ngiven names       %s\nnationality       %s\nsex               %s\n", m.Surname, m.GivenNames, m.Nationality, m.Sex)
		fmt.Fprintf(w, "birth date        %s\nexpiry date       %s\n", m.BirthDate, m.ExpiryDate)
		for _, o := range []string{m.Optional1, m.Optional2} {
			if o != "" {
				fmt.Fprintf(w, "optional data     %s\n", o)
			}
		}
		fmt.Fprintf(w, "BAC key seed      %s\n", m.BACSeed())
		for _, c := range m.Checks {
			fmt.Fprintf(w, "%s check %-18s printed %s computed %s\n", passFail(c.OK), c.Field, c.Printed, c.Computed)
		}
		fmt.Fprintf(w, "verdict: %s\n", map[bool]string{true: "valid", false: "INVALID"}[m.Valid()])
		io.WriteString(stdio.Out, w.String())
	}
	if !m.Valid() {
		return ExitFail
	}
	return ExitOK
}

// dataGroupFiles collects repeated --dg N=FILE flags.
type dataGroupFiles map[int]string

func (d dataGroupFiles) String() string { return fmt.Sprint(map[int]string(d)) }

func (d dataGroupFiles) Set(v string) error {
	n, path, ok := strings.Cut(v, "=")
	num, err := strconv.Atoi(n)
	if !ok || err != nil || num < 1 || num > 255 || path == "" {
		return errors.New("want --dg NUMBER=FILE, e.g. --dg 1=DG1.bin")
	}
	d[num] = path
	return nil
}

// runCardVerify performs passive authentication of an EF.SOD and the given data groups.
func runCardVerify(stdio Stdio, args []string) int {
	const cmd = "card verify"
	fs := newFlags(cmd, "card verify [--json] --trust DIR_OR_MASTERLIST [--trust-root ROOT.cer] --sod EF.SOD [--dg 1=DG1.bin ...]", stdio)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	trustPath := fs.String("trust", "", "directory of CSCA certificates (PEM/DER), a certificate file, or a CSCA master list")
	rootPath := fs.String("trust-root", "", "certificate that signs the master list given as --trust")
	sodPath := fs.String("sod", "", "EF.SOD file as read from the chip")
	at := fs.String("at", "", "judge validity at this RFC 3339 time when the SOD has no signingTime (default now)")
	dgs := dataGroupFiles{}
	fs.Var(dgs, "dg", "data group file as NUMBER=FILE (repeatable)")
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	if *trustPath == "" || *sodPath == "" || fs.NArg() > 0 {
		return usageError(stdio, cmd, "--trust and --sod are required, and no arguments")
	}
	when := time.Now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageError(stdio, cmd, "--at: %v", err)
		}
		when = t
	}
	store, err := loadTrust(*trustPath, *rootPath, when)
	if err != nil {
		return usageError(stdio, cmd, "%v", err)
	}
	sodDER, err := os.ReadFile(*sodPath)
	if err != nil {
		return usageError(stdio, cmd, "%v", err)
	}
	data := map[int][]byte{}
	for n, p := range dgs {
		if data[n], err = os.ReadFile(p); err != nil {
			return usageError(stdio, cmd, "%v", err)
		}
	}
	rep, err := sod.Verify(sodDER, data, store, when)
	if err != nil {
		return usageError(stdio, cmd, "%v", err)
	}
	if *asJSON {
		if err := writeJSON(stdio.Out, rep); err != nil {
			return usageError(stdio, cmd, "%v", err)
		}
	} else {
		w := &strings.Builder{}
		fmt.Fprintf(w, "document signer   %s\nhash algorithm    %s\ndata groups       %v\n", rep.Signer, rep.HashAlgorithm, rep.DataGroups)
		for _, s := range rep.Steps {
			fmt.Fprintf(w, "%s %-14s %s\n", passFail(s.OK), s.Name, s.Detail)
		}
		if rep.OK {
			w.WriteString("verdict: genuine\n")
		} else {
			fmt.Fprintf(w, "verdict: REJECTED (%s)\n", rep.Reason)
		}
		io.WriteString(stdio.Out, w.String())
	}
	if !rep.OK {
		return ExitFail
	}
	return ExitOK
}

// loadTrust turns --trust (and --trust-root) into a store; card read uses it too.
func loadTrust(path, rootPath string, at time.Time) (*trust.Store, error) {
	return trust.Open(path, rootPath, at)
}

func passFail(ok bool) string {
	if ok {
		return "ok  "
	}
	return "FAIL"
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // MRZ fillers are "<", which must stay readable
	return enc.Encode(v)
}
