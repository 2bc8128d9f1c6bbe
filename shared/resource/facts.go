package resource

import (
	"context"
	"unicode/utf8"

	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Facts of the uniqueness rules of the list and type bodies
// (validate.StoreRule): the store enforces them when it writes; the facts
// let a 422 list a taken title or key beside the other failures.
const (
	FactTitleTaken = "title_taken"
	FactKeyTaken   = "key_taken"
)

// holderStore is what the facts need from storage.
type holderStore interface {
	ListTitleHolder(ctx context.Context, title string) (int64, error)
	TypeKeyHolder(ctx context.Context, key string) (int64, error)
}

// Facts looks up the facts of a list body (SchemaList) or a type body
// (SchemaTypeCreate, SchemaTypeUpdate); self is the list or type an update
// changes. A value over its bound is not looked up: nothing holds it.
func (s *Service) Facts(ctx context.Context, in validate.Input, body string, self int64) (validate.Facts, error) {
	f := validate.Facts{}
	lookup := func(field string, max int, holder func(context.Context, string) (int64, error), fact string) error {
		v, ok := in.String(field)
		if !ok || v == "" || utf8.RuneCountInString(v) > max {
			return nil
		}
		id, err := holder(ctx, v)
		f[fact] = id != 0 && id != self
		return err
	}
	var err error
	switch body {
	case SchemaList:
		err = lookup("title", maxTitle, s.store.ListTitleHolder, FactTitleTaken)
	case SchemaTypeCreate, SchemaTypeUpdate:
		err = lookup("key", maxTypeKey, s.store.TypeKeyHolder, FactKeyTaken)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}
