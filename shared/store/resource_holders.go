package store

import (
	"context"
	"errors"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// ListTitleHolder is the id of the list whose title marker holds a title
// (compared as the index does), 0 when none.
func (s *Store) ListTitleHolder(ctx context.Context, title string) (int64, error) {
	it, err := s.getItem(ctx, listTitleMarker(title), "load title marker")
	if errors.Is(err, account.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return getN(it, "list_id"), nil
}

// TypeKeyHolder is the id of the type whose key marker holds a key, 0
// when none.
func (s *Store) TypeKeyHolder(ctx context.Context, key string) (int64, error) {
	it, err := s.getItem(ctx, typeKeyMarker(key), "load key marker")
	if errors.Is(err, account.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return getN(it, "type_id"), nil
}
