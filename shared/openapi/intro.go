package openapi

import (
	"html/template"
	"strings"
)

// The introduction of the documentation: FlexiAPI's "About & Auth." text
// (../shared/spec/api-doc.md), corrected where this implementation decided
// otherwise (errors always JSON, one Digest challenge per 401, API key
// expiry, JWT checks). It is written once, in a small markup, and rendered
// both as the Markdown of info.description and as the HTML page.
//
// Inline markup: `code`, and [text](target) where target is a URL or
// "route:METHOD /path" (a link to that endpoint's section when the table
// has it, plain text otherwise).

type blockKind int

const (
	blockHeading blockKind = iota // a sub-section title
	blockPara
	blockCode   // preformatted, no inline markup
	blockAccess // the three access levels with their badges
)

type block struct {
	kind blockKind
	text string
}

var intro = []block{
	{blockPara, "An API to deal with the Flexisip server."},
	{blockPara, "The API is available under `/api`. Request bodies are JSON: send `content-type: application/json` (a body without `content-type` is read as JSON too; form-encoded bodies are accepted), and `accept: application/json`."},
	{blockCode, "> GET /api/{endpoint}\n> content-type: application/json\n> accept: application/json"},
	{blockPara, "Errors are always JSON, whatever `accept` says: `{\"message\": \"...\"}`, or for validation errors (`422`) `{\"message\": \"...\", \"errors\": {\"field\": [\"...\"]}}` (only the first failing validation step is reported). An unknown route answers `404` and an unsupported method `405`, in the same format."},
	{blockPara, "Restricted endpoints are protected using a DIGEST authentication, an API Key or a JWT token."},

	{blockHeading, "Access model"},
	{blockPara, "The endpoints are accessible using three different models:"},
	{blockAccess, ""},
	{blockPara, "A blocked account gets `403` `{\"message\":\"Account blocked\"}` on every restricted endpoint, and a non-admin account `403` `{\"message\":\"Unauthorized area\"}` on the admin ones."},

	{blockHeading, "Which method is used"},
	{blockPara, "When a request carries several credentials, the first that applies is used: a JWT (`Authorization: Bearer`, only when the API is configured for JWT), else an API key (the `x-api-key` header, else the `x-api-key` cookie), else DIGEST. A rejected JWT or an unknown API key ends the request: there is no fallback to the next method."},

	{blockHeading, "Using the API Key"},
	{blockPara, "An authenticated account gets a fresh API Key from [the dedicated API endpoint](route:GET /api/accounts/me/api_key); an app without credentials yet exchanges an [`auth_token`](route:POST /api/accounts/auth_token), once attached, for a key at [this endpoint](route:GET /api/accounts/me/api_key/{auth_token}). (There is no web panel.)"},
	{blockPara, "You can then use your freshly generated key by adding a new `x-api-key` header to your API requests:"},
	{blockCode, "> GET /api/{endpoint}\n> x-api-key: {your-api-key}\n> …"},
	{blockPara, "Or using a cookie:"},
	{blockCode, "> GET /api/{endpoint}\n> Cookie: x-api-key={your-api-key}\n> …"},
	{blockPara, "A key stops working after `APP_API_KEY_EXPIRATION_MINUTES` minutes (60 by default) without use, and when a new key is generated for the account. An unknown or expired key gets `401` `{\"message\":\"Invalid API Key\"}`, without a DIGEST challenge."},

	{blockHeading, "Using a JWT token"},
	{blockPara, "You can use a [JWT](https://jwt.io/) token to authenticate on the API."},
	{blockPara, "To do so you MUST inject it as an `Authorization: Bearer` header and configure the API with the public key of the token emitter (`JWT_RSA_PUBLIC_KEY_PEM`)."},
	{blockCode, "> GET /api/{endpoint}\n> Authorization: Bearer {your-jwt-token}\n> …"},
	{blockPara, "The API will then check that the token is signed by that key with RS256, RS384 or RS512, is not expired (`exp`), and that its `email` claim belongs to an account of the system; `iss` and `aud` are checked too when `JWT_ISSUER` and `JWT_AUDIENCE` are configured. A token that fails gets `403` with the reason, a malformed one `422`."},

	{blockHeading, "Using DIGEST"},
	{blockPara, "To discover the hashing algorithm to use you MUST send an unauthenticated request to one of the restricted endpoints."},
	{blockPara, "Only DIGEST-MD5 and DIGEST-SHA-256 are supported through the authentication layer."},
	{blockPara, "A `from` header (consisting of the user SIP address, prefixed with `sip:`) is required to initiate the DIGEST flow. Without it the API answers `422` (`The from field is required.`), and `404` when no account has that address."},
	{blockCode, "> GET /api/{restricted-endpoint}\n> from: sip:foobar@sip.example.org\n> …\n\n< HTTP 401\n< content-type: application/json\n< www-authenticate: Digest realm=\"sip.example.org\",qop=\"auth\",algorithm=MD5,nonce=\"{nonce}\",opaque=\"{opaque}\""},
	{blockPara, "A `401` carries exactly one challenge, in one `www-authenticate` header: the algorithm of the account's password (MD5 first when the account has several). The realm is `ACCOUNT_REALM`, or the domain of the `from` address when it is not set. A nonce stays valid `DIGEST_NONCE_TTL` minutes (60 by default), after which a fresh challenge with `stale=true` is sent; it can be reused as long as each `nc` is greater than the number of requests it already authenticated. Invalid DIGEST parameters get `422`."},
	{blockPara, "You can find more documentation on the related [IETF RFC-7616](https://tools.ietf.org/html/rfc7616)."},
}

// accessLevels describes the three access models, with FlexiAPI's badges.
var accessLevels = []struct {
	Name, Class, Text string
}{
	{"Public", "public", "publicly accessible"},
	{"User", "user", "the endpoint can only be accessed by an authenticated user"},
	{"Admin", "admin", "the endpoint can only be accessed by an authenticated admin user"},
	{"Secret", "secret", "machine API only: the endpoint can only be accessed with the shared secret Flexisip is configured with, in the `secret` query parameter"},
}

// span is a piece of inline text: plain, code, or a link.
type span struct {
	text, code   string
	linkTarget   string
	isCode, link bool
}

// parseInline splits the inline markup. Unbalanced markup is plain text.
func parseInline(s string) []span {
	var out []span
	plain := func(t string) {
		if t == "" {
			return
		}
		if n := len(out); n > 0 && !out[n-1].isCode && !out[n-1].link {
			out[n-1].text += t
			return
		}
		out = append(out, span{text: t})
	}
	for s != "" {
		i := strings.IndexAny(s, "`[")
		if i < 0 {
			plain(s)
			break
		}
		plain(s[:i])
		s = s[i:]
		if s[0] == '`' {
			if j := strings.IndexByte(s[1:], '`'); j >= 0 {
				out = append(out, span{code: s[1 : 1+j], isCode: true})
				s = s[j+2:]
				continue
			}
		} else if j := strings.Index(s, "]("); j > 0 {
			if k := strings.IndexByte(s[j+2:], ')'); k >= 0 {
				out = append(out, span{text: s[1:j], linkTarget: s[j+2 : j+2+k], link: true})
				s = s[j+2+k+1:]
				continue
			}
		}
		plain(s[:1])
		s = s[1:]
	}
	return out
}

// inlineHTML renders inline markup as HTML; resolve maps a "route:" target
// to an anchor ("" when the route is not in the table).
func inlineHTML(s string, resolve func(string) string) template.HTML {
	var b strings.Builder
	for _, sp := range parseInline(s) {
		switch {
		case sp.isCode:
			b.WriteString("<code>" + template.HTMLEscapeString(sp.code) + "</code>")
		case sp.link:
			href := sp.linkTarget
			if strings.HasPrefix(href, "route:") {
				href = resolve(strings.TrimPrefix(href, "route:"))
			} else if !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") {
				href = ""
			}
			if href == "" {
				b.WriteString(template.HTMLEscapeString(sp.text))
				continue
			}
			b.WriteString(`<a href="` + template.HTMLEscapeString(href) + `">` + template.HTMLEscapeString(sp.text) + "</a>")
		default:
			b.WriteString(template.HTMLEscapeString(sp.text))
		}
	}
	return template.HTML(b.String())
}

// inlineMarkdown renders inline markup as CommonMark: route links become
// the route itself in code.
func inlineMarkdown(s string) string {
	var b strings.Builder
	for _, sp := range parseInline(s) {
		switch {
		case sp.isCode:
			b.WriteString("`" + sp.code + "`")
		case sp.link && strings.HasPrefix(sp.linkTarget, "route:"):
			b.WriteString(sp.text + " (`" + strings.TrimPrefix(sp.linkTarget, "route:") + "`)")
		case sp.link:
			b.WriteString("[" + sp.text + "](" + sp.linkTarget + ")")
		default:
			b.WriteString(sp.text)
		}
	}
	return b.String()
}

// introMarkdown is the introduction as CommonMark, for info.description.
func introMarkdown(pagePath, docPath string) string {
	var b strings.Builder
	for _, bl := range intro {
		switch bl.kind {
		case blockHeading:
			b.WriteString("## " + bl.text + "\n\n")
		case blockPara:
			b.WriteString(inlineMarkdown(bl.text) + "\n\n")
		case blockCode:
			b.WriteString("```\n" + bl.text + "\n```\n\n")
		case blockAccess:
			for _, a := range accessLevels {
				b.WriteString("- **" + a.Name + "**: " + a.Text + " (`x-access: " + strings.ToLower(a.Name) + "`)\n")
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("This document is generated from the route table and from the validation rules that run")
	if pagePath != "" {
		b.WriteString("; the same documentation, as a page, is served at `GET " + pagePath + "`")
	}
	if docPath != "" {
		b.WriteString(", and this document at `GET " + docPath + "`")
	}
	b.WriteString(".\n")
	return b.String()
}
