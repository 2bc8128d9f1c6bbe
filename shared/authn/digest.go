package authn

import (
	"context"
	"errors"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/validate"
)

// Messages of FlexiAPI's Digest 401s.
const (
	MsgUnauthenticated = "Unauthenticated request"
	MsgNonceReplayed   = "Nonce replayed"
	MsgNonceInvalid    = "Nonce invalid"
	MsgNonceExpired    = "Nonce expired"
	MsgWrongAlgorithm  = "Wrong algorithm"
	MsgUnauthorized    = "Unauthorized"
)

// challengeAlgorithm is the one algorithm offered to an account (one
// challenge per 401: API Gateway sends one value per header, and Linphone
// 5.1 rejects two in one field): the first of FlexiAPI's order it can
// answer; "" when it has no password.
func challengeAlgorithm(c *Card) string {
	if _, ok := c.Passwords["MD5"]; ok {
		return "MD5"
	}
	if _, ok := c.Passwords["CLRTXT"]; ok {
		return "MD5"
	}
	if _, ok := c.Passwords["SHA-256"]; ok {
		return "SHA-256"
	}
	return ""
}

// deny is a 401 with a fresh challenge for the account. Issuing it writes
// nothing: the nonce carries its own proof (docs/architecture.md).
func (a *Authenticator) deny(c *Card, msg string, stale bool) Decision {
	ctx := map[string]string{api.CtxMessage: msg}
	if alg := challengeAlgorithm(c); alg != "" {
		nonce := a.nonces.Mint(c.AccountID, a.now())
		ctx[api.CtxChallenge] = auth.Challenge(a.cfg.RealmFor(c.Domain), alg, nonce, a.opaque, stale)
	}
	return Decision{Effect: Deny, PrincipalID: "anonymous", Context: ctx, Method: "digest", Reason: msg}
}

func (a *Authenticator) byDigest(ctx context.Context, r Request) (Decision, error) {
	from := r.Header.Get("From")
	id, err := auth.ParseFrom(from)
	switch {
	case errors.Is(err, auth.ErrFromMissing) && !strings.HasPrefix(r.Path, "/api/"):
		// The web routes (/contacts/vcard…, /provisioning/me) answer a
		// request without credentials 401 JSON, no challenge (there is no
		// login page to redirect to, as FlexiAPI's web panel does).
		return Decision{Effect: Deny, PrincipalID: "anonymous", Context: map[string]string{api.CtxMessage: MsgUnauthenticated},
			Method: "digest", Reason: MsgUnauthenticated}, nil
	case errors.Is(err, auth.ErrFromMissing):
		return allowError(api.InvalidField("from", "The from field is required."), "digest"), nil
	case err != nil:
		return allowError(api.InvalidField("from", "The from field must be a SIP address (sip:username@domain)."), "digest"), nil
	}
	card, err := a.store.CardBySIP(ctx, id.Username, id.Domain)
	if errors.Is(err, ErrNotFound) {
		return allowError(api.NotFound(), "digest"), nil
	}
	if err != nil {
		return Decision{}, err
	}
	creds, ok := auth.ParseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		return a.deny(card, MsgUnauthenticated, false), nil
	}
	realm := a.cfg.RealmFor(card.Domain)
	if errs := a.checkParams(creds, realm, card.Username); errs != nil {
		return allowError(api.Invalid(errs), "digest"), nil
	}
	issued, err := a.nonces.Check(creds.Nonce, card.AccountID, a.now())
	switch {
	case errors.Is(err, auth.ErrNonceExpired):
		return a.deny(card, MsgNonceExpired, true), nil
	case err != nil:
		return a.deny(card, MsgNonceInvalid, false), nil
	}
	stored, ok := card.Passwords[creds.Algorithm]
	ha1 := stored
	if !ok {
		clear, hasClear := card.Passwords["CLRTXT"]
		if !hasClear {
			return a.deny(card, MsgWrongAlgorithm, false), nil
		}
		ha1 = auth.HA1(creds.Algorithm, card.Username, realm, clear)
	}
	if !auth.URIMatchesPath(creds.URI, r.Path) {
		return allowError(api.InvalidField("uri", "The uri does not match the request."), "digest"), nil
	}
	if !auth.ResponseMatches(auth.ExpectedResponse(creds.Algorithm, ha1, r.Method, creds), creds.Response) {
		return a.deny(card, MsgUnauthorized, false), nil
	}
	nc, _ := auth.ParseNC(creds.NC)
	expires := issued.Add(a.cfg.DigestNonceTTL)
	use, err := a.store.UseNonce(ctx, creds.Nonce, nc, expires)
	if err != nil {
		return Decision{}, err
	}
	switch use {
	case NonceReplayed:
		// FlexiAPI deletes a replayed nonce: burn it so that no later nc
		// brings it back.
		if err := a.store.RevokeNonce(ctx, creds.Nonce, expires); err != nil {
			a.log.Warn("revoking a replayed nonce failed", "account_id", card.AccountID, "error", err.Error())
		}
		return a.deny(card, MsgNonceReplayed, false), nil
	case NonceRevoked:
		return a.deny(card, MsgNonceInvalid, false), nil
	}
	return allowPrincipal(card, "digest"), nil
}

// checkParams is FlexiAPI's parameter validation of the Authorization
// header (422), plus the parameters whose absence made FlexiAPI answer 500.
func (a *Authenticator) checkParams(c auth.Credentials, realm, username string) *validate.Errors {
	errs := &validate.Errors{}
	required := func(name, value string) bool {
		if !c.Present[name] || value == "" {
			errs.Add(name, "The "+name+" field is required.")
			return false
		}
		return true
	}
	if required("opaque", c.Opaque) && c.Opaque != a.opaque {
		errs.Add("opaque", "The selected opaque is invalid.")
	}
	if required("qop", c.QOP) && c.QOP != "auth" {
		errs.Add("qop", "The selected qop is invalid.")
	}
	if required("realm", c.Realm) && c.Realm != realm {
		errs.Add("realm", "The selected realm is invalid.")
	}
	if required("nc", c.NC) {
		if _, ok := auth.ParseNC(c.NC); !ok {
			errs.Add("nc", "The nc must be 1 to 8 hexadecimal digits.")
		}
	}
	required("cnonce", c.CNonce)
	// A missing algorithm means MD5 (FlexiAPI's default), so only a wrong
	// one is an error.
	if c.Algorithm != "MD5" && c.Algorithm != "SHA-256" {
		errs.Add("algorithm", "The selected algorithm is invalid.")
	}
	if required("username", c.Username) && c.Username != username {
		errs.Add("username", "The selected username is invalid.")
	}
	required("nonce", c.Nonce)
	required("uri", c.URI)
	required("response", c.Response)
	if errs.Empty() {
		return nil
	}
	return errs
}
