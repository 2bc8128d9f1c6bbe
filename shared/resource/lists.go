package resource

import (
	"context"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/retry"
)

// ListInput is the body of POST and PUT /contacts_lists (validated).
type ListInput struct {
	Title       string
	Description *string
}

// CreateList adds a list; a title already used (case-insensitive, as
// MySQL's unique index) is ErrTitleTaken.
func (s *Service) CreateList(ctx context.Context, in ListInput) (*ContactsList, error) {
	now := s.Now()
	l := &ContactsList{Title: in.Title, Description: in.Description, CreatedAt: now, UpdatedAt: now} // the store gives the id
	if err := s.store.CreateList(ctx, l); err != nil {
		return nil, err
	}
	return l, nil
}

// Lists are every list, ascending id.
func (s *Service) Lists(ctx context.Context) ([]ContactsList, error) { return s.store.Lists(ctx) }

// List is one list (GET /contacts_lists/{id}, which FlexiAPI answers 500).
func (s *Service) List(ctx context.Context, id int64) (*ContactsList, error) {
	return s.store.ListByID(ctx, id)
}

// UpdateList replaces title and description. It returns the updated list.
func (s *Service) UpdateList(ctx context.Context, id int64, in ListInput) (*ContactsList, error) {
	var out *ContactsList
	err := retry.OnConflict(ctx, ErrChanged, func() error {
		prev, err := s.store.ListByID(ctx, id)
		if err != nil {
			return err
		}
		next := *prev
		next.Title, next.Description, next.UpdatedAt = in.Title, in.Description, s.Now()
		if err := s.store.UpdateList(ctx, prev, &next); err != nil {
			return err
		}
		out = &next
		return nil
	})
	return out, err
}

// DeleteList removes a list: false when there was none (FlexiAPI's "0").
func (s *Service) DeleteList(ctx context.Context, id int64) (bool, error) {
	l, err := s.store.ListByID(ctx, id)
	if err == ErrNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := s.store.DeleteList(ctx, l); err == ErrNotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, nil
}

// AddMember: the list exists (404), the account exists under the scope
// (404), it is not a member yet (403), then the membership. FlexiAPI
// checks membership before the account; the two orders differ only for a
// member outside the caller's scope, which we answer 404 (it is invisible).
func (s *Service) AddMember(ctx context.Context, listID, accountID int64, scope string) error {
	if _, err := s.store.ListByID(ctx, listID); err != nil {
		return err
	}
	a, err := s.account(ctx, accountID, scope)
	if err != nil {
		return err
	}
	return s.store.AddMember(ctx, listID, a)
}

// RemoveMember: the list exists (404), the account is a member (403).
func (s *Service) RemoveMember(ctx context.Context, listID, accountID int64) error {
	return s.store.RemoveMember(ctx, listID, accountID)
}

// AttachList: the account exists under the scope (404), the list is not
// attached yet (403), the list exists (404), then the attachment.
func (s *Service) AttachList(ctx context.Context, accountID, listID int64, scope string) error {
	if _, err := s.account(ctx, accountID, scope); err != nil {
		return err
	}
	return s.store.AttachList(ctx, accountID, listID)
}

// DetachList: the account exists under the scope (404), the list is
// attached (403).
func (s *Service) DetachList(ctx context.Context, accountID, listID int64, scope string) error {
	if _, err := s.account(ctx, accountID, scope); err != nil {
		return err
	}
	return s.store.DetachList(ctx, accountID, listID)
}

// titleKey is how titles are compared for uniqueness.
func TitleKey(title string) string { return strings.ToLower(title) }
