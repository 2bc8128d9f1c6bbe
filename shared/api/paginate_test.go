package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

func TestPaginateEnvelope(t *testing.T) {
	items := make([][]byte, 20)
	for i := range items {
		items[i] = []byte(fmt.Sprintf(`{"id":%d}`, i+1))
	}
	var p struct {
		CurrentPage int               `json:"current_page"`
		Data        []json.RawMessage `json:"data"`
		From        *int              `json:"from"`
		To          *int              `json:"to"`
		LastPage    int               `json:"last_page"`
		Total       int               `json:"total"`
		PerPage     int               `json:"per_page"`
		Next        *string           `json:"next_page_url"`
		Prev        *string           `json:"prev_page_url"`
		Path        string            `json:"path"`
		Links       []pageLink        `json:"links"`
	}
	if err := json.Unmarshal(Paginate(items, 1, 20, 45, "https://h/api/accounts"), &p); err != nil {
		t.Fatal(err)
	}
	if p.CurrentPage != 1 || len(p.Data) != 20 || *p.From != 1 || *p.To != 20 || p.LastPage != 3 || p.Total != 45 ||
		p.PerPage != 20 || *p.Next != "https://h/api/accounts?page=2" || p.Prev != nil || p.Path != "https://h/api/accounts" {
		t.Fatalf("%+v", p)
	}
	labels := ""
	for _, l := range p.Links {
		labels += l.Label + "|"
	}
	if labels != "&laquo; Previous|1|2|3|Next &raquo;|" || !p.Links[1].Active || p.Links[0].URL != nil {
		t.Fatalf("links %s %+v", labels, p.Links)
	}
	if err := json.Unmarshal(Paginate(nil, 9, 20, 45, "https://h/api/accounts"), &p); err != nil {
		t.Fatal(err)
	}
	if p.From != nil || p.To != nil || p.CurrentPage != 9 || len(p.Data) != 0 {
		t.Fatalf("beyond the end: %+v", p)
	}
}

func TestPageWindow(t *testing.T) {
	for _, c := range []struct {
		page, last int
		want       string
	}{
		{1, 1, "[1]"},
		{5, 13, "[1 2 3 4 5 6 7 8 9 10 11 12 13]"},
		{1, 20, "[1 2 3 4 5 6 7 8 9 10 0 19 20]"},
		{7, 20, "[1 2 3 4 5 6 7 8 9 10 0 19 20]"},
		{10, 20, "[1 2 0 7 8 9 10 11 12 13 0 19 20]"},
		{14, 20, "[1 2 0 11 12 13 14 15 16 17 18 19 20]"},
	} {
		if got := fmt.Sprint(pageWindow(c.page, c.last)); got != c.want {
			t.Errorf("page %d of %d: %s, want %s", c.page, c.last, got, c.want)
		}
	}
}

// TestPageNumberBounds: ?page is read as Laravel reads it, but a number
// whose offset would overflow is a 422, not page 1's items with negative
// positions.
func TestPageNumberBounds(t *testing.T) {
	for _, c := range []struct {
		raw     string
		want    int
		invalid bool
	}{
		{"", 1, false}, {"abc", 1, false}, {"0", 1, false}, {"-3", 1, false}, {"2", 2, false}, {" 7 ", 7, false},
		{fmt.Sprint(MaxPage), MaxPage, false},
		{fmt.Sprint(MaxPage + 1), 0, true},
		{"9223372036854775807", 0, true},
		{"99999999999999999999999", 0, true},
		{"-99999999999999999999999", 1, false},
	} {
		r := &Request{Query: map[string][]string{"page": {c.raw}}}
		n, err := PageNumber(r)
		if c.invalid {
			var e *Error
			if !errors.As(err, &e) || e.Status != 422 || e.Errors == nil || len(e.Errors.Field("page")) != 1 {
				t.Errorf("page %q: %d, %v; want a 422 on page", c.raw, n, err)
			}
			continue
		}
		if err != nil || n != c.want {
			t.Errorf("page %q: %d, %v; want %d", c.raw, n, err, c.want)
		}
	}
}
