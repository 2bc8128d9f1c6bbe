package resourceapi

import (
	"context"
	"net/http"
	"unicode/utf8"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/jsonw"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
)

// dictionaryKey reads {key}, bounded like the values (255 characters).
func dictionaryKey(r *api.Request) (string, error) {
	k := r.Param("key")
	if utf8.RuneCountInString(k) > resource.MaxDictionaryField {
		return "", api.InvalidField("key", "The key must not be greater than 255 characters.")
	}
	return k, nil
}

func valueJSON(v string) []byte {
	b := append([]byte(nil), `{"value":`...)
	b = jsonw.AppendString(b, v)
	return append(b, '}')
}

// dictionaryIndex answers the map ({} when empty, not PHP's []).
func (h handlers) dictionaryIndex(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	entries, err := h.svc.Dictionary(ctx, id[0], h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	b := []byte{'{'}
	for i, e := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonw.AppendString(b, e.Key)
		b = append(b, ':')
		b = jsonw.AppendString(b, e.Value)
	}
	return api.RawJSON(http.StatusOK, append(b, '}')), nil
}

// dictionaryShow: an absent key is 200 with an empty body, as FlexiAPI.
func (h handlers) dictionaryShow(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	k, err := dictionaryKey(r)
	if err != nil {
		return nil, err
	}
	v, ok, err := h.svc.DictionaryValue(ctx, id[0], k, h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	if !ok {
		return api.Empty(), nil
	}
	return api.RawJSON(http.StatusOK, valueJSON(v)), nil
}

func (h handlers) dictionarySet(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	k, err := dictionaryKey(r)
	if err != nil {
		return nil, err
	}
	in, err := r.Input()
	if err != nil {
		return nil, err
	}
	raw, _ := in.Get("value")
	v := resource.DictionaryText(raw)
	created, err := h.svc.SetDictionaryEntry(ctx, id[0], k, v, h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return api.RawJSON(status, valueJSON(v)), nil
}

func (h handlers) dictionaryRemove(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	k, err := dictionaryKey(r)
	if err != nil {
		return nil, err
	}
	deleted, err := h.svc.DeleteDictionaryEntry(ctx, id[0], k, h.scope(r))
	if err != nil {
		return nil, domainError(err)
	}
	return oneOrZero(deleted), nil
}
