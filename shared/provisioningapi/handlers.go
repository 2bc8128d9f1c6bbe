// Package provisioningapi adapts the provisioning routes (Linphone remote
// provisioning, its QR code, provisioning token renewal) and the vCard
// export to the provisioning domain and to the contacts of the resources
// area, and maps their errors to FlexiAPI's answers.
package provisioningapi

import (
	"context"
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/provisioning"
)

// Schemas are the request bodies of these routes: none reads a body. The
// meta function links this package for the documentation: nothing here
// may import the AWS SDK.
func Schemas(cfg *config.Config) api.Schemas { return api.Schemas{} }

// Contacts gives the vCard export an account's effective contact set
// under a domain scope (direct contacts and members of
// attached lists, deduplicated, ascending id) and one member of it found
// by user@domain (404 otherwise): *resource.Service.
type Contacts interface {
	MyContacts(ctx context.Context, id int64, scope string) ([]*account.Account, error)
	MyContact(ctx context.Context, id int64, sip, scope string) (*account.Account, error)
}

type handlers struct {
	svc      *provisioning.Service
	accounts *account.Service
	cfg      *config.Config
	contacts Contacts
}

// Handlers maps the handler names of the route table to code.
func Handlers(svc *provisioning.Service, accounts *account.Service, contacts Contacts) map[string]api.Handler {
	h := handlers{svc: svc, accounts: accounts, cfg: accounts.Config(), contacts: contacts}
	return map[string]api.Handler{
		"ProvisioningBase":        h.base,
		"ProvisioningMe":          h.me,
		"ProvisioningByToken":     h.byToken,
		"ProvisioningByAuthToken": h.byAuthToken,
		"ProvisioningQRCode":      h.qrCode,
		"AccountProvisionMe":      h.renewMe,
		"AccountProvision":        h.renew,
		"VCardIndex":              h.vcardIndex,
		"VCardShow":               h.vcardShow,
	}
}

// MsgHeaderMissing is FlexiAPI's 400 without x-linphone-provisioning.
const MsgHeaderMissing = "x-linphone-provisioning header is missing"

// gate is the x-linphone-provisioning check, first of all: a refused
// request reads and changes nothing (FlexiAPI consumes the token first).
// Any value, even empty, counts as present.
func (h handlers) gate(r *api.Request) error {
	if !h.cfg.ProvisioningNeedHeader {
		return nil
	}
	if _, ok := r.Header[http.CanonicalHeaderKey("x-linphone-provisioning")]; ok {
		return nil
	}
	return api.Abort(http.StatusBadRequest, MsgHeaderMissing)
}

// resetAsked: the query string contains reset_password, with or without
// a value (FlexiAPI tests for the key only).
func resetAsked(r *api.Request) bool {
	_, ok := r.Query["reset_password"]
	return ok
}

func xmlResponse(body []byte) *api.Response {
	return &api.Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {provisioning.ContentType}}, Body: body}
}

func (h handlers) serveXML(r *api.Request, render func() ([]byte, error)) (*api.Response, error) {
	if err := h.gate(r); err != nil {
		return nil, err
	}
	body, err := render()
	if err != nil {
		return nil, domainError(err)
	}
	return xmlResponse(body), nil
}

func (h handlers) base(ctx context.Context, r *api.Request) (*api.Response, error) {
	return h.serveXML(r, func() ([]byte, error) { return h.svc.Base(r.LinkBase(h.cfg.AppURL)) })
}

func (h handlers) me(ctx context.Context, r *api.Request) (*api.Response, error) {
	return h.serveXML(r, func() ([]byte, error) {
		return h.svc.ForAccount(ctx, r.LinkBase(h.cfg.AppURL), r.Principal.AccountID, resetAsked(r))
	})
}

func (h handlers) byToken(ctx context.Context, r *api.Request) (*api.Response, error) {
	return h.serveXML(r, func() ([]byte, error) {
		return h.svc.ByToken(ctx, r.LinkBase(h.cfg.AppURL), r.Param("provisioning_token"), resetAsked(r))
	})
}

func (h handlers) byAuthToken(ctx context.Context, r *api.Request) (*api.Response, error) {
	return h.serveXML(r, func() ([]byte, error) {
		return h.svc.ByAuthToken(ctx, r.LinkBase(h.cfg.AppURL), r.Param("auth_token"), resetAsked(r))
	})
}

func (h handlers) qrCode(ctx context.Context, r *api.Request) (*api.Response, error) {
	png, url, err := h.svc.QRCode(ctx, r.LinkBase(h.cfg.AppURL), r.Param("provisioning_token"), resetAsked(r))
	if err != nil {
		return nil, domainError(err)
	}
	return &api.Response{Status: http.StatusOK, Body: png, Header: http.Header{
		"Content-Type": {"image/png"},
		"X-Qrcode-Url": {url},
	}}, nil
}

func (h handlers) accountJSON(a *account.Account) *api.Response {
	return api.RawJSON(http.StatusOK, account.Render(a, account.ViewFull, h.cfg.RealmJSON()))
}

// renewMe is GET /api/accounts/me/provision: the owner always sees its
// account, as GET /api/accounts/me.
func (h handlers) renewMe(ctx context.Context, r *api.Request) (*api.Response, error) {
	a, err := h.svc.Renew(ctx, r.Principal.AccountID, "", r.SourceIP, r.UserAgent())
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(a), nil
}

// renew is the admin GET /api/accounts/{id}/provision. FlexiAPI answers
// 500 to a non-numeric id; we answer 422, as the other admin
// account actions do.
func (h handlers) renew(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, ok := r.IntParam("id")
	if !ok {
		return nil, api.InvalidField("id", "The id must be an integer.")
	}
	a, err := h.svc.Renew(ctx, id, h.accounts.Scope(r.Principal.Admin), r.SourceIP, r.UserAgent())
	if err != nil {
		return nil, domainError(err)
	}
	return h.accountJSON(a), nil
}
