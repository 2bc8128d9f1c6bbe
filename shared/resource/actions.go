package resource

import (
	"context"
	"slices"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/retry"
)

// dtmfAccount is the guard of every action endpoint: the account exists
// under the scope (404), and has a DTMF protocol (403). It runs before the
// body is validated, as in FlexiAPI.
func (s *Service) dtmfAccount(ctx context.Context, id int64, scope string) (*account.Account, error) {
	a, err := s.account(ctx, id, scope)
	if err != nil {
		return nil, err
	}
	if a.DTMFProtocol == nil {
		return nil, ErrNoDTMF
	}
	return a, nil
}

// ActionsGuard checks the guard alone (handlers validate the body after
// it). The account it read serves the write that follows (CreateAction,
// UpdateAction), which re-reads only after a lost race.
func (s *Service) ActionsGuard(ctx context.Context, id int64, scope string) (*account.Account, error) {
	return s.dtmfAccount(ctx, id, scope)
}

// withDTMFAccount runs a write on the guarded account: first the one
// already read (if any), then fresh reads after lost races.
func (s *Service) withDTMFAccount(ctx context.Context, first *account.Account, id int64, scope string, f func(a *account.Account) error) error {
	a := first
	return retry.OnConflict(ctx, ErrChanged, func() error {
		if a == nil {
			var err error
			if a, err = s.dtmfAccount(ctx, id, scope); err != nil {
				return err
			}
		}
		err := f(a)
		a = nil
		return err
	})
}

// Actions are the account's actions, ascending id.
func (s *Service) Actions(ctx context.Context, id int64, scope string) ([]account.Action, error) {
	a, err := s.dtmfAccount(ctx, id, scope)
	if err != nil {
		return nil, err
	}
	return a.Actions, nil
}

// Action is one action of the account (404 when it is another account's).
func (s *Service) Action(ctx context.Context, id, actionID int64, scope string) (*account.Action, error) {
	a, err := s.dtmfAccount(ctx, id, scope)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(a.Actions, func(x account.Action) bool { return x.ID == actionID })
	if i < 0 {
		return nil, ErrNotFound
	}
	return &a.Actions[i], nil
}

// CreateAction adds an action (key and code validated by the handler);
// guarded is the account ActionsGuard read (nil: read it).
func (s *Service) CreateAction(ctx context.Context, guarded *account.Account, id int64, key, code, scope string) (*account.Action, error) {
	actionID, err := s.store.NextResourceID(ctx, "action_id")
	if err != nil {
		return nil, err
	}
	x := account.Action{ID: actionID, Key: key, Code: code}
	err = s.withDTMFAccount(ctx, guarded, id, scope, func(a *account.Account) error {
		next := *a
		next.Actions = append(slices.Clone(a.Actions), x)
		if resourcesSize(&next) > MaxDictionaryBytes {
			return ErrActionsFull
		}
		return s.store.SetAccountResources(ctx, a, &next)
	})
	if err != nil {
		return nil, err
	}
	return &x, nil
}

// UpdateAction overwrites the key and code of one of the account's
// actions; guarded is the account ActionsGuard read (nil: read it).
func (s *Service) UpdateAction(ctx context.Context, guarded *account.Account, id, actionID int64, key, code, scope string) (*account.Action, error) {
	var out account.Action
	err := s.withDTMFAccount(ctx, guarded, id, scope, func(a *account.Account) error {
		i := slices.IndexFunc(a.Actions, func(x account.Action) bool { return x.ID == actionID })
		if i < 0 {
			return ErrNotFound
		}
		next := *a
		next.Actions = slices.Clone(a.Actions)
		next.Actions[i].Key, next.Actions[i].Code = key, code
		out = next.Actions[i]
		return s.store.SetAccountResources(ctx, a, &next)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteAction removes an action: false when the account has none with
// that id (FlexiAPI's "0", no 404).
func (s *Service) DeleteAction(ctx context.Context, id, actionID int64, scope string) (bool, error) {
	deleted := false
	err := retry.OnConflict(ctx, ErrChanged, func() error {
		a, err := s.dtmfAccount(ctx, id, scope)
		if err != nil {
			return err
		}
		next := *a
		next.Actions = slices.DeleteFunc(slices.Clone(a.Actions), func(x account.Action) bool { return x.ID == actionID })
		if len(next.Actions) == len(a.Actions) {
			deleted = false
			return nil
		}
		deleted = true
		return s.store.SetAccountResources(ctx, a, &next)
	})
	return deleted, err
}
