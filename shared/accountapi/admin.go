package accountapi

import (
	"context"
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// adminSchemas are the request bodies of the admin account update, search and search by email.
func adminSchemas(cfg *config.Config) api.Schemas {
	return api.Schemas{"account.update": account.UpdateSchema(cfg)}
}

// adminHandlers serve the admin account update, search and search by email.
func (h handlers) adminHandlers() map[string]api.Handler {
	return map[string]api.Handler{
		"AccountUpdate":        h.update,
		"AccountSearch":        h.search,
		"AccountSearchByEmail": h.searchByEmail,
	}
}

// update is PUT /accounts/{id}. The router validated the body first, so an
// unknown id with an invalid body is a 422, as in FlexiAPI.
func (h handlers) update(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, ok := r.IntParam("id")
	if !ok {
		return nil, api.NotFound() // as FlexiAPI's findOrFail
	}
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	a, err := h.svc.Update(ctx, account.UpdateRequest{
		ID: id, Scope: h.svc.Scope(r.Principal.Admin), Input: in,
		UserAgent: r.UserAgent(), CallerAdmin: r.Principal.Admin,
	})
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(http.StatusOK, a, account.ViewWithConfirmationKey), nil
}

func (h handlers) search(ctx context.Context, r *api.Request) (*api.Response, error) {
	a, err := h.svc.Search(ctx, r.Param("sip"), h.svc.Scope(r.Principal.Admin))
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(http.StatusOK, a, account.ViewFull), nil
}

func (h handlers) searchByEmail(ctx context.Context, r *api.Request) (*api.Response, error) {
	a, err := h.svc.SearchByEmail(ctx, r.Param("email"), h.svc.Scope(r.Principal.Admin))
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(http.StatusOK, a, account.ViewFull), nil
}
