package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// MaxPage bounds ?page=N: far beyond any real list, and low enough that
// the offset of a page never overflows.
const MaxPage = 10_000_000

// PageNumber reads Laravel's ?page=N: anything not a positive integer is
// 1, as Laravel reads it; a page above MaxPage is a 422 on page (Laravel's
// arithmetic would overflow).
func PageNumber(r *Request) (int, error) {
	tooFar := InvalidField("page", "The page must not be greater than "+strconv.Itoa(MaxPage)+".")
	n, err := strconv.Atoi(strings.TrimSpace(r.Query.Get("page")))
	switch {
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(strings.TrimSpace(r.Query.Get("page")), "-"):
		return 0, tooFar
	case err != nil || n < 1:
		return 1, nil
	case n > MaxPage:
		return 0, tooFar
	}
	return n, nil
}

type pageLink struct {
	URL    *string `json:"url"`
	Label  string  `json:"label"`
	Active bool    `json:"active"`
}

// Paginate renders Laravel's length-aware paginator envelope (FlexiAPI's,
// on admin GET /api/accounts) around items that are already JSON. path is
// the page URL without query string; page URLs are path?page=N.
func Paginate(items [][]byte, page, perPage, total int, path string) []byte {
	last := (total + perPage - 1) / perPage
	if last < 1 {
		last = 1
	}
	url := func(n int) *string {
		s := path + "?page=" + strconv.Itoa(n)
		return &s
	}
	var prev, next *string
	if page > 1 {
		prev = url(page - 1)
	}
	if page < last {
		next = url(page + 1)
	}
	links := []pageLink{{URL: prev, Label: "&laquo; Previous"}}
	for _, n := range pageWindow(page, last) {
		if n == 0 {
			links = append(links, pageLink{Label: "..."})
			continue
		}
		links = append(links, pageLink{URL: url(n), Label: strconv.Itoa(n), Active: n == page})
	}
	links = append(links, pageLink{URL: next, Label: "Next &raquo;"})

	var from, to *int
	if len(items) > 0 {
		f := (page-1)*perPage + 1
		t := f + len(items) - 1
		from, to = &f, &t
	}
	var b bytes.Buffer
	w := func(k string, v any) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(k)
		b.Write(key)
		b.WriteByte(':')
		// FlexiAPI's labels hold literal entities: no \u0026 escaping.
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(v)
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	b.WriteByte('{')
	w("current_page", page)
	b.WriteString(`,"data":[`)
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it)
	}
	b.WriteByte(']')
	w("first_page_url", *url(1))
	w("from", from)
	w("last_page", last)
	w("last_page_url", *url(last))
	w("links", links)
	w("next_page_url", next)
	w("path", path)
	w("per_page", perPage)
	w("prev_page_url", prev)
	w("to", to)
	w("total", total)
	b.WriteByte('}')
	return b.Bytes()
}

// pageWindow is Laravel's UrlWindow with onEachSide=3: every page under 14
// pages, otherwise a slider with "..." (0 here) separators.
func pageWindow(page, last int) []int {
	seq := func(a, b int) []int {
		var out []int
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
		return out
	}
	const onEachSide = 3
	window := onEachSide + 4
	if last < (onEachSide*2)+8 {
		return seq(1, last)
	}
	switch {
	case page <= window:
		return append(append(seq(1, window+onEachSide), 0), seq(last-1, last)...)
	case page > last-window:
		return append(append(seq(1, 2), 0), seq(last-(window+(onEachSide-1)), last)...)
	default:
		out := append(seq(1, 2), 0)
		out = append(out, seq(page-onEachSide, page+onEachSide)...)
		return append(append(out, 0), seq(last-1, last)...)
	}
}
