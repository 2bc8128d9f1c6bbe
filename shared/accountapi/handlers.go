// Package accountapi adapts the accounts group's HTTP requests to the
// account domain and maps its errors to FlexiAPI's answers.
package accountapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// Schemas are the request bodies of the accounts group: one part per
// area, each in its own file.
func Schemas(cfg *config.Config) api.Schemas {
	return api.Merge(api.Schemas{"account.create": account.CreateSchema(cfg)},
		creationSchemas(cfg), selfSchemas(cfg), adminSchemas(cfg))
}

type handlers struct {
	svc *account.Service
	cfg *config.Config
}

// Handlers maps the accounts group's handler names (route table) to code.
func Handlers(svc *account.Service) map[string]api.Handler {
	h := handlers{svc: svc, cfg: svc.Config()}
	out := map[string]api.Handler{
		"AccountMe":           h.me,
		"AccountCreate":       h.create,
		"AccountIndex":        h.index,
		"AccountShow":         h.show,
		"AccountDestroy":      h.destroy,
		"AccountActivate":     h.flags(ptr(true), nil),
		"AccountDeactivate":   h.flags(ptr(false), nil),
		"AccountBlock":        h.flags(nil, ptr(true)),
		"AccountUnblock":      h.flags(nil, ptr(false)),
		"APIKeyRefresh":       h.apiKeyRefresh,
		"APIKeyFromAuthToken": h.apiKeyFromAuthToken,
		"AuthTokenCreate":     h.authTokenCreate,
		"AuthTokenAttach":     h.authTokenAttach,
	}
	// One part per area, each in its own file: creation flows
	// (creation.go), the authenticated account's own endpoints (self.go),
	// the admin endpoints (admin.go).
	return api.Merge(out, h.creationHandlers(), h.selfHandlers(), h.adminHandlers())
}

func ptr(b bool) *bool { return &b }

func (h handlers) accountJSON(status int, a *account.Account, v account.View) *api.Response {
	return api.RawJSON(status, account.Render(a, v, h.cfg.RealmJSON()))
}

func (h handlers) me(ctx context.Context, r *api.Request) (*api.Response, error) {
	a, err := h.svc.Me(ctx, r.Principal.AccountID)
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(http.StatusOK, a, account.ViewFull), nil
}

func (h handlers) create(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	a, err := h.svc.Create(ctx, account.CreateRequest{
		Input:           in,
		DictionaryOrder: objectKeyOrder(r.Body, "dictionary"),
		IP:              r.SourceIP,
		UserAgent:       r.UserAgent(),
		CallerAdmin:     r.Principal.Admin,
	})
	if err != nil {
		return nil, domainError(err)
	}
	// FlexiAPI answers 200 here, not 201.
	return h.accountJSON(http.StatusOK, a, account.ViewWithConfirmationKey), nil
}

func (h handlers) index(ctx context.Context, r *api.Request) (*api.Response, error) {
	page, err := api.PageNumber(r)
	if err != nil {
		return nil, err
	}
	accounts, total, err := h.svc.List(ctx, h.svc.Scope(r.Principal.Admin), page)
	if err != nil {
		return nil, err
	}
	items := make([][]byte, len(accounts))
	for i, a := range accounts {
		items[i] = account.Render(a, account.ViewAdminList, h.cfg.RealmJSON())
	}
	path := r.BaseURL + strings.TrimRight(r.Path, "/")
	return api.RawJSON(http.StatusOK, api.Paginate(items, page, account.PerPage, total, path)), nil
}

func (h handlers) show(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, ok := r.IntParam("id")
	if !ok {
		return nil, api.NotFound() // as FlexiAPI's findOrFail
	}
	a, err := h.svc.Get(ctx, id, h.svc.Scope(r.Principal.Admin))
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(http.StatusOK, a, account.ViewAdminShow), nil
}

func (h handlers) destroy(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, ok := r.IntParam("id")
	if !ok {
		return nil, api.NotFound()
	}
	if err := h.svc.Delete(ctx, id, h.svc.Scope(r.Principal.Admin)); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

// flags serves activate, deactivate, block and unblock. FlexiAPI answers
// 500 to a non-numeric id on these routes; we answer 422 (a client's
// input never gets a 500).
func (h handlers) flags(activated, blocked *bool) api.Handler {
	return func(ctx context.Context, r *api.Request) (*api.Response, error) {
		id, ok := r.IntParam("id")
		if !ok {
			return nil, api.InvalidField("id", "The id must be an integer.")
		}
		a, err := h.svc.SetFlags(ctx, id, h.svc.Scope(r.Principal.Admin), activated, blocked)
		if err != nil {
			return nil, domainError(err)
		}
		return h.accountJSON(http.StatusOK, a, account.ViewFull), nil
	}
}

// apiKeyCookie is the cookie FlexiAPI sets with a new key.
func (h handlers) apiKeyCookie(r *api.Request, key string) string {
	lifetime := h.cfg.APIKeyExpiration
	c := &http.Cookie{
		Name:     "x-api-key",
		Value:    key,
		Path:     "/",
		Expires:  h.svc.Now().Add(lifetime),
		MaxAge:   int(lifetime / time.Second),
		HttpOnly: true,
		Secure:   strings.HasPrefix(r.BaseURL, "https://"),
	}
	return c.String()
}

func (h handlers) apiKeyRefresh(ctx context.Context, r *api.Request) (*api.Response, error) {
	key, err := h.svc.RefreshAPIKey(ctx, r.Principal.AccountID)
	if err != nil {
		return nil, domainError(err)
	}
	resp := api.Text(http.StatusOK, key) // FlexiAPI answers the raw key, not JSON
	resp.Header.Set("Set-Cookie", h.apiKeyCookie(r, key))
	return resp, nil
}

func (h handlers) apiKeyFromAuthToken(ctx context.Context, r *api.Request) (*api.Response, error) {
	key, err := h.svc.APIKeyFromAuthToken(ctx, r.Param("auth_token"))
	if err != nil {
		return nil, domainError(err)
	}
	resp := api.JSON(http.StatusOK, map[string]string{"api_key": key})
	resp.Header.Set("Set-Cookie", h.apiKeyCookie(r, key))
	return resp, nil
}

type authTokenJSON struct {
	Token     string  `json:"token"`
	IP        string  `json:"ip"`
	UserAgent *string `json:"user_agent"`
	UpdatedAt string  `json:"updated_at"`
	CreatedAt string  `json:"created_at"`
	ID        int64   `json:"id"`
}

func (h handlers) authTokenCreate(ctx context.Context, r *api.Request) (*api.Response, error) {
	t, err := h.svc.CreateAuthToken(ctx, r.SourceIP, r.UserAgent())
	if err != nil {
		return nil, err
	}
	return api.JSON(http.StatusCreated, authTokenJSON{
		Token: t.Token, IP: t.IP, UserAgent: t.UserAgent,
		UpdatedAt: account.Timestamp(t.UpdatedAt), CreatedAt: account.Timestamp(t.CreatedAt), ID: t.ID,
	}), nil
}

func (h handlers) authTokenAttach(ctx context.Context, r *api.Request) (*api.Response, error) {
	if err := h.svc.AttachAuthToken(ctx, r.Param("auth_token"), r.Principal.AccountID); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}
