package resourceapi

import (
	"context"
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Facts are the lookups of the bodies with a uniqueness rule (a list's
// title, a type's key): the router runs them when such a body fails, so
// that the 422 lists a taken value beside the other failures.
func Facts(svc *resource.Service) map[string]api.FactsFunc {
	of := func(body string) api.FactsFunc {
		return func(ctx context.Context, r *api.Request, in validate.Input) (validate.Facts, error) {
			var self int64
			if r.Method != http.MethodPost {
				self, _ = r.IntParam("id") // an update: the list or type itself holds its value
			}
			return svc.Facts(ctx, in, body, self)
		}
	}
	return map[string]api.FactsFunc{
		resource.SchemaList:       of(resource.SchemaList),
		resource.SchemaTypeCreate: of(resource.SchemaTypeCreate),
		resource.SchemaTypeUpdate: of(resource.SchemaTypeUpdate),
	}
}
