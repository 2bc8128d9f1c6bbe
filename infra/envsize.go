package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// LambdaEnvLimit is Lambda's bound on a function's environment: 4 KB,
// measured on the variables as one JSON object ({"NAME":"value",...}).
const LambdaEnvLimit = 4096

// Upper estimates of values CloudFormation resolves at deploy time, which
// count at their resolved size.
const (
	tokenEstimate  = 255 // a table name, an ARN: DynamoDB allows 255
	appKeyEstimate = 64  // the generated APP_KEY (awssecretsmanager, 64 characters)
)

// envAlternative says what to do with a large value.
var envAlternative = map[string]string{
	"ACCOUNT_PROVISIONING_RC_FILE": "the functions cannot yet read a linphonerc from a parameter or an object at start " +
		"(docs/deploy.md, Linphone remote provisioning): keep in it only the sections the apps need, " +
		"under about 3.5 KB with the other variables",
}

// checkEnvironment refuses, at synth, a function environment Lambda would
// refuse at deploy: it names the function, the size, and the largest
// variable with what to do instead.
func checkEnvironment(program string, env map[string]*string) error {
	measured := map[string]string{}
	for k, v := range env {
		s := *v
		switch {
		case k == "APP_KEY" && *awscdk.Token_IsUnresolved(jsii.String(s)):
			s = strings.Repeat("k", appKeyEstimate)
		case *awscdk.Token_IsUnresolved(jsii.String(s)):
			s = strings.Repeat("t", tokenEstimate)
		}
		measured[k] = s
	}
	data, _ := json.Marshal(measured) // strings always marshal
	if len(data) <= LambdaEnvLimit {
		return nil
	}
	names := make([]string, 0, len(measured))
	for k := range measured {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if len(measured[names[i]]) != len(measured[names[j]]) {
			return len(measured[names[i]]) > len(measured[names[j]])
		}
		return names[i] < names[j]
	})
	big := names[0]
	alt, ok := envAlternative[big]
	if !ok {
		alt = "a large value belongs in an SSM parameter or a Secrets Manager secret that the function reads at start, not in its environment " +
			"(a {{resolve:…}} reference is resolved into the environment and counts at its full size)"
	}
	return fmt.Errorf("function %s: its environment is %d bytes, over Lambda's limit of %d (4 KB, the variables as one JSON object): "+
		"%s holds %d of them; %s", program, len(data), LambdaEnvLimit, big, len(measured[big]), alt)
}
