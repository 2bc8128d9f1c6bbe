package jsonw

import (
	"bytes"
	"encoding/json"
	"testing"
)

// AppendString must write what encoding/json (without HTML escaping)
// reads back as the same string, with the same escaping.
func TestMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quo"te`, `back\slash`, "new\nline\r\t", "\x00\x1f", "é€😀",
		"\u2028\u2029", "bad \xff utf8", "<&>", "/slash/"} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		got := AppendString(nil, s)
		if string(got) != string(bytes.TrimRight(want.Bytes(), "\n")) {
			t.Errorf("%q: got %s, want %s", s, got, want.Bytes())
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("seed \"\\\n\xff\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal(AppendString(nil, s), &back); err != nil {
			t.Fatalf("%q: invalid JSON: %v", s, err)
		}
		var want string
		json.Unmarshal(func() []byte { b, _ := json.Marshal(s); return b }(), &want)
		if back != want {
			t.Fatalf("%q read back as %q, want %q", s, back, want)
		}
	})
}
