package resourceapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/jsonw"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
)

func typeJSON(t *resource.AccountType) []byte {
	return account.AppendType(nil, account.TypeRef{ID: t.ID, Key: t.Key})
}

func (h handlers) typeIndex(ctx context.Context, r *api.Request) (*api.Response, error) {
	ts, err := h.svc.Types(ctx)
	if err != nil {
		return nil, err
	}
	items := make([][]byte, len(ts))
	for i := range ts {
		items[i] = typeJSON(&ts[i])
	}
	return api.RawJSON(http.StatusOK, jsonArray(items)), nil
}

// typeShow is the documented show (FlexiAPI's always answers 500).
func (h handlers) typeShow(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	t, err := h.svc.Type(ctx, id[0])
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, typeJSON(t)), nil
}

func (h handlers) typeCreate(ctx context.Context, r *api.Request) (*api.Response, error) {
	key, err := input(r, "key")
	if err != nil {
		return nil, err
	}
	t, err := h.svc.CreateType(ctx, key)
	if err != nil {
		return nil, domainError(err)
	}
	// A new row's key order: {"key":…,"id":…}.
	b := append([]byte(nil), `{"key":`...)
	b = jsonw.AppendString(b, t.Key)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, t.ID, 10)
	return api.RawJSON(http.StatusCreated, append(b, '}')), nil
}

func (h handlers) typeUpdate(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	key, err := input(r, "key")
	if err != nil {
		return nil, err
	}
	t, err := h.svc.UpdateType(ctx, id[0], key)
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, typeJSON(t)), nil
}

func (h handlers) typeDelete(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	deleted, err := h.svc.DeleteType(ctx, id[0])
	if err != nil {
		return nil, domainError(err)
	}
	return oneOrZero(deleted), nil
}

func (h handlers) accountTypeAttach(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "type_id")
	if err != nil {
		return nil, err
	}
	if err := h.svc.AttachType(ctx, id[0], id[1], h.scope(r)); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

func (h handlers) accountTypeDetach(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "type_id")
	if err != nil {
		return nil, err
	}
	if err := h.svc.DetachType(ctx, id[0], id[1], h.scope(r)); err != nil {
		return nil, domainError(err)
	}
	return oneOrZero(true), nil
}
