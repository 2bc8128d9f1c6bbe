package resourceapi

import (
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/jsonw"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// createdActionJSON is the 201 answer: FlexiAPI's key order of a new row.
func createdActionJSON(x *account.Action) []byte {
	b := append([]byte(nil), `{"key":`...)
	b = jsonw.AppendString(b, x.Key)
	b = append(b, `,"code":`...)
	b = jsonw.AppendString(b, x.Code)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, x.ID, 10)
	return append(b, '}')
}

func (h handlers) actionIndex(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	actions, err := h.svc.Actions(ctx, id[0], h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	items := make([][]byte, len(actions))
	for i, x := range actions {
		items[i] = account.AppendAction(nil, x)
	}
	return api.RawJSON(http.StatusOK, jsonArray(items)), nil
}

// actionShow is the documented show (FlexiAPI's always answers 500).
func (h handlers) actionShow(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "action_id")
	if err != nil {
		return nil, err
	}
	x, err := h.svc.Action(ctx, id[0], id[1], h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, account.AppendAction(nil, *x)), nil
}

// actionSchema is built on first use (not at init: cold start).
var actionSchema = sync.OnceValue(func() validate.Schema { return resource.Schemas()[resource.SchemaAction] })

// actionBody runs the DTMF guard, then validates the body (FlexiAPI's
// order: an account without a protocol gets 403 whatever it sends).
func (h handlers) actionBody(ctx context.Context, r *api.Request, id int64) (a *account.Account, key, code string, err error) {
	if a, err = h.svc.ActionsGuard(ctx, id, h.scope(r)); err != nil {
		return nil, "", "", domainError(err)
	}
	in, err := r.Input()
	if err != nil {
		return nil, "", "", err
	}
	if errs := actionSchema().Validate(in); errs != nil {
		return nil, "", "", api.Invalid(errs)
	}
	key, _ = in.String("key")
	code, _ = in.String("code")
	return a, key, code, nil
}

func (h handlers) actionCreate(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	a, key, code, err := h.actionBody(ctx, r, id[0])
	if err != nil {
		return nil, err
	}
	x, err := h.svc.CreateAction(ctx, a, id[0], key, code, h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusCreated, createdActionJSON(x)), nil
}

func (h handlers) actionUpdate(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "action_id")
	if err != nil {
		return nil, err
	}
	a, key, code, err := h.actionBody(ctx, r, id[0])
	if err != nil {
		return nil, err
	}
	x, err := h.svc.UpdateAction(ctx, a, id[0], id[1], key, code, h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, account.AppendAction(nil, *x)), nil
}

func (h handlers) actionDelete(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "action_id")
	if err != nil {
		return nil, err
	}
	deleted, err := h.svc.DeleteAction(ctx, id[0], id[1], h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	return oneOrZero(deleted), nil
}
