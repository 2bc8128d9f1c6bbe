package resource

import (
	"context"
	"slices"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/retry"
)

// CreateType adds an account type; a key already used is ErrKeyTaken.
func (s *Service) CreateType(ctx context.Context, key string) (*AccountType, error) {
	now := s.Now()
	t := &AccountType{Key: key, CreatedAt: now, UpdatedAt: now} // the store gives the id
	if err := s.store.CreateType(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// Types are every type, ascending id.
func (s *Service) Types(ctx context.Context) ([]AccountType, error) { return s.store.Types(ctx) }

// Type is one type (GET /account_types/{id}, which FlexiAPI answers 500).
func (s *Service) Type(ctx context.Context, id int64) (*AccountType, error) {
	return s.store.TypeByID(ctx, id)
}

// UpdateType renames a type (the key is required and unique, ignoring the
// type itself: FlexiAPI writes NULL or fails with a 500 instead).
func (s *Service) UpdateType(ctx context.Context, id int64, key string) (*AccountType, error) {
	var out *AccountType
	err := retry.OnConflict(ctx, ErrChanged, func() error {
		prev, err := s.store.TypeByID(ctx, id)
		if err != nil {
			return err
		}
		next := *prev
		next.Key, next.UpdatedAt = key, s.Now()
		if err := s.store.UpdateType(ctx, prev, &next); err != nil {
			return err
		}
		out = &next
		return nil
	})
	return out, err
}

// DeleteType removes a type: false when there was none (FlexiAPI's "0").
func (s *Service) DeleteType(ctx context.Context, id int64) (bool, error) {
	t, err := s.store.TypeByID(ctx, id)
	if err == ErrNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := s.store.DeleteType(ctx, t); err == ErrNotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, nil
}

func hasType(a *account.Account, id int64) bool {
	return slices.ContainsFunc(a.Types, func(t account.TypeRef) bool { return t.ID == id })
}

// AttachType: the account exists under the scope (404), the type is not
// attached yet (403), the type exists (404), then the attachment.
func (s *Service) AttachType(ctx context.Context, accountID, typeID int64, scope string) error {
	return retry.OnConflict(ctx, ErrChanged, func() error {
		a, err := s.account(ctx, accountID, scope)
		if err != nil {
			return err
		}
		if hasType(a, typeID) {
			return ErrLinked
		}
		t, err := s.store.TypeByID(ctx, typeID)
		if err != nil {
			return err
		}
		return s.store.AttachType(ctx, a, *t)
	})
}

// DetachType: the account exists under the scope (404), the type is
// attached (403), then the removal.
func (s *Service) DetachType(ctx context.Context, accountID, typeID int64, scope string) error {
	return retry.OnConflict(ctx, ErrChanged, func() error {
		a, err := s.account(ctx, accountID, scope)
		if err != nil {
			return err
		}
		if !hasType(a, typeID) {
			return ErrNotLinked
		}
		return s.store.DetachType(ctx, a, typeID)
	})
}
