package resource

import (
	"context"
	"slices"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/retry"
)

// MaxDictionaryBytes bounds the dictionary and the actions of one account
// together: they live on the account item, which DynamoDB caps at 400 KB.
// FlexiAPI has no bound; at 255 + 255 characters per entry this is still
// several hundred entries.
const MaxDictionaryBytes = 300 * 1024

// resourcesSize is about what the dictionary and the actions take on the
// account item.
func resourcesSize(a *account.Account) int {
	size := 0
	for _, e := range a.Dictionary {
		size += len(e.Key) + len(e.Value) + 8
	}
	for _, x := range a.Actions {
		size += len(x.Key) + len(x.Code) + 32
	}
	return size
}

// MaxDictionaryField is the length bound of keys and values: FlexiAPI's
// columns, which it truncates silently and we refuse (422).
const MaxDictionaryField = 255

// Dictionary is the account's dictionary, in insertion order.
func (s *Service) Dictionary(ctx context.Context, id int64, scope string) ([]account.DictionaryEntry, error) {
	a, err := s.account(ctx, id, scope)
	if err != nil {
		return nil, err
	}
	return a.Dictionary, nil
}

// DictionaryValue is one entry's value; ok is false when the key is absent.
// Keys are compared exactly (case-sensitive).
func (s *Service) DictionaryValue(ctx context.Context, id int64, key, scope string) (value string, ok bool, err error) {
	entries, err := s.Dictionary(ctx, id, scope)
	if err != nil {
		return "", false, err
	}
	i := slices.IndexFunc(entries, func(e account.DictionaryEntry) bool { return e.Key == key })
	if i < 0 {
		return "", false, nil
	}
	return entries[i].Value, true, nil
}

// SetDictionaryEntry adds or replaces an entry; created is true when the
// key was new (FlexiAPI's 201 then 200).
func (s *Service) SetDictionaryEntry(ctx context.Context, id int64, key, value, scope string) (created bool, err error) {
	err = retry.OnConflict(ctx, ErrChanged, func() error {
		a, err := s.account(ctx, id, scope)
		if err != nil {
			return err
		}
		next := *a
		next.Dictionary = slices.Clone(a.Dictionary)
		i := slices.IndexFunc(next.Dictionary, func(e account.DictionaryEntry) bool { return e.Key == key })
		created = i < 0
		if created {
			next.Dictionary = append(next.Dictionary, account.DictionaryEntry{Key: key, Value: value})
		} else {
			next.Dictionary[i].Value = value
		}
		if resourcesSize(&next) > MaxDictionaryBytes {
			return ErrDictionaryFull
		}
		return s.store.SetAccountResources(ctx, a, &next)
	})
	return created, err
}

// DeleteDictionaryEntry removes an entry: false when there was none.
func (s *Service) DeleteDictionaryEntry(ctx context.Context, id int64, key, scope string) (bool, error) {
	deleted := false
	err := retry.OnConflict(ctx, ErrChanged, func() error {
		a, err := s.account(ctx, id, scope)
		if err != nil {
			return err
		}
		next := *a
		next.Dictionary = slices.DeleteFunc(slices.Clone(a.Dictionary), func(e account.DictionaryEntry) bool { return e.Key == key })
		deleted = len(next.Dictionary) != len(a.Dictionary)
		if !deleted {
			return nil
		}
		return s.store.SetAccountResources(ctx, a, &next)
	})
	return deleted, err
}
