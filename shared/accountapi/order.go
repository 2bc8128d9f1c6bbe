package accountapi

import (
	"bytes"
	"encoding/json"
)

// objectKeyOrder returns the keys of the object body[field] in the order
// the client wrote them (FlexiAPI keeps a dictionary in insertion order; a
// decoded Go map does not). Anything unexpected yields nil: the caller
// then falls back to a sorted order.
func objectKeyOrder(body []byte, field string) []string {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := kt.(string)
		if key != field {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		t, err := dec.Token()
		if err != nil || t != json.Delim('{') {
			return nil
		}
		var keys []string
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil
			}
			k, _ := kt.(string)
			keys = append(keys, k)
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
		}
		return keys
	}
	return nil
}
