package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
)

// VPCPlacement puts one function's network interfaces in a VPC: the
// accounts function next to Flexisip's Redis registrar, the projection
// (flexisip-sync) next to Flexisip's SQL database. A function in a VPC
// reaches AWS services (DynamoDB, SES, SNS, Secrets Manager) only through
// VPC endpoints or a NAT gateway: docs/deploy.md.
type VPCPlacement struct {
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"securityGroups"`
}

var (
	subnetRE = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	sgRE     = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
)

// ctxJSON decodes an object-valued setting: a JSON value from a file or
// cdk.json, or its JSON text from -c key='{...}'. False when absent.
func ctxJSON(ctx Context, key string, into any) (bool, error) {
	v := ctx(key)
	if v == nil {
		return false, nil
	}
	var data []byte
	if s, ok := v.(string); ok {
		if strings.TrimSpace(s) == "" {
			return false, nil
		}
		data = []byte(s)
	} else {
		var err error
		if data, err = json.Marshal(v); err != nil {
			return false, fmt.Errorf("context %s: %w", key, err)
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return false, fmt.Errorf("context %s: %v", key, err)
	}
	return true, nil
}

// loadVPC reads the vpc setting: program name → placement.
func loadVPC(ctx Context, s *Settings, fail func(string, ...any)) {
	s.VPC = map[string]VPCPlacement{}
	if _, err := ctxJSON(ctx, CtxVPC, &s.VPC); err != nil {
		fail("%v (want {\"<function>\": {\"subnets\": [\"subnet-…\"], \"securityGroups\": [\"sg-…\"]}})", err)
		return
	}
	programs := map[string]bool{FlexisipSync: true}
	for _, p := range Programs() {
		programs[p] = true
	}
	for _, p := range sortedNames(s.VPC) {
		v := s.VPC[p]
		if !programs[p] {
			fail("context %s: %q is not a function of the stack (%s)", CtxVPC, p, strings.Join(append(Programs(), FlexisipSync), ", "))
			continue
		}
		if len(v.Subnets) == 0 || len(v.SecurityGroups) == 0 {
			fail("context %s: %s needs subnets and securityGroups: the function's network interfaces need both", CtxVPC, p)
		}
		for _, id := range v.Subnets {
			if !subnetRE.MatchString(id) {
				fail("context %s: %s: %q is not a subnet id", CtxVPC, p, id)
			}
		}
		for _, id := range v.SecurityGroups {
			if !sgRE.MatchString(id) {
				fail("context %s: %s: %q is not a security group id", CtxVPC, p, id)
			}
		}
		if p == FlexisipSync && s.FlexisipSecretARN == "" {
			fail("context %s: there is no flexisip-sync function to place without %s", CtxVPC, CtxFlexisipSecret)
		}
	}
}

// placeInVPC gives a function its VPC configuration and the network
// interface permissions Lambda needs (AWSLambdaVPCAccessExecutionRole
// without its logs:* on "*").
func (st *FlexiAPIStack) placeInVPC(program string, v VPCPlacement) {
	fn := st.Functions[program]
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("VPCNetworkInterfaces"),
		Actions: jsii.Strings("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
			"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"),
		Resources: jsii.Strings("*"),
	}))
	fn.Node().DefaultChild().(awslambda.CfnFunction).AddPropertyOverride(jsii.String("VpcConfig"), map[string]any{
		"SubnetIds":        v.Subnets,
		"SecurityGroupIds": v.SecurityGroups,
	})
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
