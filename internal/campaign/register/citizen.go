package register

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Columns are the sixteen columns of CITIZENS.csv in order (issue 5 §1). A seventeenth
// column "frail" is accepted, as plan.ReadCitizens accepts it.
var Columns = []string{"codice_fiscale", "family_name", "given_names", "sex", "birth_date", "household_id", "address", "postcode", "lat", "lon", "card_type", "card_number", "card_expiry", "email", "phone", "due_date"}

// Card types of the extract.
const (
	CardPaper = "paper"
	CardCIE   = "cie"
)

// Citizen is one validated row.
type Citizen struct {
	CF         string // canonical codice fiscale
	FamilyName string
	GivenNames string
	Sex        string // "M" or "F"
	Birth      time.Time
	Household  string
	Address    string
	Postcode   string
	Lat, Lon   float64
	CardType   string
	CardNumber string
	CardExpiry time.Time // zero for a CIE holder without expiry in the extract
	Email      string
	Phone      string
	Due        time.Time // due_date, or derived from card_expiry by the Policy
	Frail      bool
	Line       int
}

// Hash is a digest of every imported field, so a re-import can tell an unchanged
// row from a changed one without comparing column by column.
func (c *Citizen) Hash() string {
	h := sha256.New()
	for _, f := range []string{c.CF, c.FamilyName, c.GivenNames, c.Sex, day(c.Birth), c.Household, c.Address, c.Postcode,
		strconv.FormatFloat(c.Lat, 'f', 7, 64), strconv.FormatFloat(c.Lon, 'f', 7, 64), c.CardType, c.CardNumber,
		day(c.CardExpiry), c.Email, c.Phone, day(c.Due), strconv.FormatBool(c.Frail)} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// Policy derives a due date when the extract leaves due_date empty. It is the one rule
// the import (CLI and web) and the CLI plan apply, so the same file plans the same
// everywhere; the web plan uses the due date the import stored with it.
//
// PRODUCT.md §5 ("Assignment as a min-cost flow"): the due week is "set by priority
// (age, expiry)". Expiry sets it here: a card is due Lead before the day it stops
// being valid, the earlier of its own expiry and, for a paper card, the day paper
// cards stop being valid (the campaign setting "Carte cartacee non valide dal", which
// letters and e-mails quote). Age is the planner's other priority: the elderly and
// frail are served first within a week (plan.Params.ElderlyAge), not earlier weeks.
type Policy struct {
	// PaperCutoff is the day paper cards stop being valid; zero means only the card's
	// own expiry counts.
	PaperCutoff time.Time
	// Lead is how long before that day the citizen should come.
	Lead time.Duration
}

// DefaultLead is how long before its card stops being valid a citizen is due: a month
// leaves room to move the appointment and for the card to be made and delivered.
const DefaultLead = 30 * 24 * time.Hour

// PolicyFor is the policy of a campaign whose paper cards stop being valid on
// paperInvalid (store.CampaignSettings.PaperInvalidDay, or the CLI's --paper-invalid).
func PolicyFor(paperInvalid time.Time) Policy {
	return Policy{PaperCutoff: paperInvalid, Lead: DefaultLead}
}

// EUCutoff is the day EU Regulation 2019/1157 ends the paper cards' validity.
var EUCutoff = time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)

// DefaultPolicy is PolicyFor(EUCutoff), for tests and tools without campaign settings.
func DefaultPolicy() Policy { return PolicyFor(EUCutoff) }

// Due is the policy's due date for a card of cardType expiring on expiry (zero when
// unknown); zero when neither date is known.
func (p Policy) Due(cardType string, expiry time.Time) time.Time {
	end := expiry
	if cardType == CardPaper && !p.PaperCutoff.IsZero() && (end.IsZero() || p.PaperCutoff.Before(end)) {
		end = p.PaperCutoff
	}
	if end.IsZero() {
		return time.Time{}
	}
	return end.Add(-p.Lead)
}
