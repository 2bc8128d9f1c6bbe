package apigw_test

// The REQUEST authorizer events of events/ through this package's adapter
// and the real authenticator, on an in-memory store of the fixtures'
// accounts.

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/auth"
	"github.com/flexiapi-serverless/flexiapi/shared/authn"
)

// Fields AWS sends that aws-lambda-go's REQUEST authorizer types do not
// carry: decoding drops them, and nothing we read is among them.
var authorizerDropped = []string{
	"requestContext.domainName",
	"requestContext.domainPrefix",
	"requestContext.extendedRequestId",
	"requestContext.protocol",
	"requestContext.requestTime",
	"requestContext.requestTimeEpoch",
}

// The client's User-Agent, when it sends one (Linphone does not), is also
// in requestContext.identity, which the authorizer type does not carry.
const authorizerDroppedUserAgent = "requestContext.identity.userAgent"

// fixtureStore is what the authorizer reads for the fixtures' accounts.
type fixtureStore struct {
	cards map[string]*authn.Card
	keys  map[string]*authn.KeyRecord
}

func (s *fixtureStore) CardBySIP(_ context.Context, username, domain string) (*authn.Card, error) {
	if c, ok := s.cards[username+"@"+domain]; ok {
		return c, nil
	}
	return nil, authn.ErrNotFound
}

func (s *fixtureStore) CardByEmail(context.Context, string) (*authn.Card, error) {
	return nil, authn.ErrNotFound
}

func (s *fixtureStore) APIKey(_ context.Context, hash string) (*authn.KeyRecord, error) {
	if k, ok := s.keys[hash]; ok {
		return k, nil
	}
	return nil, authn.ErrNotFound
}

func (s *fixtureStore) TouchAPIKey(context.Context, string, time.Time, time.Time) error { return nil }

func (s *fixtureStore) UseNonce(context.Context, string, uint32, time.Time) (authn.NonceUse, error) {
	return authn.NonceAccepted, nil
}

func (s *fixtureStore) RevokeNonce(context.Context, string, time.Time) error { return nil }

func TestAuthorizerEvents(t *testing.T) {
	cfg := testConfig(t)
	st := &fixtureStore{
		cards: map[string]*authn.Card{
			"alice01@" + fixtureDomain: {AccountID: 2, Username: "alice01", Domain: fixtureDomain,
				Passwords: map[string]string{"SHA-256": auth.HA1("SHA-256", "alice01", fixtureDomain, "correct-horse-battery")}},
		},
		keys: map[string]*authn.KeyRecord{
			auth.HashAPIKey(fixtureAPIKey): {AccountID: 1, Username: "admin", Domain: fixtureDomain, Admin: true,
				LastUsedAt: time.Now().Add(-30 * time.Second)},
		},
	}
	handler := apigw.AuthorizerHandler(authn.New(st, cfg, discardLogger()), discardLogger())
	const methodARN = "arn:aws:execute-api:eu-west-1:123456789012:k7x2m9q4ra/prod/GET/api/accounts/me"

	check := func(t *testing.T, file string, dropped ...string) (events.APIGatewayCustomAuthorizerRequestTypeRequest, events.APIGatewayCustomAuthorizerResponse) {
		t.Helper()
		var ev events.APIGatewayCustomAuthorizerRequestTypeRequest
		readEvent(t, file, &ev, append(dropped, authorizerDropped...)...)
		if ev.Type != "REQUEST" || ev.MethodArn != methodARN || ev.HTTPMethod != "GET" ||
			ev.Resource != "/api/accounts/me" || ev.Path != "/api/accounts/me" {
			t.Errorf("event: type %q methodArn %q %s %s (resource %s)", ev.Type, ev.MethodArn, ev.HTTPMethod, ev.Path, ev.Resource)
		}
		rc := ev.RequestContext
		if rc.Path != "/prod/api/accounts/me" || rc.Stage != "prod" || rc.ResourcePath != ev.Resource || rc.APIID != "k7x2m9q4ra" {
			t.Errorf("requestContext: path %q stage %q resourcePath %q apiId %q", rc.Path, rc.Stage, rc.ResourcePath, rc.APIID)
		}
		r := apigw.AuthRequest(ev)
		if r.Method != "GET" || r.Path != "/api/accounts/me" {
			t.Errorf("authn request: %s %s", r.Method, r.Path)
		}
		if r.Header.Get("Host") != "k7x2m9q4ra.execute-api.eu-west-1.amazonaws.com" {
			t.Errorf("Host = %q", r.Header.Get("Host"))
		}
		resp, err := handler(context.Background(), ev)
		if err != nil {
			t.Fatalf("authorizer: %v", err)
		}
		s := resp.PolicyDocument.Statement
		if resp.PolicyDocument.Version != "2012-10-17" || len(s) != 1 ||
			!reflect.DeepEqual(s[0].Action, []string{"execute-api:Invoke"}) || !reflect.DeepEqual(s[0].Resource, []string{methodARN}) {
			t.Errorf("policy = %+v", resp.PolicyDocument)
		}
		return ev, resp
	}

	t.Run("authorizer-digest-challenge.json", func(t *testing.T) {
		ev, resp := check(t, "authorizer-digest-challenge.json")
		r := apigw.AuthRequest(ev)
		if r.Header.Get("From") != "sip:alice01@"+fixtureDomain || r.Header.Get("Authorization") != "" || r.Header.Get("User-Agent") != "" {
			t.Errorf("headers: From %q, Authorization %q, User-Agent %q", r.Header.Get("From"), r.Header.Get("Authorization"), r.Header.Get("User-Agent"))
		}
		if ev.RequestContext.Identity.SourceIP != "198.51.100.7" {
			t.Errorf("sourceIp = %q", ev.RequestContext.Identity.SourceIP)
		}
		if resp.PolicyDocument.Statement[0].Effect != "Deny" || resp.PrincipalID != "anonymous" {
			t.Fatalf("want a Deny for anonymous, got %s for %q", resp.PolicyDocument.Statement[0].Effect, resp.PrincipalID)
		}
		// The ACCESS_DENIED gateway response maps these two into the 401.
		challenge, _ := resp.Context[api.CtxChallenge].(string)
		prefix := `Digest realm="` + fixtureDomain + `",qop="auth",algorithm=SHA-256,nonce="`
		if !strings.HasPrefix(challenge, prefix) || !strings.Contains(challenge, `",opaque="`) || strings.Count(challenge, "Digest ") != 1 {
			t.Errorf("challenge = %q, want one %s...", challenge, prefix)
		}
		if resp.Context[api.CtxMessage] != authn.MsgUnauthenticated {
			t.Errorf("message = %v", resp.Context[api.CtxMessage])
		}
	})

	t.Run("authorizer-apikey.json", func(t *testing.T) {
		ev, resp := check(t, "authorizer-apikey.json", authorizerDroppedUserAgent)
		if got := apigw.AuthRequest(ev).Header.Get("X-Api-Key"); got != fixtureAPIKey {
			t.Errorf("x-api-key = %q", got)
		}
		if resp.PolicyDocument.Statement[0].Effect != "Allow" {
			t.Fatalf("want Allow, got %s (context %v)", resp.PolicyDocument.Statement[0].Effect, resp.Context)
		}
		// API Gateway hands this context, plus principalId and
		// integrationLatency, to the function: exactly what
		// proxy-accounts-me-apikey.json carries.
		var proxy events.APIGatewayProxyRequest
		readEvent(t, "proxy-accounts-me-apikey.json", &proxy)
		want := api.StringContext(proxy.RequestContext.Authorizer)
		if want["principalId"] != resp.PrincipalID {
			t.Errorf("principalId: authorizer %q, proxy event %q", resp.PrincipalID, want["principalId"])
		}
		delete(want, "principalId")
		delete(want, "integrationLatency")
		if got := api.StringContext(resp.Context); !reflect.DeepEqual(got, want) {
			t.Errorf("Allow context = %v, proxy event's = %v", got, want)
		}
	})
}

// pausedStore is a fake of a table that does not answer (DynamoDB paused):
// every read waits for the context to end.
type pausedStore struct{ fixtureStore }

func (s *pausedStore) APIKey(ctx context.Context, _ string) (*authn.KeyRecord, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A table that does not answer in time is an Allow carrying a JSON 503
// for the function to answer, given before the authorizer's deadline; not
// an error, which API Gateway answers with a 500.
func TestAuthorizerDependencyTimeoutIs503(t *testing.T) {
	handler := apigw.AuthorizerHandler(authn.New(&pausedStore{}, testConfig(t), discardLogger()), discardLogger())
	var ev events.APIGatewayCustomAuthorizerRequestTypeRequest
	readEvent(t, "authorizer-apikey.json", &ev, append(authorizerDropped, authorizerDroppedUserAgent)...)
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	resp, err := handler(ctx, ev)
	if err != nil {
		t.Fatalf("authorizer error %v: API Gateway would answer 500", err)
	}
	if ctx.Err() != nil {
		t.Fatal("answered after the authorizer's deadline")
	}
	if resp.PolicyDocument.Statement[0].Effect != "Allow" {
		t.Fatalf("effect %s", resp.PolicyDocument.Statement[0].Effect)
	}
	p, deny := api.Guard(api.Route{Access: api.User}, api.StringContext(resp.Context))
	if p != nil || deny == nil || deny.Status != 503 || string(deny.Body) != `{"message":"Service Unavailable"}` {
		t.Fatalf("the function would answer %+v / %+v", p, deny)
	}
}
