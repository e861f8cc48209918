package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// Proposal states. planned, proposed and confirmed hold capacity; the others do not.
const (
	ProposalPlanned   = "planned"
	ProposalProposed  = "proposed"
	ProposalConfirmed = "confirmed"
	ProposalDeclined  = "declined"
	ProposalExpired   = "expired"
	ProposalCancelled = "cancelled"
)

// Proposal channels.
const (
	ChannelEmail  = "email"
	ChannelLetter = "letter"
)

// CampaignRun is one optimiser run on the imported data.
type CampaignRun struct {
	ID        int64
	CreatedAt time.Time
	Kind      string // plan or replan
	People    int
	Planned   int
	Unplanned int
	Cost      float64
	Bound     float64
	Gap       float64
	Millis    int64
	// Done says every proposal of the run is written; a run whose writing stopped
	// half-way is never sent, and the next plan cancels what it wrote.
	Done bool
}

// CampaignProposal is one citizen's appointment offer.
type CampaignProposal struct {
	ID         int64
	CF         string
	Household  string
	RunID      int64
	OfficeID   int64
	Day        string // YYYY-MM-DD, the comune's calendar
	Minute     int
	Week       int // campaign week index, for office-week capacity
	State      string
	Channel    string
	LetterCode string
	Nonce      string
	Deadline   time.Time
	CreatedAt  time.Time
	SentAt     time.Time
	DecidedAt  time.Time
	DecidedVia string
	Reminders  int
	RemindedAt time.Time
}

// InsertCampaignRun stores a run and sets its ID.
func (s *Store) InsertCampaignRun(ctx context.Context, q Querier, r *CampaignRun) error {
	return s.translate(q.QueryRowContext(ctx, `INSERT INTO campaign_runs (created_at, kind, people, planned, unplanned, cost, bound, gap, millis, done)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		Micros(r.CreatedAt), r.Kind, r.People, r.Planned, r.Unplanned, r.Cost, r.Bound, r.Gap, r.Millis, boolInt(r.Done)).Scan(&r.ID))
}

// FinishCampaignRun marks a run's proposals as all written.
func (s *Store) FinishCampaignRun(ctx context.Context, q Querier, r *CampaignRun) error {
	if _, err := q.ExecContext(ctx, `UPDATE campaign_runs SET done = 1 WHERE id = ?`, r.ID); err != nil {
		return err
	}
	r.Done = true
	return nil
}

// LatestCampaignRun returns the newest run.
func (s *Store) LatestCampaignRun(ctx context.Context) (*CampaignRun, error) {
	var r CampaignRun
	var at int64
	var done int
	err := s.QueryRow(ctx, `SELECT id, created_at, kind, people, planned, unplanned, cost, bound, gap, millis, done FROM campaign_runs ORDER BY id DESC LIMIT 1`).
		Scan(&r.ID, &at, &r.Kind, &r.People, &r.Planned, &r.Unplanned, &r.Cost, &r.Bound, &r.Gap, &r.Millis, &done)
	r.Done = done != 0
	if err != nil {
		return nil, fmt.Errorf("campaign run: %w", s.translate(err))
	}
	r.CreatedAt = FromMicros(at)
	return &r, nil
}

// proposalInsertRows is how many proposals one INSERT carries: 14 values each stays
// well under SQLite's and PostgreSQL's parameter limits, and one statement per few
// hundred rows instead of one per row is what makes a Milan-sized write take
// milliseconds per thousand rows rather than a second.
const proposalInsertRows = 400

// InsertCampaignProposals stores proposals with multi-row INSERTs and, unless
// citizenState is empty, moves their citizens from new to it (else the caller moves
// them with MoveCampaignCitizens in the same transaction). IDs are not read back: a
// run's proposals are found again by run_id.
func (s *Store) InsertCampaignProposals(ctx context.Context, tx *Tx, ps []*CampaignProposal, citizenState string) error {
	var full string // the statement for a whole chunk, built once
	for i := 0; i < len(ps); i += proposalInsertRows {
		chunk := ps[i:min(i+proposalInsertRows, len(ps))]
		q := full
		if q == "" || len(chunk) < proposalInsertRows {
			q = s.Rebind(`INSERT INTO campaign_proposals (cf, household, run_id, office_id, day, minute, week, state, channel,
				letter_code, nonce, deadline, created_at, sent_at) VALUES ` + campaignRows(len(chunk), 14))
			if len(chunk) == proposalInsertRows {
				full = q
			}
		}
		args := make([]any, 0, 14*len(chunk))
		for _, p := range chunk {
			args = append(args, p.CF, p.Household, p.RunID, p.OfficeID, p.Day, p.Minute, p.Week, p.State, p.Channel,
				p.LetterCode, p.Nonce, Micros(p.Deadline), Micros(p.CreatedAt), Micros(p.SentAt))
		}
		if _, err := tx.tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("insert proposals: %w", s.translate(err))
		}
	}
	if citizenState == "" {
		return nil
	}
	cfs := make([]string, len(ps))
	for i, p := range ps {
		cfs[i] = p.CF
	}
	return s.MoveCampaignCitizens(ctx, tx, cfs, CitizenNew, citizenState)
}

// MoveCampaignCitizens moves the given citizens from one state to another, and
// fails with model.ErrConflict unless every one of them was in from: two plans
// racing (an admin's and the hourly re-plan on PostgreSQL) cannot both give one
// citizen a proposal.
func (s *Store) MoveCampaignCitizens(ctx context.Context, tx *Tx, cfs []string, from, to string) error {
	n, err := s.moveCitizens(ctx, tx, cfs, from, to)
	if err == nil && n != len(cfs) {
		err = fmt.Errorf("%d of %d citizens no longer %s: %w", len(cfs)-n, len(cfs), from, model.ErrConflict)
	}
	return err
}

// moveCitizens moves those of the citizens in from to to, and counts them.
func (s *Store) moveCitizens(ctx context.Context, tx *Tx, cfs []string, from, to string) (int, error) {
	now := Micros(s.Now())
	moved := 0
	for i := 0; i < len(cfs); i += proposalInsertRows {
		chunk := cfs[i:min(i+proposalInsertRows, len(cfs))]
		args := make([]any, 0, len(chunk)+3)
		args = append(args, to, now, from)
		for _, cf := range chunk {
			args = append(args, cf)
		}
		// "state || ''" keeps SQLite from walking the state index over every citizen
		// in from for each chunk instead of looking the codes up by primary key.
		res, err := tx.Exec(ctx, `UPDATE campaign_citizens SET state = ?, updated_at = ? WHERE state || '' = ? AND cf IN (`+campaignPlaceholders(len(chunk))+`)`, args...)
		if err != nil {
			return moved, err
		}
		n, _ := res.RowsAffected()
		moved += int(n)
	}
	return moved, nil
}

// DueProposal is a proposal past its deadline, about to expire.
type DueProposal struct {
	ID        int64
	CF        string
	Household string
	OfficeID  int64
	Week      int
	Day       string // YYYY-MM-DD
	Minute    int
}

// DueCampaignProposals lists the proposals still unanswered at now, past their deadline.
func (s *Store) DueCampaignProposals(ctx context.Context, now time.Time) ([]DueProposal, error) {
	var out []DueProposal
	err := s.eachRow(ctx, `SELECT id, cf, household, office_id, week, day, minute FROM campaign_proposals WHERE state = ? AND deadline <= ?`,
		[]any{ProposalProposed, Micros(now)}, func(r rowReader) error {
			out = append(out, DueProposal{ID: r.Int64(0), CF: r.String(1), Household: r.String(2), OfficeID: r.Int64(3),
				Week: int(r.Int64(4)), Day: r.String(5), Minute: int(r.Int64(6))})
			return nil
		})
	return out, err
}

// HasDueCampaignProposals reports whether any proposal is still unanswered at now,
// past its deadline. It stops at the first: the hourly expiry asks it first, and
// when many are due, counting them all cost a row lookup each.
func (s *Store) HasDueCampaignProposals(ctx context.Context, now time.Time) (bool, error) {
	var n int
	// a count of at most one row: EXISTS is a bool on PostgreSQL and an integer on SQLite
	err := s.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM campaign_proposals WHERE state = ? AND deadline <= ? LIMIT 1) AS d`, ProposalProposed, Micros(now)).Scan(&n)
	return n != 0, s.translate(err)
}

// DuePlanCitizens lists the proposals still unanswered at now, past their deadline,
// with their citizens as the re-plan reads them (PlanCitizens' fields): cs[i] is
// due[i]'s citizen, nil when the citizen is no longer proposed (an operator closed
// the case): that proposal only expires. The citizens are read after the proposals,
// not in the same snapshot; the re-plan's write checks each proposal is still due
// and each citizen still proposed, and plans again if not.
//
// A few due proposals look their citizens up by key. Many (a batch sent together
// expires together: 36,765 of Milan's 82,142 in BenchmarkReplanMilan) read every
// proposed citizen in table order and join them here: 0.06 s for the proposals and
// 0.13 s for the citizens against 0.31 s for the join by key, which fetches two
// pages a row in random order (measured through database/sql, before eachRow;
// TestDuePlanCitizensBothWays has them agree).
func (s *Store) DuePlanCitizens(ctx context.Context, now time.Time) ([]DueProposal, []*CampaignCitizen, error) {
	var proposed int
	if err := s.QueryRow(ctx, `SELECT COUNT(*) FROM campaign_citizens WHERE state = ?`, CitizenProposed).Scan(&proposed); err != nil {
		return nil, nil, s.translate(err)
	}
	// On SQLite the table-order read starts at once, beside the due proposals' read;
	// when those turn out few it is stopped and their citizens are looked up by key
	// instead. On PostgreSQL, where stopping a read mid-way costs the connection, it
	// starts only once the due proposals are read and many.
	scanCtx, stopScan := context.WithCancel(ctx)
	defer stopScan()
	var scanned []CampaignCitizen
	scanErr := make(chan error, 1)
	startScan := func() {
		go func() {
			scanned = make([]CampaignCitizen, 0, min(proposed, 1<<16)) // not all, if stopped
			scanErr <- s.readPlanCitizens(scanCtx, func(c CampaignCitizen) { scanned = append(scanned, c) }, `state = ?`, CitizenProposed)
		}()
	}
	early := s.dialect == SQLite && proposed >= dueScanMin
	if early {
		startScan()
	}
	due, err := s.DueCampaignProposals(ctx, now)
	// a table-order read costs about a quarter of a lookup by key per row
	scan := err == nil && len(due) >= dueScanMin && len(due)*4 >= proposed
	switch {
	case scan && !early:
		startScan()
	case !scan && early:
		stopScan()
	}
	if scan || early {
		if serr := <-scanErr; err == nil && scan {
			err = serr
		}
	}
	if err != nil || len(due) == 0 {
		return nil, nil, err
	}
	byCF := make(map[string]*CampaignCitizen, len(due))
	for _, d := range due {
		byCF[d.CF] = nil
	}
	if scan {
		// the due ones only, in one allocation: not all the proposed kept alive
		kept := make([]CampaignCitizen, 0, len(due))
		for i := range scanned {
			if _, ok := byCF[scanned[i].CF]; ok {
				kept = append(kept, scanned[i])
			}
		}
		for i := range kept {
			byCF[kept[i].CF] = &kept[i]
		}
	} else if err := s.lookUpPlanCitizens(ctx, byCF, due); err != nil {
		return nil, nil, err
	}
	cs := make([]*CampaignCitizen, len(due))
	for i, d := range due {
		cs[i] = byCF[d.CF]
	}
	return due, cs, nil
}

// dueScanMin is the fewest due proposals for which DuePlanCitizens considers reading
// every proposed citizen rather than looking them up.
var dueScanMin = 1000

// lookUpPlanCitizens reads into byCF the due proposals' citizens still proposed, by
// key, a statement's worth at a time.
func (s *Store) lookUpPlanCitizens(ctx context.Context, byCF map[string]*CampaignCitizen, due []DueProposal) error {
	add := func(c CampaignCitizen) { byCF[c.CF] = &c }
	for i := 0; i < len(due); i += proposalInsertRows {
		chunk := due[i:min(i+proposalInsertRows, len(due))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, CitizenProposed)
		for _, d := range chunk {
			args = append(args, d.CF)
		}
		// "state || ''", as in moveCitizens: by primary key, not by the state index ("OR
		// cf IN (subquery)" ran for minutes on a PostgreSQL without statistics yet)
		if err := s.readPlanCitizens(ctx, add, `state || '' = ? AND cf IN (`+campaignPlaceholders(len(chunk))+`)`, args...); err != nil {
			return err
		}
	}
	return nil
}

// campaignRows is "(?, …), (?, …)" for a multi-row VALUES list.
func campaignRows(rows, cols int) string {
	one := "(" + campaignPlaceholders(cols) + ")"
	return strings.Repeat(one+", ", rows-1) + one
}

const proposalCols = `id, cf, household, run_id, office_id, day, minute, week, state, channel, letter_code, nonce, deadline, created_at, sent_at, decided_at, decided_via, reminders, reminded_at`

func scanProposal(sc interface{ Scan(...any) error }) (*CampaignProposal, error) {
	var p CampaignProposal
	var deadline, created, sent, decided, reminded int64
	err := sc.Scan(&p.ID, &p.CF, &p.Household, &p.RunID, &p.OfficeID, &p.Day, &p.Minute, &p.Week, &p.State, &p.Channel, &p.LetterCode, &p.Nonce,
		&deadline, &created, &sent, &decided, &p.DecidedVia, &p.Reminders, &reminded)
	p.Deadline, p.CreatedAt, p.SentAt, p.DecidedAt, p.RemindedAt = FromMicros(deadline), FromMicros(created), FromMicros(sent), FromMicros(decided), FromMicros(reminded)
	return &p, err
}

// CampaignProposal finds a proposal by id; pass a *Tx to read inside a transaction.
func (s *Store) CampaignProposal(ctx context.Context, q Querier, id int64) (*CampaignProposal, error) {
	if q == nil {
		q = campaignReader{s}
	}
	p, err := scanProposal(q.QueryRowContext(ctx, `SELECT `+proposalCols+` FROM campaign_proposals WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("proposal %d: %w", id, s.translate(err))
	}
	return p, nil
}

// CampaignProposalByCode finds a proposal by its letter code (the phone line's key).
func (s *Store) CampaignProposalByCode(ctx context.Context, code string) (*CampaignProposal, error) {
	p, err := scanProposal(s.QueryRow(ctx, `SELECT `+proposalCols+` FROM campaign_proposals WHERE letter_code = ?`, code))
	if err != nil {
		return nil, fmt.Errorf("proposal: %w", s.translate(err))
	}
	return p, nil
}

// CampaignProposals lists proposals matching where (a SQL condition with '?' args),
// ordered by id.
func (s *Store) CampaignProposals(ctx context.Context, q Querier, where string, args ...any) ([]*CampaignProposal, error) {
	if q == nil {
		q = campaignReader{s}
	}
	rows, err := q.QueryContext(ctx, `SELECT `+proposalCols+` FROM campaign_proposals WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*CampaignProposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// HouseholdProposals lists the household's proposals still awaiting an answer.
func (s *Store) HouseholdProposals(ctx context.Context, q Querier, household string) ([]*CampaignProposal, error) {
	return s.CampaignProposals(ctx, q, `household = ? AND state IN ('planned', 'proposed', 'confirmed')`, household)
}

// UpdateCampaignProposal saves a proposal's slot, state and bookkeeping. It is guarded
// by the state it was read in, so two answers racing on one proposal cannot both win.
func (s *Store) UpdateCampaignProposal(ctx context.Context, q Querier, p *CampaignProposal, fromState string) error {
	res, err := q.ExecContext(ctx, `UPDATE campaign_proposals SET office_id = ?, day = ?, minute = ?, week = ?, state = ?, channel = ?, nonce = ?,
		deadline = ?, sent_at = ?, decided_at = ?, decided_via = ?, reminders = ?, reminded_at = ? WHERE id = ? AND state = ?`,
		p.OfficeID, p.Day, p.Minute, p.Week, p.State, p.Channel, p.Nonce, Micros(p.Deadline), Micros(p.SentAt), Micros(p.DecidedAt), p.DecidedVia,
		p.Reminders, Micros(p.RemindedAt), p.ID, fromState)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("proposal %d: %w", p.ID, model.ErrConflict)
	}
	return nil
}

// CellKey names an office-week.
type CellKey struct {
	Office int64
	Week   int
}

// CampaignWeekUsage counts the proposals holding capacity in each office-week.
func (s *Store) CampaignWeekUsage(ctx context.Context, q Querier) (map[CellKey]int, error) {
	return s.CampaignWeekUsageIn(ctx, q, ProposalPlanned, ProposalProposed, ProposalConfirmed)
}

// CampaignWeekUsageIn counts the proposals in the given states in each office-week; a
// new plan, which replaces the planned ones, counts only proposed and confirmed.
func (s *Store) CampaignWeekUsageIn(ctx context.Context, q Querier, states ...string) (map[CellKey]int, error) {
	if q == nil {
		q = campaignReader{s}
	}
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = st
	}
	// "state || ''": one pass over the office-week index, which holds every column
	// read and is in GROUP BY order, not a row lookup per proposal through the state
	// index and a sort
	rows, err := q.QueryContext(ctx, `SELECT office_id, week, COUNT(*) FROM campaign_proposals
		WHERE state || '' IN (`+campaignPlaceholders(len(states))+`) GROUP BY office_id, week`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[CellKey]int{}
	for rows.Next() {
		var k CellKey
		var n int
		if err := rows.Scan(&k.Office, &k.Week, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// CampaignSlotUsage counts the proposals holding each slot (minute) of an office's day.
func (s *Store) CampaignSlotUsage(ctx context.Context, q Querier, officeID int64, day string) (map[int]int, error) {
	if q == nil {
		q = campaignReader{s}
	}
	rows, err := q.QueryContext(ctx, `SELECT minute, COUNT(*) FROM campaign_proposals
		WHERE office_id = ? AND day = ? AND state IN ('planned', 'proposed', 'confirmed') GROUP BY minute`, officeID, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var m, n int
		if err := rows.Scan(&m, &n); err != nil {
			return nil, err
		}
		out[m] = n
	}
	return out, rows.Err()
}

// CancelPlannedProposals drops the proposals not yet sent (before a new plan) and puts
// their citizens back to new.
func (s *Store) CancelPlannedProposals(ctx context.Context, tx *Tx) (int, error) {
	if _, err := tx.Exec(ctx, `UPDATE campaign_citizens SET state = ?, updated_at = ? WHERE state = ?`, CitizenNew, Micros(s.Now()), CitizenPlanned); err != nil {
		return 0, err
	}
	res, err := tx.Exec(ctx, `UPDATE campaign_proposals SET state = ? WHERE state = ?`, ProposalCancelled, ProposalPlanned)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ExpireCampaignProposals ends every proposal left unanswered past its deadline: the
// proposal's capacity returns, and its citizen goes back to new for the re-plan.
func (s *Store) ExpireCampaignProposals(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.Query(ctx, `UPDATE campaign_proposals SET state = ?, decided_at = ?, decided_via = 'deadline' WHERE state = ? AND deadline <= ? RETURNING cf`,
			ProposalExpired, Micros(now), ProposalProposed, Micros(now))
		if err != nil {
			return err
		}
		var cfs []string
		for rows.Next() {
			var cf string
			if err := rows.Scan(&cf); err != nil {
				rows.Close()
				return err
			}
			cfs = append(cfs, cf)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		n = len(cfs)
		// by primary key: "state = ? AND cf IN (SELECT …)" ran for minutes on a
		// PostgreSQL without statistics yet
		_, err = s.moveCitizens(ctx, tx, cfs, CitizenProposed, CitizenNew)
		return err
	})
	return n, err
}

// CampaignLetterCodes returns every letter code in use, so new ones stay unique.
func (s *Store) CampaignLetterCodes(ctx context.Context, q Querier) (map[string]bool, error) {
	if q == nil {
		q = campaignReader{s}
	}
	rows, err := q.QueryContext(ctx, `SELECT letter_code FROM campaign_proposals`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, rows.Err()
}

// ProposePlanned marks the given planned proposals as sent now, each with its own
// deadline, and their citizens as proposed. Proposals sharing a deadline (nearly all
// of them) go in one UPDATE per few hundred.
func (s *Store) ProposePlanned(ctx context.Context, tx *Tx, now time.Time, ps []*CampaignProposal) error {
	byDeadline := map[int64][]*CampaignProposal{}
	var order []int64
	for _, p := range ps {
		d := Micros(p.Deadline)
		if _, ok := byDeadline[d]; !ok {
			order = append(order, d)
		}
		byDeadline[d] = append(byDeadline[d], p)
	}
	for _, d := range order {
		group := byDeadline[d]
		for i := 0; i < len(group); i += proposalInsertRows {
			chunk := group[i:min(i+proposalInsertRows, len(group))]
			ids := make([]any, 0, len(chunk)+4)
			cfs := make([]any, 0, len(chunk)+3)
			ids = append(ids, ProposalProposed, Micros(now), d, ProposalPlanned)
			cfs = append(cfs, CitizenProposed, Micros(now), CitizenPlanned)
			for _, p := range chunk {
				ids, cfs = append(ids, p.ID), append(cfs, p.CF)
			}
			// a proposal an operator cancelled meanwhile is simply not sent; its mail
			// job finds it not proposed and does nothing
			if _, err := tx.Exec(ctx, `UPDATE campaign_proposals SET state = ?, sent_at = ?, deadline = ? WHERE state || '' = ? AND id IN (`+campaignPlaceholders(len(chunk))+`)`, ids...); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE campaign_citizens SET state = ?, updated_at = ? WHERE state || '' = ? AND cf IN (`+campaignPlaceholders(len(chunk))+`)`, cfs...); err != nil {
				return err
			}
			for _, p := range chunk {
				p.State, p.SentAt = ProposalProposed, now
			}
		}
	}
	return nil
}

// MarkReminded records that the given proposals, still awaiting an answer, were
// reminded at now (a reminder letter batch was printed for them).
func (s *Store) MarkReminded(ctx context.Context, ids []int64, now time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		for i := 0; i < len(ids); i += proposalInsertRows {
			chunk := ids[i:min(i+proposalInsertRows, len(ids))]
			args := make([]any, 0, len(chunk)+2)
			args = append(args, Micros(now), ProposalProposed)
			for _, id := range chunk {
				args = append(args, id)
			}
			if _, err := tx.Exec(ctx, `UPDATE campaign_proposals SET reminders = reminders + 1, reminded_at = ?
				WHERE state = ? AND id IN (`+campaignPlaceholders(len(chunk))+`)`, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// LockOffice serialises capacity checks on one office: PostgreSQL locks its row until
// the transaction ends; SQLite's single IMMEDIATE writer already serialises them.
func (s *Store) LockOffice(ctx context.Context, tx *Tx, officeID int64) error {
	q := `SELECT id FROM offices WHERE id = ?`
	if s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var id int64
	if err := tx.QueryRow(ctx, q, officeID).Scan(&id); err != nil {
		return fmt.Errorf("office %d: %w", officeID, s.translate(err))
	}
	return nil
}
