// Package awsenv is the AWS configuration of a Lambda function: region and
// credentials from the variables Lambda sets in every function's
// environment, and each service's endpoint variable
// (AWS_ENDPOINT_URL_DYNAMODB, ...; the emulators locally). The SDK's
// configuration loader would give the same in a function, but linking it
// initialises its SSO, OIDC, sign-in and STS clients in every cold start
// (about 3 ms, make bench's package init column). A program that needs
// the loader's whole chain (the operator CLI, with profiles and SSO) sets
// Load to it.
package awsenv

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Load returns the AWS configuration. By default: FromEnvironment.
var Load = FromEnvironment

// FromEnvironment reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN, AWS_REGION (or AWS_DEFAULT_REGION) and
// AWS_ENDPOINT_URL, as Lambda and the local stack set them.
func FromEnvironment(context.Context) (aws.Config, error) {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.Config{}, errors.New("no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
	}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return aws.Config{}, errors.New("no AWS_REGION in the environment")
	}
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN"), Source: "environment"}
	cfg := aws.Config{Region: region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })}
	if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		cfg.BaseEndpoint = aws.String(v)
	}
	return cfg, nil
}

// Endpoint is the service's endpoint: its variable (AWS_ENDPOINT_URL_SNS)
// when set, else the configuration's BaseEndpoint (nil: the service's
// public endpoint in the region). Whichever loader built cfg, a client
// given it behaves the same.
func Endpoint(cfg aws.Config, variable string) *string {
	if v := os.Getenv(variable); v != "" {
		return aws.String(v)
	}
	return cfg.BaseEndpoint
}
