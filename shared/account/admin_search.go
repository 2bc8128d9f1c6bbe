package account

import (
	"context"
	"strings"
)

// AccountRef is what an index knows of an account: enough to apply the
// domain scope before reading the account.
type AccountRef struct {
	ID     int64
	Domain string
}

// Search is admin GET /accounts/{sip}/search: the account username@domain,
// visible under the scope. FlexiAPI splits the address on '@' and uses the
// first two parts; no '@' is a 404.
func (s *Service) Search(ctx context.Context, sip, scope string) (*Account, error) {
	parts := strings.Split(sip, "@")
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return nil, ErrNotFound
	}
	if !Visible(parts[1], scope) {
		return nil, ErrNotFound // not visible: no need to read
	}
	a, err := s.store.AccountBySIP(ctx, parts[0], parts[1])
	if err != nil {
		return nil, err
	}
	if !InScope(a, scope) {
		return nil, ErrNotFound
	}
	return a, nil
}

// SearchByEmail is admin GET /accounts/{email}/search-by-email: the first
// account (lowest id) with that email, visible under the scope. Emails
// compare case-insensitively, as FlexiAPI's MySQL collation does.
func (s *Service) SearchByEmail(ctx context.Context, email, scope string) (*Account, error) {
	if email == "" {
		return nil, ErrNotFound
	}
	refs, err := s.store.AccountsByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	for _, ref := range refs {
		if !Visible(ref.Domain, scope) {
			continue
		}
		a, err := s.store.AccountByID(ctx, ref.ID)
		if err == ErrNotFound {
			continue // deleted since the index was read
		}
		return a, err
	}
	return nil, ErrNotFound
}
