package accountapi

import (
	"context"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Facts are the lookups of the bodies whose uniqueness (and token) rules
// the store decides: the router runs them when such a body fails, so that
// its 422 lists a taken username, email or phone beside the other
// failures, as FlexiAPI's does.
func Facts(svc *account.Service) map[string]api.FactsFunc {
	of := func(kind account.FactsOf) api.FactsFunc {
		return func(ctx context.Context, r *api.Request, in validate.Input) (validate.Facts, error) {
			var self int64
			if kind == account.FactsAdminUpdate {
				self, _ = r.IntParam("id")
			}
			admin := r.Principal != nil && r.Principal.Admin
			return svc.Facts(ctx, in, kind, self, admin)
		}
	}
	return map[string]api.FactsFunc{
		"creation.public":          of(account.FactsPublicCreation),
		"creation.with_token":      of(account.FactsTokenCreation),
		"creation.with_token_2021": of(account.FactsTokenCreation),
		"account.create":           of(account.FactsAdminCreation),
		"account.update":           of(account.FactsAdminUpdate),
	}
}
