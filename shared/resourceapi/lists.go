package resourceapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/jsonw"
	"github.com/flexiapi-serverless/flexiapi/shared/resource"
)

func appendOpt(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return jsonw.AppendString(b, *s)
}

// listJSON is a list as index, show and update answer it.
func listJSON(l *resource.ContactsList, scope string) []byte {
	b := append([]byte(nil), `{"id":`...)
	b = strconv.AppendInt(b, l.ID, 10)
	b = append(b, `,"title":`...)
	b = jsonw.AppendString(b, l.Title)
	b = append(b, `,"description":`...)
	b = appendOpt(b, l.Description)
	b = append(b, `,"created_at":`...)
	b = jsonw.AppendString(b, account.Timestamp(l.CreatedAt))
	b = append(b, `,"updated_at":`...)
	b = jsonw.AppendString(b, account.Timestamp(l.UpdatedAt))
	b = append(b, `,"contacts_count":`...)
	b = strconv.AppendInt(b, l.ContactsCount(scope), 10)
	return append(b, '}')
}

// createdListJSON is the 201 answer: a new row's key order, then
// contacts_count (0: FlexiAPI leaves it out, which breaks the list object
// every other answer has; docs/compatibility.md).
func createdListJSON(l *resource.ContactsList) []byte {
	b := append([]byte(nil), `{"title":`...)
	b = jsonw.AppendString(b, l.Title)
	b = append(b, `,"description":`...)
	b = appendOpt(b, l.Description)
	b = append(b, `,"updated_at":`...)
	b = jsonw.AppendString(b, account.Timestamp(l.UpdatedAt))
	b = append(b, `,"created_at":`...)
	b = jsonw.AppendString(b, account.Timestamp(l.CreatedAt))
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, l.ID, 10)
	return append(b, `,"contacts_count":0}`...)
}

func listInput(r *api.Request) (resource.ListInput, error) {
	in, err := r.Input()
	if err != nil {
		return resource.ListInput{}, err
	}
	title, _ := in.String("title")
	out := resource.ListInput{Title: title}
	if d, ok := in.String("description"); ok {
		out.Description = &d
	}
	return out, nil
}

func (h handlers) listIndex(ctx context.Context, r *api.Request) (*api.Response, error) {
	lists, err := h.svc.Lists(ctx)
	if err != nil {
		return nil, err
	}
	items := make([][]byte, len(lists))
	for i := range lists {
		items[i] = listJSON(&lists[i], h.scope(r))
	}
	return api.RawJSON(http.StatusOK, jsonArray(items)), nil
}

// listShow is the documented show (FlexiAPI's always answers 500).
func (h handlers) listShow(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	l, err := h.svc.List(ctx, id[0])
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, listJSON(l, h.scope(r))), nil
}

func (h handlers) listCreate(ctx context.Context, r *api.Request) (*api.Response, error) {
	in, err := listInput(r)
	if err != nil {
		return nil, err
	}
	l, err := h.svc.CreateList(ctx, in)
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusCreated, createdListJSON(l)), nil
}

func (h handlers) listUpdate(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	in, err := listInput(r)
	if err != nil {
		return nil, err
	}
	l, err := h.svc.UpdateList(ctx, id[0], in)
	if err != nil {
		return nil, domainError(err)
	}
	return api.RawJSON(http.StatusOK, listJSON(l, h.scope(r))), nil
}

func (h handlers) listDelete(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id")
	if err != nil {
		return nil, err
	}
	deleted, err := h.svc.DeleteList(ctx, id[0])
	if err != nil {
		return nil, domainError(err)
	}
	return oneOrZero(deleted), nil
}

func (h handlers) listMemberAdd(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "contacts_list_id", "contact_id")
	if err != nil {
		return nil, err
	}
	if err := h.svc.AddMember(ctx, id[0], id[1], h.scope(r)); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

func (h handlers) listMemberRemove(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "contacts_list_id", "contact_id")
	if err != nil {
		return nil, err
	}
	if err := h.svc.RemoveMember(ctx, id[0], id[1]); err != nil {
		return nil, domainError(err)
	}
	return oneOrZero(true), nil
}

func (h handlers) accountListAttach(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "contacts_list_id")
	if err != nil {
		return nil, err
	}
	if err := h.svc.AttachList(ctx, id[0], id[1], h.scope(r)); err != nil {
		return nil, domainError(err)
	}
	return api.Empty(), nil
}

func (h handlers) accountListDetach(ctx context.Context, r *api.Request) (*api.Response, error) {
	id, err := ids(r, "id", "contacts_list_id")
	if err != nil {
		return nil, err
	}
	if err := h.svc.DetachList(ctx, id[0], id[1], h.scope(r)); err != nil {
		return nil, domainError(err)
	}
	return oneOrZero(true), nil
}
