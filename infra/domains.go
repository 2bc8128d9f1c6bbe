package main

import (
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"
)

// The APIs a custom domain can front: the REST API (Linphone, admin
// scripts) and the machine API (Flexisip's traffic, machine.go).
const (
	APIRest    = "rest"
	APIMachine = "machine"
)

var domainAPIs = []string{APIRest, APIMachine}

// Domain is the custom domain of one API: a regional API Gateway domain
// name with its ACM certificate (in the stack's region), mapped at the
// root or under BasePath, and, with HostedZoneID, its DNS alias record in
// that Route 53 zone (otherwise the operator points a CNAME at the
// <Api>DomainTarget output).
type Domain struct {
	Name           string `json:"name"`
	CertificateArn string `json:"certificateArn"`
	BasePath       string `json:"basePath,omitempty"`
	HostedZoneID   string `json:"hostedZoneId,omitempty"`
}

// URL is the public base URL the domain gives the API.
func (d Domain) URL() string {
	u := "https://" + d.Name
	if d.BasePath != "" {
		u += "/" + d.BasePath
	}
	return u
}

var (
	domainNameRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	acmARNRE     = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$`)
	basePathRE   = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)
	zoneIDRE     = regexp.MustCompile(`^Z[A-Z0-9]{1,32}$`)
)

// loadDomains reads the domains setting. A REST API domain sets APP_URL
// when the configuration does not: links then name the custom domain,
// whichever host a request came in on.
func loadDomains(ctx Context, s *Settings, fail func(string, ...any)) {
	s.Domains = map[string]Domain{}
	if _, err := ctxJSON(ctx, CtxDomains, &s.Domains); err != nil {
		fail("%v (want {\"rest\": {\"name\": \"flexiapi.example.org\", \"certificateArn\": \"arn:aws:acm:…\"}})", err)
		return
	}
	apis := map[string]bool{}
	for _, a := range domainAPIs {
		apis[a] = true
	}
	for _, api := range sortedNames(s.Domains) {
		d := s.Domains[api]
		if !apis[api] {
			fail("context %s: %q is not an API of the stack (%s)", CtxDomains, api, strings.Join(domainAPIs, ", "))
			continue
		}
		if !domainNameRE.MatchString(d.Name) {
			fail("context %s: %s: name %q is not a lower-case domain name", CtxDomains, api, d.Name)
		}
		if !acmARNRE.MatchString(d.CertificateArn) {
			fail("context %s: %s: certificateArn %q is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID, in the stack's region)", CtxDomains, api, d.CertificateArn)
		}
		if d.BasePath != "" && !basePathRE.MatchString(d.BasePath) {
			fail("context %s: %s: basePath %q: one path segment of letters, digits, '.', '_' or '-'", CtxDomains, api, d.BasePath)
		}
		if api == APIMachine && d.BasePath != "" {
			// An HTTP API's event carries the mapping key in its rawPath:
			// the machine API is mapped at the root of its domain.
			fail("context %s: %s: no basePath: the machine API takes its domain's root", CtxDomains, api)
		}
		if d.HostedZoneID != "" && !zoneIDRE.MatchString(d.HostedZoneID) {
			fail("context %s: %s: hostedZoneId %q is not a Route 53 hosted zone id", CtxDomains, api, d.HostedZoneID)
		}
	}
	if d, ok := s.Domains[APIRest]; ok {
		if !s.Given("APP_URL") {
			s.Env["APP_URL"] = d.URL()
		}
	}
}

// newDomain fronts the REST API with its custom domain: the domain name,
// its base path mapping to the stage, the DNS record when a zone is given,
// and the outputs.
func (st *FlexiAPIStack) newRestDomain(d Domain) {
	id := constructName(APIRest) + "Domain"
	dn := awsapigateway.NewDomainName(st.Stack, jsii.String(id), &awsapigateway.DomainNameProps{
		DomainName:     jsii.String(d.Name),
		Certificate:    awscertificatemanager.Certificate_FromCertificateArn(st.Stack, jsii.String(id+"Certificate"), jsii.String(d.CertificateArn)),
		EndpointType:   awsapigateway.EndpointType_REGIONAL,
		SecurityPolicy: awsapigateway.SecurityPolicy_TLS_1_2,
	})
	opts := &awsapigateway.BasePathMappingOptions{Stage: st.API.DeploymentStage(), AttachToStage: jsii.Bool(false)}
	if d.BasePath != "" {
		opts.BasePath = jsii.String(d.BasePath)
	}
	dn.AddBasePathMapping(st.API, opts)
	st.RestDomain = dn
	st.newDomainOutputs(APIRest, d, dn.DomainNameAliasDomainName(), dn.DomainNameAliasHostedZoneId())
}

// newDomainOutputs writes an API's domain outputs and, with a hosted zone,
// its alias record.
func (st *FlexiAPIStack) newDomainOutputs(api string, d Domain, target, targetZone *string) {
	name := constructName(api)
	if d.HostedZoneID != "" {
		awsroute53.NewCfnRecordSet(st.Stack, jsii.String(name+"DomainRecord"), &awsroute53.CfnRecordSetProps{
			HostedZoneId: jsii.String(d.HostedZoneID),
			Name:         jsii.String(d.Name + "."),
			Type:         jsii.String("A"),
			AliasTarget: &awsroute53.CfnRecordSet_AliasTargetProperty{
				DnsName:      target,
				HostedZoneId: targetZone,
			},
		})
	}
	awscdk.NewCfnOutput(st.Stack, jsii.String(name+"DomainUrl"), &awscdk.CfnOutputProps{
		Description: jsii.String("Base URL of the " + api + " API on its custom domain (append api/ping)"),
		Value:       jsii.String(d.URL() + "/"),
	})
	awscdk.NewCfnOutput(st.Stack, jsii.String(name+"DomainTarget"), &awscdk.CfnOutputProps{
		Description: jsii.String("DNS target of " + d.Name + ": a CNAME (or Route 53 alias) to this name"),
		Value:       target,
	})
}
