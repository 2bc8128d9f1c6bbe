package auth

import (
	"encoding/base64"
	"maps"
	"slices"
	"testing"
)

// present builds a Present map from names.
func present(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

var allParams = []string{"username", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "qop", "nc", "opaque"}

func TestParseAuthorization(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   Credentials
		ok     bool
	}{
		{
			name: "linphone 5.1",
			// The value after "Authorization:", which the client follows with two spaces.
			header: `  Digest realm="sip.example.org", nonce="abcdefghijklmnopqrstuvwxyz012345", algorithm="SHA-256", opaque="b3BhcXVl", username="bob", response="b0892ca7", cnonce="6v4g~PJU-Xzxq", nc=00000001, qop=auth, uri="/api/accounts/me"`,
			want: Credentials{
				Username: "bob", Realm: "sip.example.org", Nonce: "abcdefghijklmnopqrstuvwxyz012345",
				URI: "/api/accounts/me", Response: "b0892ca7", Algorithm: "SHA-256",
				CNonce: "6v4g~PJU-Xzxq", QOP: "auth", NC: "00000001", Opaque: "b3BhcXVl",
				Present: present(allParams...),
			},
			ok: true,
		},
		{
			name:   "curl MD5",
			header: `Digest username="bob", realm="sip.example.org", nonce="n0nce", uri="/api/accounts/me", cnonce="ZjQxNmE5ZTU4ZjA4", nc=00000001, qop=auth, response="0123456789abcdef0123456789abcdef", opaque="b3BhcXVl", algorithm=MD5`,
			want: Credentials{
				Username: "bob", Realm: "sip.example.org", Nonce: "n0nce", URI: "/api/accounts/me",
				Response: "0123456789abcdef0123456789abcdef", Algorithm: "MD5", CNonce: "ZjQxNmE5ZTU4ZjA4",
				QOP: "auth", NC: "00000001", Opaque: "b3BhcXVl", Present: present(allParams...),
			},
			ok: true,
		},
		{
			name:   "curl SHA-256",
			header: `Digest username="bob", realm="sip.example.org", nonce="n0nce", uri="/api/accounts/me", cnonce="ZjQxNmE5ZTU4ZjA4", nc=00000001, qop=auth, response="ab", opaque="b3BhcXVl", algorithm=SHA-256`,
			want: Credentials{
				Username: "bob", Realm: "sip.example.org", Nonce: "n0nce", URI: "/api/accounts/me",
				Response: "ab", Algorithm: "SHA-256", CNonce: "ZjQxNmE5ZTU4ZjA4",
				QOP: "auth", NC: "00000001", Opaque: "b3BhcXVl", Present: present(allParams...),
			},
			ok: true,
		},
		{
			name:   "FlexiAPI test suite, no spaces",
			header: `Digest username="bob",realm="sip.example.com",nonce="n",nc=00000001,cnonce="c",uri="/api/accounts/me",qop=auth,response="r",opaque="o",algorithm=MD5`,
			want: Credentials{
				Username: "bob", Realm: "sip.example.com", Nonce: "n", URI: "/api/accounts/me",
				Response: "r", Algorithm: "MD5", CNonce: "c", QOP: "auth", NC: "00000001", Opaque: "o",
				Present: present(allParams...),
			},
			ok: true,
		},
		{
			name:   "Go net/http client style",
			header: `Digest username="bob", realm="r", nonce="n", uri="/api/accounts/me?x=1", algorithm=SHA-256, response="x", opaque="o", qop=auth, nc=0000000a, cnonce="c"`,
			want: Credentials{
				Username: "bob", Realm: "r", Nonce: "n", URI: "/api/accounts/me?x=1", Response: "x",
				Algorithm: "SHA-256", CNonce: "c", QOP: "auth", NC: "0000000a", Opaque: "o",
				Present: present(allParams...),
			},
			ok: true,
		},
		{
			name:   "RFC 7616 multi-line",
			header: "Digest username=\"Mufasa\",\r\n    realm=\"http-auth@example.org\",\r\n    uri=\"/dir/index.html\",\r\n    algorithm=MD5,\r\n    nonce=\"7ypf\",\r\n    nc=00000001,\r\n    cnonce=\"f2\",\r\n    qop=auth,\r\n    response=\"8ca5\",\r\n    opaque=\"FQhe\"",
			want: Credentials{
				Username: "Mufasa", Realm: "http-auth@example.org", Nonce: "7ypf", URI: "/dir/index.html",
				Response: "8ca5", Algorithm: "MD5", CNonce: "f2", QOP: "auth", NC: "00000001", Opaque: "FQhe",
				Present: present(allParams...),
			},
			ok: true,
		},
		{
			name:   "escaped quotes and backslashes",
			header: `Digest username="bo\"b\\", realm="a,b c", uri="/x"`,
			want:   Credentials{Username: `bo"b\`, Realm: "a,b c", URI: "/x", Algorithm: "MD5", Present: present("username", "realm", "uri")},
			ok:     true,
		},
		{
			name:   "single quotes",
			header: `Digest username='bob', realm='sip example', nonce='a"b'`,
			want:   Credentials{Username: "bob", Realm: "sip example", Nonce: `a"b`, Algorithm: "MD5", Present: present("username", "realm", "nonce")},
			ok:     true,
		},
		{
			name:   "repeated param: last wins",
			header: `Digest username="alice", username="bob", nc=00000001, nc=00000002`,
			want:   Credentials{Username: "bob", NC: "00000002", Algorithm: "MD5", Present: present("username", "nc")},
			ok:     true,
		},
		{
			name:   "missing algorithm defaults to MD5, not present",
			header: `Digest username="bob"`,
			want:   Credentials{Username: "bob", Algorithm: "MD5", Present: present("username")},
			ok:     true,
		},
		{
			name:   "empty values are present",
			header: `Digest nonce="", nc=, username=bob`,
			want:   Credentials{Username: "bob", Algorithm: "MD5", Present: present("nonce", "nc", "username")},
			ok:     true,
		},
		{
			name:   "empty bare value at end",
			header: `Digest username=bob, qop=`,
			want:   Credentials{Username: "bob", Algorithm: "MD5", Present: present("username", "qop")},
			ok:     true,
		},
		{
			name:   "case-insensitive scheme and names",
			header: "dIGEST\tUserName=\"bob\", ALGORITHM=SHA-256, Nc=1",
			want:   Credentials{Username: "bob", Algorithm: "SHA-256", NC: "1", Present: present("username", "algorithm", "nc")},
			ok:     true,
		},
		{
			name:   "spaces around equals",
			header: `Digest username = "bob" , realm= r`,
			want:   Credentials{Username: "bob", Realm: "r", Algorithm: "MD5", Present: present("username", "realm")},
			ok:     true,
		},
		{
			name:   "unknown params and stray tokens ignored",
			header: `Digest foo, charset=UTF-8, userhash=false, username="bob", =x, bar`,
			want:   Credentials{Username: "bob", Algorithm: "MD5", Present: present("username")},
			ok:     true,
		},
		{
			name:   "unterminated quote runs to the end",
			header: `Digest realm="r", username="bob, nc=1`,
			want:   Credentials{Realm: "r", Username: "bob, nc=1", Algorithm: "MD5", Present: present("realm", "username")},
			ok:     true,
		},
		{
			name:   "unterminated single quote",
			header: `Digest username='bob`,
			want:   Credentials{Username: "bob", Algorithm: "MD5", Present: present("username")},
			ok:     true,
		},
		{
			name:   "trailing lone backslash dropped",
			header: `Digest username="bob\`,
			want:   Credentials{Username: "bob", Algorithm: "MD5", Present: present("username")},
			ok:     true,
		},
		{
			name:   "Unicode folding does not make a known name",
			header: "Digest \u212Aey=1, username=bob, ALGORİTHM=SHA-256",
			want:   Credentials{Username: "bob", Algorithm: "MD5", Present: present("username")},
			ok:     true,
		},
		{name: "bearer", header: "Bearer x"},
		{name: "basic", header: "Basic dXNlcjpwYXNz"},
		{name: "empty", header: ""},
		{name: "scheme only", header: "Digest"},
		{name: "scheme and space", header: "Digest   "},
		{name: "no space after scheme", header: `Digestusername="bob"`},
		{name: "comma after scheme", header: `Digest,username="bob"`},
		{name: "only commas", header: "Digest ,,, ,"},
		{name: "only unknown params", header: `Digest foo="bar", stale=true`},
		{name: "garbage", header: "\x00\xff\"=,'"},
		{name: "scheme later in value", header: `Bearer x, Digest username="bob"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseAuthorization(tt.header)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (got %+v)", ok, tt.ok, got)
			}
			if !credentialsEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func credentialsEqual(a, b Credentials) bool {
	type fields struct {
		Username, Realm, Nonce, URI, Response, Algorithm, CNonce, QOP, NC, Opaque string
	}
	fa := fields{a.Username, a.Realm, a.Nonce, a.URI, a.Response, a.Algorithm, a.CNonce, a.QOP, a.NC, a.Opaque}
	fb := fields{b.Username, b.Realm, b.Nonce, b.URI, b.Response, b.Algorithm, b.CNonce, b.QOP, b.NC, b.Opaque}
	return fa == fb && maps.Equal(a.Present, b.Present)
}

func TestChallenge(t *testing.T) {
	tests := []struct {
		name                      string
		realm, alg, nonce, opaque string
		stale                     bool
		want                      string
	}{
		{"MD5", "sip.example.org", "MD5", "6K1npPJFhwnXerY7peTnbGkuSnapHjAc", "YmFzZTY0", false,
			`Digest realm="sip.example.org",qop="auth",algorithm=MD5,nonce="6K1npPJFhwnXerY7peTnbGkuSnapHjAc",opaque="YmFzZTY0"`},
		{"SHA-256", "sip.example.org", "SHA-256", "SE4I8JJjd73IVj1DdpbnkIIEXXO7SyQj", "YmFzZTY0", false,
			`Digest realm="sip.example.org",qop="auth",algorithm=SHA-256,nonce="SE4I8JJjd73IVj1DdpbnkIIEXXO7SyQj",opaque="YmFzZTY0"`},
		{"stale", "sip.example.org", "SHA-256", "n-_1", "YmFz", true,
			`Digest realm="sip.example.org",qop="auth",algorithm=SHA-256,nonce="n-_1",opaque="YmFz",stale=true`},
		{"escapes", `a"b\c`, "MD5", `n"`, `o\`, false,
			`Digest realm="a\"b\\c",qop="auth",algorithm=MD5,nonce="n\"",opaque="o\\"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Challenge(tt.realm, tt.alg, tt.nonce, tt.opaque, tt.stale)
			if got != tt.want {
				t.Fatalf("Challenge() =\n%s\nwant\n%s", got, tt.want)
			}
			// The challenge reads back with the same values (and with the
			// algorithm unquoted, so a quoted one cannot slip in).
			c, ok := ParseAuthorization(got)
			if !ok || c.Realm != tt.realm || c.Nonce != tt.nonce || c.Opaque != tt.opaque ||
				c.Algorithm != tt.alg || c.QOP != "auth" {
				t.Fatalf("challenge does not read back: %+v ok=%v", c, ok)
			}
		})
	}
}

func TestOpaque(t *testing.T) {
	tests := []struct{ appKey, want string }{
		{"secret", "c2VjcmV0"},
		{"base64:AbC+/=", base64.StdEncoding.EncodeToString([]byte("base64:AbC+/="))},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.appKey, func(t *testing.T) {
			if got := Opaque(tt.appKey); got != tt.want {
				t.Fatalf("Opaque(%q) = %q, want %q", tt.appKey, got, tt.want)
			}
		})
	}
}

func TestHash(t *testing.T) {
	tests := []struct{ alg, in, want string }{
		{"MD5", "", "d41d8cd98f00b204e9800998ecf8427e"},
		{"MD5", "abc", "900150983cd24fb0d6963f7d28e17f72"},
		{"SHA-256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"SHA-256", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"md5", "abc", ""},
		{"SHA256", "abc", ""},
		{"MD5-sess", "abc", ""},
		{"SHA-512-256", "abc", ""},
		{"", "abc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.alg+"/"+tt.in, func(t *testing.T) {
			if got := Hash(tt.alg, tt.in); got != tt.want {
				t.Fatalf("Hash(%q, %q) = %q, want %q", tt.alg, tt.in, got, tt.want)
			}
		})
	}
}

// RFC 7616, section 3.9.1, both algorithms, from the header as the RFC prints it.
func TestRFC7616Vectors(t *testing.T) {
	const (
		username = "Mufasa"
		password = "Circle of Life"
		realm    = "http-auth@example.org"
		nonce    = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
		uri      = "/dir/index.html"
		cnonce   = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
		opaque   = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
	)
	tests := []struct{ alg, response string }{
		{"MD5", "8ca523f5e9506fed4657c9700eebdbec"},
		{"SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			header := "Digest username=\"" + username + "\",\r\n realm=\"" + realm + "\",\r\n uri=\"" + uri +
				"\",\r\n algorithm=" + tt.alg + ",\r\n nonce=\"" + nonce + "\",\r\n nc=00000001,\r\n cnonce=\"" + cnonce +
				"\",\r\n qop=auth,\r\n response=\"" + tt.response + "\",\r\n opaque=\"" + opaque + "\""
			c, ok := ParseAuthorization(header)
			if !ok {
				t.Fatal("RFC header does not parse")
			}
			if c.Algorithm != tt.alg || c.Nonce != nonce || c.CNonce != cnonce || c.NC != "00000001" || c.Opaque != opaque {
				t.Fatalf("parsed %+v", c)
			}
			ha1 := HA1(c.Algorithm, c.Username, c.Realm, password)
			want := ExpectedResponse(c.Algorithm, ha1, "GET", c)
			if want != tt.response {
				t.Fatalf("ExpectedResponse = %s, RFC says %s", want, tt.response)
			}
			if !ResponseMatches(want, c.Response) {
				t.Fatal("ResponseMatches refused the RFC response")
			}
			if ResponseMatches(ExpectedResponse(c.Algorithm, ha1, "POST", c), c.Response) {
				t.Fatal("another method must not match")
			}
			other := c
			other.NC = "00000002"
			if ResponseMatches(ExpectedResponse(c.Algorithm, ha1, "GET", other), c.Response) {
				t.Fatal("another nc must not match")
			}
			if ResponseMatches(ExpectedResponse(c.Algorithm, HA1(c.Algorithm, username, realm, "wrong"), "GET", c), c.Response) {
				t.Fatal("another password must not match")
			}
		})
	}
}

func TestHA1(t *testing.T) {
	// HA1 = H("bob:sip.example.org:secret").
	if got, want := HA1("MD5", "bob", "sip.example.org", "secret"), Hash("MD5", "bob:sip.example.org:secret"); got != want || len(got) != 32 {
		t.Fatalf("HA1 MD5 = %q, want %q", got, want)
	}
	if got := HA1("SHA-256", "bob", "sip.example.org", "secret"); len(got) != 64 {
		t.Fatalf("HA1 SHA-256 = %q", got)
	}
	if got := HA1("CLRTXT", "bob", "sip.example.org", "secret"); got != "" {
		t.Fatalf("HA1 of an unknown algorithm = %q, want empty", got)
	}
}

func TestExpectedResponseUnknownAlgorithm(t *testing.T) {
	c := Credentials{URI: "/", Nonce: "n", NC: "00000001", CNonce: "c", QOP: "auth"}
	if got := ExpectedResponse("SHA-512", "ha1", "GET", c); got != "" {
		t.Fatalf("ExpectedResponse(SHA-512) = %q, want empty", got)
	}
}

func TestResponseMatches(t *testing.T) {
	const r = "8ca523f5e9506fed4657c9700eebdbec"
	tests := []struct {
		name          string
		expected, got string
		want          bool
	}{
		{"equal", r, r, true},
		{"uppercase refused", r, "8CA523F5E9506FED4657C9700EEBDBEC", false},
		{"one digit off", r, "8ca523f5e9506fed4657c9700eebdbed", false},
		{"prefix", r, r[:31], false},
		{"longer", r, r + "0", false},
		{"empty got", r, "", false},
		{"empty expected never matches", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ResponseMatches(tt.expected, tt.got); got != tt.want {
				t.Fatalf("ResponseMatches(%q, %q) = %v, want %v", tt.expected, tt.got, got, tt.want)
			}
		})
	}
}

func TestParseNC(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"00000001", 1, true},
		{"00000002", 2, true},
		{"0000000a", 10, true},
		{"0000000A", 10, true},
		{"1", 1, true},
		{"ff", 255, true},
		{"ffffffff", 0xffffffff, true},
		{"FFFFFFFF", 0xffffffff, true},
		{"00000000", 0, true},
		{"", 0, false},
		{"000000001", 0, false},
		{"100000000", 0, false},
		{"0x1", 0, false},
		{"+1", 0, false},
		{"-1", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"g", 0, false},
		{"1_0", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseNC(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ParseNC(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestURIMatchesPath(t *testing.T) {
	tests := []struct {
		name      string
		uri, path string
		want      bool
	}{
		{"equal", "/api/accounts/me", "/api/accounts/me", true},
		{"stage prefix", "/prod/api/accounts/me", "/api/accounts/me", true},
		{"deep base path", "/v1/flexi/api/accounts/me", "/api/accounts/me", true},
		{"absolute URL", "https://h/prod/api/accounts/me", "/api/accounts/me", true},
		{"absolute URL with port", "http://h:8080/api/accounts/me", "/api/accounts/me", true},
		{"absolute URL with query", "https://h/api/accounts/me?x=1", "/api/accounts/me", true},
		{"query ignored", "/api/accounts/me?page=2", "/api/accounts/me", true},
		{"fragment ignored", "/api/accounts/me#x", "/api/accounts/me", true},
		{"encoded @ in uri", "/api/accounts/bob%40x/info", "/api/accounts/bob@x/info", true},
		{"encoded @ in path", "/api/accounts/bob@x/info", "/api/accounts/bob%40x/info", true},
		{"encoded @ with stage", "/prod/api/accounts/bob%40x/info", "/api/accounts/bob@x/info", true},
		{"relative request path at boundary", "/prod/api/x", "api/x", true},
		{"other path", "/api/accounts/other", "/api/accounts/me", false},
		{"longer last segment", "/api/accounts/me2", "/api/accounts/me", false},
		{"not at boundary", "/api/xaccounts/me", "accounts/me", false},
		{"trailing slash differs", "/api/accounts/me/", "/api/accounts/me", false},
		{"uri shorter", "/accounts/me", "/api/accounts/me", false},
		{"empty uri", "", "/api/accounts/me", false},
		{"empty path", "/api/accounts/me", "", false},
		{"query only", "?x=1", "/api/accounts/me", false},
		{"absolute URL without path", "https://h", "/api/accounts/me", false},
		{"absolute URL other path", "https://h/api/accounts/other", "/api/accounts/me", false},
		{"path in query", "/x?/api/accounts/me", "/api/accounts/me", false},
		{"bad escape in uri", "/api/accounts/%zz", "/api/accounts/%zz", false},
		{"case differs", "/API/accounts/me", "/api/accounts/me", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := URIMatchesPath(tt.uri, tt.path); got != tt.want {
				t.Fatalf("URIMatchesPath(%q, %q) = %v, want %v", tt.uri, tt.path, got, tt.want)
			}
		})
	}
}

// The full Linphone round: challenge → client answer → verification.
func TestDigestRoundTrip(t *testing.T) {
	for _, alg := range []string{"MD5", "SHA-256"} {
		t.Run(alg, func(t *testing.T) {
			stored := HA1(alg, "bob", "sip.example.org", "secret")
			ch, _ := ParseAuthorization(Challenge("sip.example.org", alg, "nonce-1", "b3BhcXVl", false))
			answer := Credentials{
				Username: "bob", Realm: ch.Realm, Nonce: ch.Nonce, URI: "/prod/api/accounts/me",
				Algorithm: ch.Algorithm, CNonce: "6v4g~PJU-Xzxq", QOP: ch.QOP, NC: "00000001", Opaque: ch.Opaque,
			}
			answer.Response = ExpectedResponse(alg, stored, "GET", answer)
			header := `  Digest realm="` + answer.Realm + `", nonce="` + answer.Nonce + `", algorithm="` + alg +
				`", opaque="` + answer.Opaque + `", username="bob", response="` + answer.Response +
				`", cnonce="` + answer.CNonce + `", nc=00000001, qop=auth, uri="` + answer.URI + `"`
			c, ok := ParseAuthorization(header)
			if !ok {
				t.Fatal("answer does not parse")
			}
			if !ResponseMatches(ExpectedResponse(c.Algorithm, stored, "GET", c), c.Response) {
				t.Fatal("valid answer refused")
			}
			if !URIMatchesPath(c.URI, "/api/accounts/me") {
				t.Fatal("stage-prefixed uri refused")
			}
			if n, ok := ParseNC(c.NC); !ok || n != 1 {
				t.Fatalf("nc = %d, %v", n, ok)
			}
			if !slices.Equal(sortedKeys(c.Present), sortedKeys(present(allParams...))) {
				t.Fatalf("present = %v", c.Present)
			}
		})
	}
}

func sortedKeys(m map[string]bool) []string {
	return slices.Sorted(maps.Keys(m))
}
