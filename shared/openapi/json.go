package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/flexiapi-serverless/flexiapi/shared/jsonw"
)

// obj is a JSON object that keeps its keys in the order they were added,
// so that the document is deterministic without sorting everything: paths
// follow the route table, properties follow the schemas' declaration
// order, and the few real maps (components) are sorted by name.
type obj []kv

type kv struct {
	k string
	v any
}

// set appends a key (keys are unique by construction).
func (o *obj) set(k string, v any) { *o = append(*o, kv{k, v}) }

// get returns a key's value.
func (o obj) get(k string) (any, bool) {
	for _, e := range o {
		if e.k == k {
			return e.v, true
		}
	}
	return nil, false
}

// sorted returns a copy with the keys in byte order.
func (o obj) sorted() obj {
	out := append(obj(nil), o...)
	sort.Slice(out, func(i, j int) bool { return out[i].k < out[j].k })
	return out
}

// MarshalJSON lets encoding/json write an obj (tests, fallbacks).
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := encode(&b, o); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encode writes v as compact JSON. It handles the types the document is
// built from directly, and leaves the rest to encoding/json.
func encode(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case obj:
		b.WriteByte('{')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, e.k)
			b.WriteByte(':')
			if err := encode(b, e.v); err != nil {
				return fmt.Errorf("%s: %w", e.k, err)
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encode(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case []obj:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encode(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case string:
		writeString(b, x)
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case nil:
		b.WriteString("null")
	case int:
		b.WriteString(strconv.Itoa(x))
	default:
		enc, err := json.Marshal(x)
		if err != nil {
			return err
		}
		b.Write(enc)
	}
	return nil
}

// writeString writes s as a JSON string (shared/jsonw).
func writeString(b *bytes.Buffer, s string) {
	b.Write(jsonw.AppendString(b.AvailableBuffer(), s))
}

// strs turns a string slice into a JSON array value.
func strs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
