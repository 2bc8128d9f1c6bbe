package store

import (
	"context"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// An admin deletion of an account removes the statistics it sent, as
// FlexiAPI's model event does; self-deletion and the
// clean-up of unconfirmed accounts keep them.
func init() {
	onAccountDeleted(func(ctx context.Context, s *Store, a *account.Account, byAdmin bool) error {
		if !byAdmin {
			return nil
		}
		_, err := s.DeleteStatisticsFrom(ctx, a.Username, a.Domain)
		return err
	})
}
