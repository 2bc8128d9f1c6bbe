package validate

import (
	"encoding/json"
	"strings"
	"testing"
)

func input(t *testing.T, js string) Input {
	t.Helper()
	var raw map[string]any
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	return NewInput(raw)
}

func TestLaravelSemantics(t *testing.T) {
	schema := Schema{Steps: []Step{
		{
			{Name: "username", Rules: []Rule{Required(), Scalar(), NoUppercase(), Min(6), Filled()}},
			{Name: "email", Rules: []Rule{Nullable(), Email()}},
			{Name: "phone", Rules: []Rule{Nullable(), WithoutSpaces(), StartsWith("+")}},
			{Name: "dictionary", Rules: []Rule{Dictionary()}},
		},
		{
			{Name: "algorithm", Rules: []Rule{Required(), InWithMessage("The password algorithm must be in MD5, SHA-256", "MD5", "SHA-256")}},
			{Name: "activated", Rules: []Rule{Nullable(), Boolean()}},
		},
	}}
	cases := []struct {
		name, body string
		want       map[string][]string // nil: passes
		message    string
	}{
		{"valid", `{"username":"foobar","algorithm":"MD5"}`, nil, ""},
		{"missing username stops its other rules", `{"algorithm":"MD5"}`,
			map[string][]string{"username": {"The username field is required."}}, "The username field is required."},
		{"blank after trimming is missing", `{"username":"   ","algorithm":"MD5"}`,
			map[string][]string{"username": {"The username field is required."}}, ""},
		{"several rules of one field", `{"username":"Ab","algorithm":"MD5"}`,
			map[string][]string{"username": {"No uppercase letters are allowed.", "The username must be at least 6 characters."}},
			"No uppercase letters are allowed. (and 1 more error)"},
		{"null nullable skips", `{"username":"foobar","email":null,"phone":"","algorithm":"MD5"}`, nil, ""},
		{"bad values", `{"username":"foobar","email":"gnap","phone":"06 12","algorithm":"MD5"}`,
			map[string][]string{"email": {"The email must be a valid email address."}, "phone": {"The phone contains spaces", "The phone must start with one of the following: +"}},
			"The email must be a valid email address. (and 2 more errors)"},
		{"step 2 only after step 1 passes", `{"username":"Ab","algorithm":"sha1"}`,
			map[string][]string{"username": {"No uppercase letters are allowed.", "The username must be at least 6 characters."}}, ""},
		{"step 2", `{"username":"foobar","algorithm":"sha1","activated":"yes"}`,
			map[string][]string{"algorithm": {"The password algorithm must be in MD5, SHA-256"}, "activated": {"The activated field must be true or false."}}, ""},
		{"string booleans of the Linphone client", `{"username":"foobar","algorithm":"MD5","activated":"1"}`, nil, ""},
		{"array where a string is expected", `{"username":["x"],"algorithm":"MD5"}`,
			map[string][]string{"username": {"The username must be a string.", "The username must be at least 6 characters."}}, ""},
		{"a number is a string as PHP casts it", `{"username":123456,"algorithm":"MD5"}`, nil, ""},
		{"nested dictionary", `{"username":"foobar","algorithm":"MD5","dictionary":{"a":{"b":"c"}}}`,
			map[string][]string{"dictionary": {"The dictionary must be an assiocative dictionary of strings"}}, ""},
		{"dictionary as a string", `{"username":"foobar","algorithm":"MD5","dictionary":"hop"}`,
			map[string][]string{"dictionary": {"The dictionary must be an assiocative dictionary of strings"}}, ""},
		{"present null dictionary fails", `{"username":"foobar","algorithm":"MD5","dictionary":null}`,
			map[string][]string{"dictionary": {"The dictionary must be an assiocative dictionary of strings"}}, ""},
		{"empty dictionaries", `{"username":"foobar","algorithm":"MD5","dictionary":[]}`, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := schema.Validate(input(t, c.body))
			if c.want == nil {
				if errs != nil {
					t.Fatalf("unexpected errors: %s", must(errs.MarshalJSON()))
				}
				return
			}
			if errs == nil {
				t.Fatal("expected errors")
			}
			if len(errs.Fields()) != len(c.want) {
				t.Fatalf("fields %v, want %v", errs.Fields(), c.want)
			}
			for f, msgs := range c.want {
				got := errs.Field(f)
				if strings.Join(got, "|") != strings.Join(msgs, "|") {
					t.Fatalf("%s: %q, want %q", f, got, msgs)
				}
			}
			if c.message != "" && errs.Message() != c.message {
				t.Fatalf("message %q, want %q", errs.Message(), c.message)
			}
		})
	}
}

func must(b []byte, _ error) string { return string(b) }

func TestErrorShapeKeepsFieldOrder(t *testing.T) {
	e := &Errors{}
	e.Add("zeta", "z1")
	e.Add("alpha", "a1")
	e.Add("zeta", "z2")
	e.Add("zeta", "z1")
	got := must(e.MarshalJSON())
	want := `{"message":"z1 (and 2 more errors)","errors":{"zeta":["z1","z2"],"alpha":["a1"]}}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestPhonePattern(t *testing.T) {
	for s, want := range map[string]bool{
		"1234567": true, "0612345678": true, "123456789012345": true, "06 12 34 56 78": true, "(123) 4567890": true,
		"+33612121212": true, "123456": false, "1234567890123456": false, "foobar": false, "blabla": false,
	} {
		if IsPhoneNumber(s) != want {
			t.Errorf("IsPhoneNumber(%q) = %v, want %v", s, !want, want)
		}
	}
}

func TestBlacklist(t *testing.T) {
	r := Blacklist([]string{"foobar", "blacklisted", "username-.*", "[invalid"})
	for s, bad := range map[string]bool{"blacklisted": true, "username-gnap": true, "valid-username": false, "[invalid": true, "sysfoobar1": true} {
		if got := r.Check(Context{Field: "username"}, s, true) != ""; got != bad {
			t.Errorf("%q: refused=%v, want %v", s, got, bad)
		}
	}
}

func TestEmail(t *testing.T) {
	for s, ok := range map[string]bool{"a@b": true, "john@example.org": true, "gnap": false, "Bob <b@x.org>": false, "a@b\n": false, "": false} {
		if IsEmail(s) != ok {
			t.Errorf("IsEmail(%q) = %v", s, !ok)
		}
	}
}

func TestDateFormat(t *testing.T) {
	r := DateFormat()
	for s, ok := range map[string]bool{"2040-12-12 12:12:12": true, "2040-12-12": false, "2040-13-12 12:12:12": false, "2040-12-12T12:12:12": false} {
		if (r.Check(Context{Field: "d"}, s, true) == "") != ok {
			t.Errorf("%q: ok=%v", s, !ok)
		}
	}
}

func TestInputCleanup(t *testing.T) {
	in := input(t, `{"a":"  x  ","password":"  p  ","b":"","c":{"d":" e "}}`)
	if s, _ := in.String("a"); s != "x" {
		t.Errorf("a = %q", s)
	}
	if s, _ := in.String("password"); s != "  p  " {
		t.Errorf("password must not be trimmed: %q", s)
	}
	if v, present := in.Get("b"); !present || v != nil {
		t.Errorf("empty string becomes a present null: %v %v", v, present)
	}
	if m, _ := in.Map("c"); m["d"] != "e" {
		t.Errorf("nested strings are trimmed: %q", m["d"])
	}
}
