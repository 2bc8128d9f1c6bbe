package api

import (
	"log/slog"
	"sort"
)

// Merge joins the handler maps (or request schema sets) that the parts of
// a group declare. A name declared twice is a wiring mistake: Merge panics
// with the name, so the function's start and its wiring test fail (never a
// silent overwrite).
func Merge[M ~map[string]V, V any](parts ...M) M {
	out := M{}
	var dups []string
	for _, part := range parts {
		for name, v := range part {
			if _, dup := out[name]; dup {
				dups = append(dups, name)
			}
			out[name] = v
		}
	}
	if len(dups) > 0 {
		sort.Strings(dups)
		msg := "api: declared twice: " + joinQuoted(dups)
		slog.Error("start-up failed", "error", msg) // a JSON line before the panic's text
		panic(msg)
	}
	return out
}

func joinQuoted(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += `"` + n + `"`
	}
	return s
}
