package resourceapi

import (
	"context"
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

func (h handlers) contactsMe(ctx context.Context, r *api.Request) (*api.Response, error) {
	contacts, err := h.svc.MyContacts(ctx, r.Principal.AccountID, h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	items := make([][]byte, len(contacts))
	for i, c := range contacts {
		items[i] = account.RenderContact(nil, c)
	}
	return api.RawJSON(http.StatusOK, jsonArray(items)), nil
}

func (h handlers) contactMe(ctx context.Context, r *api.Request) (*api.Response, error) {
	c, err := h.svc.MyContact(ctx, r.Principal.AccountID, r.Param("sip"), h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, account.RenderContact(nil, c)), nil
}

// accountContacts are full account objects, as FlexiAPI's admin view.
func (h handlers) accountContacts(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	contacts, err := h.svc.DirectContacts(ctx, id[0], h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	items := make([][]byte, len(contacts))
	for i, c := range contacts {
		items[i] = account.Render(c, account.ViewFull, h.cfg.RealmJSON())
	}
	return api.RawJSON(http.StatusOK, jsonArray(items)), nil
}

func (h handlers) accountContact(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "contact_id")
	if err != nil {
		return nil, err
	}
	c, err := h.svc.DirectContact(ctx, id[0], id[1], h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, account.Render(c, account.ViewFull, h.cfg.RealmJSON())), nil
}

func (h handlers) accountContactAdd(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "contact_id")
	if err != nil {
		return nil, err
	}
	if err := h.svc.AddContact(ctx, id[0], id[1], h.scope(r)); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

func (h handlers) accountContactRemove(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "contact_id")
	if err != nil {
		return nil, err
	}
	if err := h.svc.RemoveContact(ctx, id[0], id[1], h.scope(r)); err != nil {
		return nil, domainError(err)
	}
	return oneOrZero(true), nil
}
