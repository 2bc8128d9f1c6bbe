package account

import (
	"context"
	"errors"
	"time"
)

// ClearUnconfirmed is FlexiAPI's daily `accounts:clear-unconfirmed 30
// --apply`: it deletes the accounts of APP_SIP_DOMAIN that were never
// activated and are older than the retention. As in FlexiAPI it is a bulk
// delete: no tombstone is written. The other periodic jobs of FlexiAPI
// (nonces, API keys, tombstones) are DynamoDB TTLs here.
func (s *Service) ClearUnconfirmed(ctx context.Context, retention time.Duration) (deleted int, err error) {
	if retention <= 0 {
		return 0, nil
	}
	before := s.Now().Add(-retention)
	for {
		ids, err := s.store.UnconfirmedAccounts(ctx, s.cfg.SIPDomain, before, 100)
		if err != nil || len(ids) == 0 {
			return deleted, err
		}
		progress := 0
		for _, id := range ids {
			a, err := s.store.AccountByID(ctx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return deleted, err
			}
			// The index is eventually consistent: re-check the account.
			if a.Activated || !a.CreatedAt.Before(before) {
				continue
			}
			if err := s.store.DeleteAccount(ctx, a, false, s.Now(), time.Time{}); err != nil && !errors.Is(err, ErrNotFound) {
				return deleted, err
			}
			deleted++
			progress++
		}
		if progress == 0 {
			return deleted, nil
		}
	}
}
