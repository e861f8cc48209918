package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/card/bac"
	"github.com/sportello/sportello/internal/card/cardtest"
	"github.com/sportello/sportello/internal/card/emrtd"
	"github.com/sportello/sportello/internal/card/ias"
	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/nis"
	"github.com/sportello/sportello/internal/card/pcsc"
	"github.com/sportello/sportello/internal/card/simcard"
	"github.com/sportello/sportello/internal/card/sod"
	"github.com/sportello/sportello/internal/card/trust"
)

// simReader is the --reader value that reads the built-in simulated CIE.
const simReader = "sim"

// cardConn is an opened card: the transceiver, how to release it, and for the
// simulated card the anchors of the test country that signed it.
type cardConn struct {
	t       iso7816.Transceiver
	close   func() error
	name    string
	anchors *trust.Store
}

// openCard connects to the simulated card or to a PC/SC reader.
func openCard(ctx context.Context, reader string, wait time.Duration) (*cardConn, error) {
	if reader == simReader {
		pki, err := cardtest.NewPKI()
		if err != nil {
			return nil, err
		}
		p, err := simcard.Personalise(simcard.DemoHolder(), simcard.Signers{
			EMRTD: func(dgs map[int][]byte) ([]byte, error) { return pki.EMRTDSOD(dgs) },
			IAS:   func(n, k []byte) ([]byte, error) { return pki.IASSOD(n, k) },
		}, 2048, nil)
		if err != nil {
			return nil, err
		}
		c, err := simcard.New(p)
		if err != nil {
			return nil, err
		}
		return &cardConn{t: c, close: func() error { return nil }, name: c.String(), anchors: trust.NewStore(pki.Anchors()...)}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	r, err := pcsc.Open(ctx, reader)
	if err != nil {
		return nil, err
	}
	return &cardConn{t: r, close: r.Close, name: r.Name()}, nil
}

// openError maps a failure to open the card to an exit code: a build without
// PC/SC is a usage problem (2), a missing card or reader is a failed run (1).
func openError(stdio Stdio, cmd string, err error) int {
	if errors.Is(err, pcsc.ErrNotBuilt) {
		return usageError(stdio, cmd, "%v; use --reader sim for the simulated card", err)
	}
	fmt.Fprintf(stdio.Err, "sportello %s: %v\n", cmd, err)
	return ExitFail
}

// trustFor picks the anchors for verification: --trust when given, else the
// simulated card's own test country, else none.
func trustFor(path string, conn *cardConn) (*trust.Store, string, error) {
	if path != "" {
		st, err := loadTrust(path, "", time.Now())
		return st, path, err
	}
	if conn.anchors != nil {
		return conn.anchors, "the simulated card's test CSCA", nil
	}
	return nil, "", nil
}

func runCardRead(ctx context.Context, stdio Stdio, args []string) int {
	const cmd = "card read"
	fs := newFlags(cmd, "card read [--reader NAME|sim] (--can 123456 | --mrz-key DOCNO,YYMMDD,YYMMDD) [--trust DIR] [--out DIR]", stdio)
	reader := fs.String("reader", "", `PC/SC reader name or prefix (default: the first reader with a card); "sim" reads the built-in simulated CIE`)
	can := fs.String("can", "", "card access number: the 6 digits on the front of the CIE (PACE)")
	mrzKey := fs.String("mrz-key", "", "document number, birth date and expiry date as DOCNO,YYMMDD,YYMMDD (PACE or BAC)")
	trustPath := fs.String("trust", "", "CSCA certificates for passive authentication: a directory or a certificate file")
	outDir := fs.String("out", "", "directory to write EF.COM, EF.SOD, the data groups and face.png into")
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for a card on the reader")
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	if fs.NArg() > 0 || (*can == "") == (*mrzKey == "") {
		return usageError(stdio, cmd, "give exactly one of --can or --mrz-key, and no arguments")
	}
	var access emrtd.Access
	if *can != "" {
		access.CAN = strings.TrimSpace(*can)
		if len(access.CAN) != 6 || strings.Trim(access.CAN, "0123456789") != "" {
			return usageError(stdio, cmd, "--can must be 6 digits")
		}
	} else {
		k, err := bac.ParseKey(*mrzKey)
		if err != nil {
			return usageError(stdio, cmd, "--mrz-key: %v", err)
		}
		access.MRZ = &k
	}
	conn, err := openCard(ctx, *reader, *wait)
	if err != nil {
		return openError(stdio, cmd, err)
	}
	defer conn.close()
	store, trustName, err := trustFor(*trustPath, conn)
	if err != nil {
		return usageError(stdio, cmd, "--trust: %v", err)
	}

	doc, err := emrtd.Read(conn.t, access, rand.Reader)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", cmd, err)
		return ExitFail
	}
	w := &strings.Builder{}
	fmt.Fprintf(w, "reader            %s\n", conn.name)
	method := doc.Method
	if doc.PACE != nil {
		method += " " + doc.PACE.String()
	}
	fmt.Fprintf(w, "access control    %s\n", method)
	for i, l := range emrtd.MRZLines(doc.MRZ) {
		fmt.Fprintf(w, "MRZ line %d        %s\n", i+1, l)
	}
	for _, f := range append(doc.DG11, doc.DG12...) {
		fmt.Fprintf(w, "%-17s %s\n", f.Name, f.Value)
	}
	for _, f := range doc.Faces {
		fmt.Fprintf(w, "face              %dx%d, %s, %d bytes\n", f.Width, f.Height, imageType(f.ImageDataType), len(f.Data))
	}
	fmt.Fprintf(w, "files read        EF.COM, %s, EF.SOD\n", dgList(doc.Raw))
	if *outDir != "" {
		if err := writeDocument(*outDir, doc); err != nil {
			return usageError(stdio, cmd, "--out: %v", err)
		}
		fmt.Fprintf(w, "written to        %s\n", *outDir)
	}
	io.WriteString(stdio.Out, w.String())

	if store == nil {
		fmt.Fprintf(stdio.Out, "verdict: NOT VERIFIED (no --trust given, passive authentication skipped)\n")
		return ExitFail
	}
	start := time.Now()
	rep, err := sod.Verify(doc.SOD, doc.Raw, store, time.Now())
	elapsed := time.Since(start)
	if err != nil {
		fmt.Fprintf(stdio.Err, "sportello %s: passive authentication: %v\n", cmd, err)
		return ExitFail
	}
	w.Reset()
	fmt.Fprintf(w, "trust             %s\ndocument signer   %s\n", trustName, rep.Signer)
	for _, s := range rep.Steps {
		fmt.Fprintf(w, "%s %-14s %s\n", passFail(s.OK), s.Name, s.Detail)
	}
	fmt.Fprintf(w, "passive authentication took %s\n", elapsed.Round(time.Microsecond))
	if rep.OK {
		w.WriteString("verdict: genuine\n")
	} else {
		fmt.Fprintf(w, "verdict: REJECTED (%s)\n", rep.Reason)
	}
	io.WriteString(stdio.Out, w.String())
	if !rep.OK {
		return ExitFail
	}
	return ExitOK
}

func imageType(t byte) string {
	if t == emrtd.ImageJPEG2000 {
		return "JPEG 2000"
	}
	return "JPEG"
}

func dgList(raw map[int][]byte) string {
	var parts []string
	for n := 1; n <= 16; n++ {
		if b, ok := raw[n]; ok {
			parts = append(parts, fmt.Sprintf("DG%d (%d bytes)", n, len(b)))
		}
	}
	return strings.Join(parts, ", ")
}

// writeDocument saves the raw files, named as `card verify --dg` expects them,
// and the face as PNG.
func writeDocument(dir string, doc *emrtd.Document) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	files := map[string][]byte{"EF.COM.bin": doc.RawCOM, "EF.SOD.bin": doc.SOD}
	for n, b := range doc.Raw {
		files[fmt.Sprintf("DG%d.bin", n)] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return err
		}
	}
	for i, f := range doc.Faces {
		name := "face.png"
		if i > 0 {
			name = fmt.Sprintf("face%d.png", i+1)
		}
		out, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		err = f.WritePNG(out)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func runCardNIS(ctx context.Context, stdio Stdio, args []string) int {
	const cmd = "card nis"
	fs := newFlags(cmd, "card nis [--reader NAME|sim] [--trust DIR] [--json]", stdio)
	reader := fs.String("reader", "", `PC/SC reader name or prefix (default: the first reader with a card); "sim" reads the built-in simulated CIE`)
	trustPath := fs.String("trust", "", "CSCA certificates to verify the IAS EF.SOD: a directory or a certificate file")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for a card on the reader")
	if code, ok := parseFlags(fs, args, stdio); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(stdio, cmd, "no arguments expected")
	}
	conn, err := openCard(ctx, *reader, *wait)
	if err != nil {
		return openError(stdio, cmd, err)
	}
	defer conn.close()
	store, trustName, err := trustFor(*trustPath, conn)
	if err != nil {
		return usageError(stdio, cmd, "--trust: %v", err)
	}
	if store == nil {
		return usageError(stdio, cmd, "--trust is required: a NIS is genuine only if its SOD chains to a CSCA")
	}
	return checkNIS(stdio, conn, store, trustName, *asJSON)
}

// checkNIS reads the badge with a fresh challenge and verifies it: SOD chain,
// hashes of NIS and Kpub, and the card's signature of the challenge.
func checkNIS(stdio Stdio, conn *cardConn, store *trust.Store, trustName string, asJSON bool) int {
	const cmd = "card nis"
	challenger, err := nis.NewChallenger(nis.ChallengerConfig{Size: ias.ChallengeLen})
	if err != nil {
		return usageError(stdio, cmd, "%v", err)
	}
	challenge, err := challenger.Issue()
	if err != nil {
		return usageError(stdio, cmd, "%v", err)
	}
	badge, err := ias.ReadChallenge(conn.t, challenge)
	if err != nil && !errors.Is(err, ias.ErrSignature) {
		fmt.Fprintf(stdio.Err, "sportello %s: %v\n", cmd, err)
		return ExitFail
	}
	// A bad signature is reported by nis.Verify with the other checks.
	start := time.Now()
	res, err := nis.Verify(nis.Proof{NIS: []byte(badge.NIS), Kpub: badge.Kpub, SOD: badge.SOD, Challenge: badge.Challenge, Signature: badge.Signature},
		store, challenger, time.Now())
	elapsed := time.Since(start)
	if err != nil {
		return usageError(stdio, cmd, "%v", err)
	}
	if asJSON {
		if err := writeJSON(stdio.Out, res); err != nil {
			return usageError(stdio, cmd, "%v", err)
		}
	} else {
		w := &strings.Builder{}
		fmt.Fprintf(w, "reader            %s\ntrust             %s\nNIS               %s\nKpub SHA-256      %s\n", conn.name, trustName, res.NIS, res.KeyHash)
		for _, s := range res.Steps {
			fmt.Fprintf(w, "%s %-22s %s\n", passFail(s.OK), s.Name, s.Detail)
		}
		fmt.Fprintf(w, "server-side check took %s\n", elapsed.Round(time.Microsecond))
		if res.OK {
			w.WriteString("verdict: genuine\n")
		} else {
			fmt.Fprintf(w, "verdict: REJECTED (%s)\n", res.Reason)
		}
		io.WriteString(stdio.Out, w.String())
	}
	if !res.OK {
		return ExitFail
	}
	return ExitOK
}
