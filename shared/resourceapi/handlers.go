// Package resourceapi adapts the resources group's requests (contacts,
// contacts lists, account types, actions, dictionary) to shared/resource
// and maps its errors to FlexiAPI's answers. It does not import the store:
// the meta function links Schemas for the documentation.
package resourceapi

import (
	"net/http"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Schemas are the request bodies of this package's routes, for the
// documentation (meta) and the router.
func Schemas(*config.Config) api.Schemas {
	out := api.Schemas{}
	for name, s := range resource.Schemas() {
		out[name] = s
	}
	return out
}

// RouterSchemas are Schemas as the router runs them: the action bodies
// are validated by their handlers, after the DTMF check that FlexiAPI
// runs first; the router's copy of them checks nothing.
func RouterSchemas(cfg *config.Config) api.Schemas {
	out := Schemas(cfg)
	out[resource.SchemaAction] = validate.Schema{}
	return out
}

type handlers struct {
	svc   *resource.Service
	cfg   *config.Config
	accts *account.Service
}

// Handlers maps this package's handler names (route table) to code.
func Handlers(svc *resource.Service) map[string]api.Handler {
	h := handlers{svc: svc, accts: svc.Accounts(), cfg: svc.Accounts().Config()}
	return map[string]api.Handler{
		"ContactsMe":           h.contactsMe,
		"ContactMe":            h.contactMe,
		"AccountContacts":      h.accountContacts,
		"AccountContact":       h.accountContact,
		"AccountContactAdd":    h.accountContactAdd,
		"AccountContactRemove": h.accountContactRemove,
		"DictionaryIndex":      h.dictionaryIndex,
		"DictionaryShow":       h.dictionaryShow,
		"DictionarySet":        h.dictionarySet,
		"DictionaryRemove":     h.dictionaryRemove,
		"ActionIndex":          h.actionIndex,
		"ActionShow":           h.actionShow,
		"ActionCreate":         h.actionCreate,
		"ActionUpdate":         h.actionUpdate,
		"ActionPatch":          h.actionUpdate, // PATCH is PUT (an API resource route)
		"ActionDelete":         h.actionDelete,
		"ListIndex":            h.listIndex,
		"ListShow":             h.listShow,
		"ListCreate":           h.listCreate,
		"ListUpdate":           h.listUpdate,
		"ListPatch":            h.listUpdate,
		"ListDelete":           h.listDelete,
		"ListMemberAdd":        h.listMemberAdd,
		"ListMemberRemove":     h.listMemberRemove,
		"AccountListAttach":    h.accountListAttach,
		"AccountListDetach":    h.accountListDetach,
		"TypeIndex":            h.typeIndex,
		"TypeShow":             h.typeShow,
		"TypeCreate":           h.typeCreate,
		"TypeUpdate":           h.typeUpdate,
		"TypePatch":            h.typeUpdate,
		"TypeDelete":           h.typeDelete,
		"AccountTypeAttach":    h.accountTypeAttach,
		"AccountTypeDetach":    h.accountTypeDetach,
	}
}

// scope is the caller's domain filter (FlexiAPI's domain scope).
func (h handlers) scope(r *api.Request) string { return h.accts.Scope(r.Principal.Admin) }

// ids reads numeric path parameters. FlexiAPI answers a PHP type error
// (500) to a non-numeric one; we answer 422 on that parameter.
// Every bad parameter is reported at once.
func ids(r *api.Request, names ...string) ([]int64, error) {
	out := make([]int64, len(names))
	errs := &validate.Errors{}
	for i, n := range names {
		v, ok := r.IntParam(n)
		if !ok {
			errs.Add(n, "The "+validate.Context{Field: n}.Attr()+" must be an integer.")
		}
		out[i] = v
	}
	if !errs.Empty() {
		return nil, api.Invalid(errs)
	}
	return out, nil
}

// oneOrZero is FlexiAPI's answer of a delete: the number of rows, as text.
func oneOrZero(deleted bool) *api.Response {
	if deleted {
		return api.Text(http.StatusOK, "1")
	}
	return api.Text(http.StatusOK, "0")
}

func jsonArray(items [][]byte) []byte {
	n := 2
	for _, it := range items {
		n += len(it) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return append(b, ']')
}

// input reads a validated string field.
func input(r *api.Request, name string) (string, error) {
	in, err := r.Input()
	if err != nil {
		return "", err
	}
	s, _ := in.String(name)
	return s, nil
}
