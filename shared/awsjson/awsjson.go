// Package awsjson calls an AWS service action in its JSON 1.1 protocol,
// signed with the SDK's SigV4 signer. A function that makes one call at
// start (a secret, a few parameters) uses it instead of the service's
// generated client, whose endpoint and schema tables would be
// initialised in every cold start of every function that links it (the
// SSM client alone: about 6 ms and 1.4 MB). For the same reason it does
// not link the SDK's configuration loader (its SSO, OIDC and STS
// clients): a function that has no other AWS client (meta, messages)
// stays without them.
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
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Load gives Call its credentials, region and HTTP client. By default
// they are the variables Lambda sets in every function's environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
// AWS_REGION), which the local stack and the tests set too. A program that
// needs the SDK's whole chain (the operator CLI, with profiles and SSO)
// sets Load to the SDK's loader.
var Load = fromEnvironment

func fromEnvironment(context.Context) (aws.Config, error) {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
	}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return aws.Config{}, fmt.Errorf("no AWS_REGION in the environment")
	}
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN"), Source: "environment"}
	cfg := aws.Config{Region: region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })}
	if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		cfg.BaseEndpoint = aws.String(v)
	}
	return cfg, nil
}

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
	cfg, err := Load(ctx)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	payload, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint(cfg), bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", s.Target+"."+action)
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	sum := sha256.Sum256(payload)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), s.Name, cfg.Region, time.Now()); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	var client interface {
		Do(*http.Request) (*http.Response, error)
	} = cfg.HTTPClient
	if cfg.HTTPClient == nil {
		client = awshttp.NewBuildableClient()
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
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

// endpoint is EndpointEnv when set, else the SDK's AWS_ENDPOINT_URL, else
// the region's.
func (s Service) endpoint(cfg aws.Config) string {
	if v := os.Getenv(s.EndpointEnv); v != "" {
		return strings.TrimRight(v, "/") + "/"
	}
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		return strings.TrimRight(*cfg.BaseEndpoint, "/") + "/"
	}
	return "https://" + s.Name + "." + cfg.Region + ".amazonaws.com/"
}
