package auth

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParseFrom(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   SIPIdentity
		err    error
	}{
		{"sip uri", "sip:bob@sip.example.org", SIPIdentity{"bob", "sip.example.org"}, nil},
		{"sips uri", "sips:bob@sip.example.org", SIPIdentity{"bob", "sip.example.org"}, nil},
		{"scheme case-insensitive", "SIP:bob@sip.example.org", SIPIdentity{"bob", "sip.example.org"}, nil},
		{"sips upper", "SiPs:bob@x", SIPIdentity{"bob", "x"}, nil},
		{"bare user@domain", "bob@sip.example.org", SIPIdentity{"bob", "sip.example.org"}, nil},
		{"surrounding spaces", "  sip:bob@x \t", SIPIdentity{"bob", "x"}, nil},
		{"angle brackets and tag", "<sip:bob@x>;tag=1", SIPIdentity{"bob", "x"}, nil},
		{"display name", `"Bob" <sip:bob@x>`, SIPIdentity{"bob", "x"}, nil},
		{"token display name", `Bob <sip:bob@x>;tag=abc`, SIPIdentity{"bob", "x"}, nil},
		{"display name with angle bracket", `"a<b" <sip:bob@x>`, SIPIdentity{"bob", "x"}, nil},
		{"display name with escaped quote", `"Bob \"<sip:eve@y>\"" <sip:bob@x>`, SIPIdentity{"bob", "x"}, nil},
		{"spaces inside brackets", "< sip:bob@x >", SIPIdentity{"bob", "x"}, nil},
		{"uri params cut", "sip:bob@x;transport=tls", SIPIdentity{"bob", "x"}, nil},
		{"uri params inside brackets", "<sip:bob@x;transport=tls>;tag=2", SIPIdentity{"bob", "x"}, nil},
		{"uri headers cut", "sip:bob@x?subject=hi", SIPIdentity{"bob", "x"}, nil},
		{"percent decoding", "sip:b%6Fb@x", SIPIdentity{"bob", "x"}, nil},
		// Decoded first, then split at the first '@': "bob@x@y" leaves "x@y"
		// as the domain, which cannot be a host, so the value is refused.
		{"encoded @ in user", "sip:bob%40x@y", SIPIdentity{}, ErrFromMalformed},
		{"plus kept", "sip:+33612@x", SIPIdentity{"+33612", "x"}, nil},
		{"encoded plus", "sip:%2B33612@x", SIPIdentity{"+33612", "x"}, nil},
		{"port kept", "sip:bob@host:5060", SIPIdentity{"bob", "host:5060"}, nil},
		{"port and params", "<sip:bob@host:5060;transport=tcp>", SIPIdentity{"bob", "host:5060"}, nil},
		{"missing", "", SIPIdentity{}, ErrFromMissing},
		{"blank", "   ", SIPIdentity{}, ErrFromMissing},
		{"no @", "sip:missing", SIPIdentity{}, ErrFromMalformed},
		{"empty user", "sip:@x", SIPIdentity{}, ErrFromMalformed},
		{"empty domain", "sip:bob@", SIPIdentity{}, ErrFromMalformed},
		{"empty domain before params", "sip:bob@;tag=1", SIPIdentity{}, ErrFromMalformed},
		{"double @", "sip:bob@@x", SIPIdentity{}, ErrFromMalformed},
		{"space in domain", "sip:bob@x y", SIPIdentity{}, ErrFromMalformed},
		{"encoded space in domain", "sip:bob@x%20y", SIPIdentity{}, ErrFromMalformed},
		{"control char in domain", "sip:bob@x%00", SIPIdentity{}, ErrFromMalformed},
		{"bad escape", "sip:bob%ZZ@x", SIPIdentity{}, ErrFromMalformed},
		{"truncated escape", "sip:bob@x%4", SIPIdentity{}, ErrFromMalformed},
		{"unclosed bracket", "<sip:bob@x", SIPIdentity{}, ErrFromMalformed},
		{"empty brackets", "<>", SIPIdentity{}, ErrFromMalformed},
		{"unterminated display name", `"Bob <sip:bob@x>`, SIPIdentity{}, ErrFromMalformed},
		{"stray closing bracket", "sip:bob@x>", SIPIdentity{}, ErrFromMalformed},
		{"quote in domain", `sip:bob@x"`, SIPIdentity{}, ErrFromMalformed},
		{"quote in user kept", `sip:bo"b@x`, SIPIdentity{`bo"b`, "x"}, nil},
		{"IPv6 host", "sip:bob@[2001:db8::1]:5060", SIPIdentity{"bob", "[2001:db8::1]:5060"}, nil},
		{"scheme only", "sip:", SIPIdentity{}, ErrFromMalformed},
		{"only params", "sip:;bob@x", SIPIdentity{}, ErrFromMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFrom(tt.header)
			if !errors.Is(err, tt.err) {
				t.Fatalf("ParseFrom(%q) error = %v, want %v", tt.header, err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("ParseFrom(%q) = %+v, want %+v", tt.header, got, tt.want)
			}
		})
	}
}

// flexiapiParseFrom is FlexiAPI's algorithm (drop 4 characters, cut at ';',
// raw percent-decode, explode on '@'), for values it handles without error.
func flexiapiParseFrom(h string) (SIPIdentity, bool) {
	v := h[4:]
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	v, err := url.PathUnescape(v)
	if err != nil {
		return SIPIdentity{}, false
	}
	parts := strings.Split(v, "@")
	if len(parts) < 2 {
		return SIPIdentity{}, false
	}
	return SIPIdentity{parts[0], parts[1]}, true
}

// Every well-formed value FlexiAPI understands must read the same here.
func TestParseFromFlexiAPICompatible(t *testing.T) {
	for _, h := range []string{
		"sip:bob@sip.example.org",
		"sip:bob@sip.example.org;transport=tls",
		"sip:+33612345678@sip.example.org",
		"sip:b%C3%A9b%C3%A9@sip.example.org",
		"sip:bob@sip.example.org:5061",
		"sip:first.last_01-x@example.com",
		"sip:bob@sip.example.org;gr=urn:uuid:1234",
	} {
		t.Run(h, func(t *testing.T) {
			want, ok := flexiapiParseFrom(h)
			if !ok {
				t.Fatalf("reference could not parse %q", h)
			}
			got, err := ParseFrom(h)
			if err != nil || got != want {
				t.Fatalf("ParseFrom(%q) = %+v, %v; FlexiAPI reads %+v", h, got, err, want)
			}
		})
	}
}
