// Package awsjson calls an AWS service action in its JSON 1.1 protocol,
// signed with the SDK's SigV4 signer. A function that makes one call at
// start (a secret, a few parameters) uses it instead of the service's
// generated client, whose endpoint and schema tables would be
// initialised in every cold start of every function that links it (the
// SSM client alone: about 6 ms and 1.4 MB). Its configuration is
// shared/awsenv's; Post, its signed request, serves SES v2's REST JSON too.
package awsjson

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/flexiapi-serverless/flexiapi/shared/awsenv"
)

// Service is an AWS service that speaks JSON 1.1.
type Service struct {
	// Name is the signing name and the endpoint's host prefix
	// ("secretsmanager", "ssm").
	Name string
	// Target prefixes the action in X-Amz-Target ("secretsmanager",
	// "AmazonSSM").
	Target string
	// EndpointEnv is the SDK's service-specific endpoint variable
	// ("AWS_ENDPOINT_URL_SSM"): an emulator locally.
	EndpointEnv string
}

// The services the functions call this way.
var (
	SecretsManager = Service{Name: "secretsmanager", Target: "secretsmanager", EndpointEnv: "AWS_ENDPOINT_URL_SECRETS_MANAGER"}
	SSM            = Service{Name: "ssm", Target: "AmazonSSM", EndpointEnv: "AWS_ENDPOINT_URL_SSM"}
)

// Call runs one action: in is marshalled as the request, the answer
// unmarshalled into out (nil: ignored). A refusal is an error with the
// service's error type and message, which never repeat in's values.
func (s Service) Call(ctx context.Context, action string, in, out any) error {
	cfg, err := awsenv.Load(ctx)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	payload, err := json.Marshal(in)
	if err != nil {
		return err
	}
	resp, body, err := Post(ctx, cfg, s.Name, s.endpoint(cfg), http.Header{
		"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {s.Target + "." + action}}, payload)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
			Msg     string `json:"Message"`
		}
		_ = json.Unmarshal(body, &e)
		if e.Message == "" {
			e.Message = e.Msg
		}
		return fmt.Errorf("%s %s: %d %s: %s", s.Name, action, resp.StatusCode, e.Type, e.Message)
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

// Post sends one POST of payload to url, signed with SigV4 for the
// service signingName in cfg's region, with cfg's HTTP client (or the one
// the SDK's clients default to), and returns the answer with its body (at
// most 1 MB). The REST JSON services (SES v2) use it directly.
func Post(ctx context.Context, cfg aws.Config, signingName, url string, header http.Header, payload []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return nil, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("credentials: %w", err)
	}
	sum := sha256.Sum256(payload)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), signingName, cfg.Region, time.Now()); err != nil {
		return nil, nil, fmt.Errorf("sign: %w", err)
	}
	var client interface {
		Do(*http.Request) (*http.Response, error)
	} = cfg.HTTPClient
	if cfg.HTTPClient == nil {
		client = awshttp.NewBuildableClient()
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, body, nil
}

// endpoint is EndpointEnv when set, else the configuration's base
// endpoint, else the region's.
func (s Service) endpoint(cfg aws.Config) string {
	if e := awsenv.Endpoint(cfg, s.EndpointEnv); e != nil && *e != "" {
		return strings.TrimRight(*e, "/") + "/"
	}
	return "https://" + s.Name + "." + cfg.Region + ".amazonaws.com/"
}
