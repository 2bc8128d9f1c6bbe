// Package awsjson calls an AWS service action in its JSON 1.1 protocol,
// signed with the SDK's SigV4 signer. A function that makes one call at
// start (a secret, a few parameters) uses it instead of the service's
// generated client, whose endpoint and schema tables would be
// initialised in every cold start of every function that links it (the
// SSM client alone: about 6 ms and 1.4 MB). Its configuration is
// shared/awsenv's.
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

// endpoint is EndpointEnv when set, else the configuration's base
// endpoint, else the region's.
func (s Service) endpoint(cfg aws.Config) string {
	if e := awsenv.Endpoint(cfg, s.EndpointEnv); e != nil && *e != "" {
		return strings.TrimRight(*e, "/") + "/"
	}
	return "https://" + s.Name + "." + cfg.Region + ".amazonaws.com/"
}
