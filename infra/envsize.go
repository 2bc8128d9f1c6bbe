package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
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

// envAlternative says what to do with a large variable: give it as an SSM
// parameter the functions read at start (FLEXIAPI_SSM_PARAMETERS), with the
// exact deploy-file entry to write.
func envAlternative(stage, name string) string {
	if name == config.SSMParametersVar {
		return "it names the variables read from SSM parameters: shorten the parameters' names"
	}
	param := "/flexiapi/" + stage + "/" + strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	alt := fmt.Sprintf(`give it as an SSM parameter the functions read at start: put the value in one `+
		`(aws ssm put-parameter --name %s --type SecureString --tier Advanced --value file://VALUE-FILE; `+
		`Advanced holds up to 8 KB, Standard 4 KB) and write "%s": {"ssmParameter": "%s"} in the deploy file `+
		`(docs/deploy.md, section 11; a {{resolve:…}} reference would be resolved into the environment and count at its full size)`,
		param, name, param)
	if name == "ACCOUNT_PROVISIONING_RC_FILE" {
		alt += ", or keep in the linphonerc only the sections the apps need"
	}
	return alt
}

// checkEnvironment refuses, at synth, a function environment Lambda would
// refuse at deploy: it names the function, the size, and the largest
// variable with what to do instead. A variable given as an SSM parameter
// counts by its entry in FLEXIAPI_SSM_PARAMETERS, not by its value.
func checkEnvironment(program, stage string, env map[string]*string) error {
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
	alt := envAlternative(stage, big)
	return fmt.Errorf("function %s: its environment is %d bytes, over Lambda's limit of %d (4 KB, the variables as one JSON object): "+
		"%s holds %d of them; %s", program, len(data), LambdaEnvLimit, big, len(measured[big]), alt)
}
