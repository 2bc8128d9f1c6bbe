package provisioning

import (
	"context"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Store is what provisioning needs from storage (shared/store implements
// it). Not-found answers are account.ErrNotFound; a lost race on a
// conditional write is account.ErrAlreadyChanged.
type Store interface {
	AccountByID(ctx context.Context, id int64) (*account.Account, error)
	// ProvisioningTokenOwner reads the token marker: the id of the
	// account whose current token this is.
	ProvisioningTokenOwner(ctx context.Context, token string) (int64, error)
	// ConsumeProvisioningToken, in one transaction: the account is
	// activated and forgets its token, the token marker is deleted, and
	// (when passwords is not nil) the passwords are replaced. It fails
	// with ErrAlreadyChanged unless the token is still the account's
	// current one, so of two concurrent downloads only one succeeds.
	ConsumeProvisioningToken(ctx context.Context, a *account.Account, token string, passwords map[string]string, now time.Time) (*account.Account, error)
	// ReplaceProvisioningToken, in one transaction: the account names the
	// new token, its marker is written and the previous one deleted. It
	// fails with ErrAlreadyChanged if the account's token changed since a
	// was read.
	ReplaceProvisioningToken(ctx context.Context, a *account.Account, token, ip, userAgent string, now time.Time) (*account.Account, error)
	SetPasswords(ctx context.Context, a *account.Account, passwords map[string]string, now time.Time) (*account.Account, error)
	AuthTokenByValue(ctx context.Context, token string) (*account.AuthToken, error)
	// ConsumeAuthToken deletes an attached auth token, once.
	ConsumeAuthToken(ctx context.Context, token string) error
}
