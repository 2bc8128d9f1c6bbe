package resource

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// DirectContacts are the direct contacts of account id (admin
// GET /accounts/{id}/contacts): lists are not included; the scope applies
// to the account and to its contacts. Ascending id.
func (s *Service) DirectContacts(ctx context.Context, id int64, scope string) ([]*account.Account, error) {
	if _, err := s.account(ctx, id, scope); err != nil {
		return nil, err
	}
	ids, _, err := s.store.ContactSources(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.accountsIn(ctx, ids, scope)
}

// DirectContact is one direct contact (the undocumented admin
// GET /accounts/{id}/contacts/{contact_id}).
func (s *Service) DirectContact(ctx context.Context, id, contactID int64, scope string) (*account.Account, error) {
	if _, err := s.account(ctx, id, scope); err != nil {
		return nil, err
	}
	ok, err := s.store.HasContact(ctx, id, contactID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotFound
	}
	return s.account(ctx, contactID, scope)
}

// AddContact: account exists (404), not yet a contact (403), the contact
// exists under the scope (404), then the link (FlexiAPI's order).
func (s *Service) AddContact(ctx context.Context, id, contactID int64, scope string) error {
	if _, err := s.account(ctx, id, scope); err != nil {
		return err
	}
	linked, err := s.store.HasContact(ctx, id, contactID)
	if err != nil {
		return err
	}
	if linked {
		return ErrLinked
	}
	c, err := s.account(ctx, contactID, scope)
	if err != nil {
		return err
	}
	return s.store.AddContact(ctx, id, c)
}

// RemoveContact: account exists (404), is a contact (403), unlink.
func (s *Service) RemoveContact(ctx context.Context, id, contactID int64, scope string) error {
	if _, err := s.account(ctx, id, scope); err != nil {
		return err
	}
	return s.store.RemoveContact(ctx, id, contactID)
}

// MyContacts is the effective contact set of a user:
// direct contacts and the members of the attached lists, once each,
// ascending id, under the caller's scope. It costs one Query of the
// account's partition, one Query per attached list and the reads of the
// accounts (BatchGetItem), never a read per contact.
func (s *Service) MyContacts(ctx context.Context, id int64, scope string) ([]*account.Account, error) {
	direct, lists, err := s.store.ContactSources(ctx, id)
	if err != nil {
		return nil, err
	}
	ids := direct
	for _, l := range lists {
		members, err := s.store.MemberIDs(ctx, l)
		if err != nil {
			return nil, err
		}
		ids = append(ids, members...)
	}
	return s.accountsIn(ctx, ids, scope)
}

// MyContact finds user@domain in the effective set (case-insensitive, as
// MySQL compares); anything after a second "@" is ignored, and a value
// without "@" matches nothing.
func (s *Service) MyContact(ctx context.Context, id int64, sip, scope string) (*account.Account, error) {
	parts := strings.Split(sip, "@")
	if len(parts) < 2 || len(sip) > 512 {
		return nil, ErrNotFound
	}
	contacts, err := s.MyContacts(ctx, id, scope)
	if err != nil {
		return nil, err
	}
	for _, c := range contacts {
		if strings.EqualFold(c.Username, parts[0]) && strings.EqualFold(c.Domain, parts[1]) {
			return c, nil
		}
	}
	return nil, ErrNotFound
}

// accountsIn reads the accounts of ids (deduplicated) visible under a
// scope, ascending id.
func (s *Service) accountsIn(ctx context.Context, ids []int64, scope string) ([]*account.Account, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	accounts, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := accounts[:0]
	for _, a := range accounts {
		if account.InScope(a, scope) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b *account.Account) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}
