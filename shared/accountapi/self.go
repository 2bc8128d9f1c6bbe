package accountapi

import (
	"context"
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/jsonw"
)

// selfSchemas are the request bodies of the authenticated account's own endpoints (/accounts/me/...): deletion, password, email and phone changes, devices.
func selfSchemas(cfg *config.Config) api.Schemas {
	return api.Schemas{
		"account.password":      account.PasswordChangeSchema(cfg),
		"account.email.request": account.EmailChangeSchema(cfg),
		"account.email.confirm": account.ChangeCodeSchema("the code received by email"),
		"account.phone.request": account.PhoneChangeSchema(),
		"account.phone.confirm": account.ChangeCodeSchema("the code received by SMS"),
	}
}

// selfHandlers serve the authenticated account's own endpoints (/accounts/me/...): deletion, password, email and phone changes, devices.
func (h handlers) selfHandlers() map[string]api.Handler {
	return map[string]api.Handler{
		"AccountDeleteMe":      h.deleteMe,
		"AccountPassword":      h.changePassword,
		"AccountEmailRequest":  h.emailRequest,
		"AccountEmailConfirm":  h.emailConfirm,
		"AccountPhoneRequest":  h.phoneRequest,
		"AccountPhoneConfirm":  h.phoneConfirm,
		"AccountDevices":       h.devices,
		"AccountDeviceDestroy": h.deviceDestroy,
	}
}

func (h handlers) deleteMe(ctx context.Context, r *api.Request) (*api.Response, error) {
	if err := h.svc.DeleteMe(ctx, r.Principal.AccountID); err != nil {
		return nil, domainError(err)
	}
	return api.Text(http.StatusOK, "1"), nil // FlexiAPI's count of deleted rows
}

func (h handlers) changePassword(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	req := account.PasswordChange{}
	req.Algorithm, _ = in.String("algorithm")
	req.Password, _ = in.String("password")
	if old, ok := in.String("old_password"); ok {
		req.OldPassword = &old
	}
	hadPassword, err := h.svc.ChangePassword(ctx, r.Principal.AccountID, req)
	if err != nil {
		return nil, domainError(err)
	}
	if hadPassword {
		return api.RawJSON(http.StatusOK, []byte("[]")), nil
	}
	return api.Empty(), nil
}

func (h handlers) changeRequest(r *api.Request, field string) (account.ChangeRequest, error) {
	in, err := r.Input()
	if err != nil {
		return account.ChangeRequest{}, err
	}
	v, _ := in.String(field)
	return account.ChangeRequest{Value: v, IP: r.SourceIP, UserAgent: r.UserAgent()}, nil
}

func (h handlers) emailRequest(ctx context.Context, r *api.Request) (*api.Response, error) {
	req, err := h.changeRequest(r, "email")
	if err != nil {
		return nil, err
	}
	if err := h.svc.RequestEmailChange(ctx, r.Principal.AccountID, req); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

func (h handlers) phoneRequest(ctx context.Context, r *api.Request) (*api.Response, error) {
	req, err := h.changeRequest(r, "phone")
	if err != nil {
		return nil, err
	}
	if err := h.svc.RequestPhoneChange(ctx, r.Principal.AccountID, req); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

func (h handlers) confirm(confirm func(context.Context, int64, string) (*account.Account, error)) api.Handler {
	return func(ctx context.Context, r *api.Request) (*api.Response, error) {
		in, err := r.Input()
		if err != nil {
			return nil, err
		}
		code, _ := in.String("code")
		a, err := confirm(ctx, r.Principal.AccountID, code)
		if err != nil {
			return nil, domainError(err)
		}
		return h.accountJSON(http.StatusOK, a, account.ViewFull), nil
	}
}

func (h handlers) phoneConfirm(ctx context.Context, r *api.Request) (*api.Response, error) {
	return h.confirm(h.svc.ConfirmPhoneChange)(ctx, r)
}

func (h handlers) emailConfirm(ctx context.Context, r *api.Request) (*api.Response, error) {
	return h.confirm(h.svc.ConfirmEmailChange)(ctx, r)
}

// devices answers FlexiAPI's object keyed by uuid, {} when there is none
// (FlexiAPI's empty PHP array serialises as [], an artefact we drop).
func (h handlers) devices(ctx context.Context, r *api.Request) (*api.Response, error) {
	devices, err := h.svc.Devices(ctx, owner(r))
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, renderDevices(devices)), nil
}

func renderDevices(devices []account.Device) []byte {
	b := []byte{'{'}
	for i, d := range devices {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonw.AppendString(b, d.UUID)
		b = append(b, `:{"uuid":`...)
		b = jsonw.AppendString(b, d.UUID)
		b = append(b, `,"update_time":`...)
		b = jsonw.AppendString(b, account.Timestamp(d.UpdatedAt))
		b = append(b, `,"user_agent":`...)
		if d.UserAgent != nil {
			b = jsonw.AppendString(b, *d.UserAgent)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func (h handlers) deviceDestroy(ctx context.Context, r *api.Request) (*api.Response, error) {
	if err := h.svc.DeleteDevice(ctx, owner(r), r.Param("uuid")); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

func owner(r *api.Request) account.Owner {
	return account.Owner{ID: r.Principal.AccountID, Username: r.Principal.Username, Domain: r.Principal.Domain}
}
