package provisioningapi

import (
	"context"
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/vcard"
)

// vcardContact is what a card shows of an account (nothing secret).
func vcardContact(a *account.Account) vcard.Contact {
	c := vcard.Contact{Username: a.Username, Domain: a.Domain, DisplayName: a.DisplayName, DTMFProtocol: a.DTMFProtocol}
	for _, t := range a.Types {
		c.Types = append(c.Types, t.Key)
	}
	for _, x := range a.Actions {
		c.Actions = append(c.Actions, vcard.Action{Key: x.Key, Code: x.Code})
	}
	return c
}

func vcardResponse(accounts []*account.Account) *api.Response {
	contacts := make([]vcard.Contact, len(accounts))
	for i, a := range accounts {
		contacts[i] = vcardContact(a)
	}
	return &api.Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {vcard.ContentType}}, Body: vcard.Render(contacts)}
}

// vcardIndex is GET /contacts/vcard: every card of the caller's contact
// set; an empty set is an empty body. A blocked caller gets 403 from the
// guard, as on /api.
func (h handlers) vcardIndex(ctx context.Context, r *api.Request) (*api.Response, error) {
	p := r.Principal
	contacts, err := h.contacts.MyContacts(ctx, p.AccountID, h.accounts.Scope(p.Admin))
	if err != nil {
		return nil, domainError(err)
	}
	return vcardResponse(contacts), nil
}

// vcardShow is GET /contacts/vcard/{sip}: the card of user@domain if it
// is in the caller's contact set (matched as GET /api/accounts/me/contacts/{sip}
// matches), else 404.
func (h handlers) vcardShow(ctx context.Context, r *api.Request) (*api.Response, error) {
	p := r.Principal
	c, err := h.contacts.MyContact(ctx, p.AccountID, r.Param("sip"), h.accounts.Scope(p.Admin))
	if err != nil {
		return nil, domainError(err)
	}
	return vcardResponse([]*account.Account{c}), nil
}
