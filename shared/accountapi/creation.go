package accountapi

import (
	"context"
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// creationSchemas are the request bodies of the public creation flows: creation tokens, request tokens, push, the 2021 aliases, public info and activation, the dangerous endpoints.
func creationSchemas(cfg *config.Config) api.Schemas {
	return api.Schemas{
		"creation.push":             account.SendByPushSchema(),
		"creation.request_token":    account.RequestTokenSchema(),
		"creation.with_token":       account.WithTokenSchema(cfg, "account_creation_token"),
		"creation.with_token_2021":  account.WithTokenSchema(cfg, "token"),
		"creation.public":           account.PublicCreateSchema(cfg),
		"creation.recover_by_phone": account.RecoverByPhoneSchema(),
		"creation.activate_email":   account.ActivateSchema(false),
		"creation.activate_phone":   account.ActivateSchema(true),
	}
}

// creationHandlers serve the public creation flows: creation tokens, request tokens, push, the 2021 aliases, public info and activation, the dangerous endpoints.
func (h handlers) creationHandlers() map[string]api.Handler {
	return map[string]api.Handler{
		"CreationRequestTokenCreate":  h.requestTokenCreate,
		"CreationTokenSendByPush":     h.sendByPush,
		"CreationTokenSendByPush2021": h.sendByPush,
		// The 2021 GET aliases of the admin activation routes.
		"AccountActivate2021":        h.flags(ptr(true), nil),
		"AccountDeactivate2021":      h.flags(ptr(false), nil),
		"CreationTokenFromRequest":   h.creationTokenFromRequest,
		"CreationTokenCreate":        h.adminCreationToken,
		"AccountCreateWithToken":     h.createWithToken("account_creation_token"),
		"AccountCreateWithToken2021": h.createWithToken("token"),
		"AccountCreatePublic":        h.createPublic,
		"AccountInfo":                h.info,
		"AccountInfoByPhone":         h.infoByPhone,
		"AccountRecoverByPhone":      h.recoverByPhone,
		"AccountRecover":             h.recover,
		"AccountActivateEmail":       h.activateByKey,
		"AccountActivatePhone":       h.activateByKey,
		"CreationTokenCheckPage":     h.checkPage,
		"CreationTokenCheckSubmit":   h.checkSubmit,
	}
}

func (h handlers) requestTokenCreate(ctx context.Context, r *api.Request) (*api.Response, error) {
	t, err := h.svc.CreateRequestToken(ctx)
	if err != nil {
		return nil, err
	}
	return api.JSON(http.StatusCreated, struct {
		Token         string `json:"token"`
		ValidationURL string `json:"validation_url"`
	}{t.Token, account.ValidationURL(r.LinkBase(h.cfg.AppURL), t.Token)}), nil
}

func (h handlers) sendByPush(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	to := account.PushTarget{Provider: in.StringOr("pn_provider", ""), Param: in.StringOr("pn_param", ""), PRID: in.StringOr("pn_prid", "")}
	if err := h.svc.SendCreationTokenByPush(ctx, to, r.SourceIP, r.UserAgent()); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

// creationTokenJSON is FlexiAPI's creation token answer: id, timestamps,
// used, account and push fields hidden.
func creationTokenJSON(t *account.CreationToken) *api.Response {
	var ua *string
	if t.UserAgent != "" {
		ua = &t.UserAgent
	}
	return api.JSON(http.StatusCreated, struct {
		Token     string  `json:"token"`
		IP        string  `json:"ip"`
		UserAgent *string `json:"user_agent"`
	}{t.Token, t.IP, ua})
}

func (h handlers) creationTokenFromRequest(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	t, err := h.svc.CreationTokenFromRequest(ctx, in.StringOr("account_creation_request_token", ""), r.SourceIP, r.UserAgent())
	if err != nil {
		return nil, domainError(err)
	}
	return creationTokenJSON(t), nil
}

func (h handlers) adminCreationToken(ctx context.Context, r *api.Request) (*api.Response, error) {
	t, err := h.svc.AdminCreationToken(ctx, r.SourceIP, r.UserAgent())
	if err != nil {
		return nil, err
	}
	return creationTokenJSON(t), nil
}

func (h handlers) createWithToken(field string) api.Handler {
	return func(ctx context.Context, r *api.Request) (*api.Response, error) {
		in, err := r.Input()
		if err != nil {
			return nil, err
		}
		a, err := h.svc.CreateWithToken(ctx, account.TokenCreateRequest{Input: in, TokenField: field, IP: r.SourceIP})
		if err != nil {
			return nil, domainError(err)
		}
		return h.accountJSON(http.StatusOK, a, account.ViewFull), nil
	}
}

func (h handlers) createPublic(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	a, err := h.svc.PublicCreate(ctx, account.PublicCreateRequest{Input: in, IP: r.SourceIP, UserAgent: r.UserAgent()})
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(http.StatusOK, a, account.ViewFull), nil
}

func (h handlers) info(ctx context.Context, r *api.Request) (*api.Response, error) {
	a, err := h.svc.Info(ctx, r.Param("sip"))
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, account.RenderInfo(a, h.cfg.RealmJSON())), nil
}

func (h handlers) infoByPhone(ctx context.Context, r *api.Request) (*api.Response, error) {
	phone := r.Param("phone")
	if errs := account.InfoByPhoneSchema().Validate(validatePathInput("phone", phone)); errs != nil {
		return nil, api.Invalid(errs)
	}
	a, viaAlias, err := h.svc.InfoByPhone(ctx, phone)
	if err != nil {
		return nil, domainError(err)
	}
	return api.JSON(http.StatusOK, struct {
		Activated bool    `json:"activated"`
		Realm     *string `json:"realm"`
		Phone     bool    `json:"phone"`
	}{a.Activated, h.cfg.RealmJSON(), viaAlias}), nil
}

func (h handlers) recoverByPhone(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	if err := h.svc.RecoverByPhone(ctx, in.StringOr("phone", ""), in.StringOr("account_creation_token", "")); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

func (h handlers) recover(ctx context.Context, r *api.Request) (*api.Response, error) {
	a, err := h.svc.Recover(ctx, r.Param("sip"), r.Param("recover_key"))
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(http.StatusOK, a, account.ViewWithPasswordHashes), nil
}

// activateByKey serves /activate/email and /activate/phone; `code`, when
// present, is the key (FlexiAPI merges it into confirmation_key).
func (h handlers) activateByKey(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	key := in.StringOr("confirmation_key", "")
	if in.Has("code") {
		key = in.StringOr("code", "")
	}
	a, err := h.svc.ActivateByKey(ctx, r.Param("sip"), key)
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(http.StatusOK, a, account.ViewFull), nil
}
