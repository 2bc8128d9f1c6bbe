// Package auth holds the authentication primitives of FlexiAPI Serverless:
// parsing of the SIP From header and of Digest Authorization headers, the
// Digest challenge and response computation (RFC 7616, FlexiAPI flavour),
// self-proving Digest nonces (issuing one writes nothing), RS256/384/512
// JWT verification (FlexiAPI's, plus a required email claim and optional
// issuer and audience checks) and API key generation.
//
// Everything here is pure: no AWS, no I/O, no global mutable state. Time and
// secrets are passed in, so the callers (authorizer, handlers) decide where
// they come from and the tests can pin them.
package auth
