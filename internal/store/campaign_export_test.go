package store

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
)

// ImportChunk lets tests make the import's staging chunks small.
var ImportChunk = &importChunk

// ImportCitizensTimed is ImportCitizens reporting how long it held the write lock:
// its longest staging transaction and the one that applies the batch.
func (s *Store) ImportCitizensTimed(ctx context.Context, cs []register.Citizen) (ImportResult, time.Duration, time.Duration, error) {
	var tm importTiming
	rep, err := s.importCitizens(ctx, cs, nil, &tm)
	if err != nil {
		return ImportResult{}, 0, 0, err
	}
	return rep.ImportResult, tm.LongestStage, tm.Apply, nil
}

// ProposalInsertRows is how many proposals one INSERT statement carries.
const ProposalInsertRows = proposalInsertRows

// DueScanMin lets tests choose how DuePlanCitizens reads the due citizens.
var DueScanMin = &dueScanMin
