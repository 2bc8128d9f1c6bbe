// Package params reads the variables a function takes from SSM Parameter
// Store at start (FLEXIAPI_SSM_PARAMETERS, shared/config): values too large
// for Lambda's 4 KB environment, such as a linphonerc. It is the only
// reader of SSM (through shared/awsjson, not the SSM client); the
// configuration sees a getenv, no AWS type.
// Values may be secrets: no error or log line here repeats one.
package params

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/flexiapi-serverless/flexiapi/shared/awsjson"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
)

// batch is GetParameters' bound on names per call.
const batch = 10

// Getenv returns getenv with the variables FLEXIAPI_SSM_PARAMETERS names
// replaced by their parameters' values, read once (one GetParameters per
// 10 names, with decryption: String and SecureString alike). Without the
// variable it returns getenv itself and touches no AWS. A malformed
// mapping, a missing parameter or a failed call is an error that names the
// variable and the parameter.
func Getenv(ctx context.Context, getenv func(string) string) (func(string) string, error) {
	raw := strings.TrimSpace(getenv(config.SSMParametersVar))
	if raw == "" {
		return getenv, nil
	}
	mapping, err := config.ParseSSMParameters(raw)
	if err != nil {
		return nil, err
	}
	values, err := read(ctx, awsjson.SSM, mapping)
	if err != nil {
		return nil, err
	}
	return func(name string) string {
		if v, ok := values[name]; ok {
			return v
		}
		return getenv(name)
	}, nil
}

// read fetches the parameters of mapping (variable → parameter name) and
// returns the values by variable.
func read(ctx context.Context, ssm awsjson.Service, mapping map[string]string) (map[string]string, error) {
	vars := make([]string, 0, len(mapping))
	for v := range mapping {
		vars = append(vars, v)
	}
	sort.Strings(vars)
	// One parameter may serve several variables: ask for each name once.
	byName := map[string][]string{}
	var names []string
	for _, v := range vars {
		n := mapping[v]
		if byName[n] == nil {
			names = append(names, n)
		}
		byName[n] = append(byName[n], v)
	}
	values := map[string]string{}
	for start := 0; start < len(names); start += batch {
		chunk := names[start:min(start+batch, len(names))]
		var out struct {
			Parameters []struct{ Name, Value string }
		}
		err := ssm.Call(ctx, "GetParameters", map[string]any{"Names": chunk, "WithDecryption": true}, &out)
		if err != nil {
			return nil, fmt.Errorf("SSM parameters (%s): read %s: %w", config.SSMParametersVar, describe(chunk, byName), err)
		}
		got := map[string]bool{}
		for _, p := range out.Parameters {
			name := p.Name
			for _, v := range byName[name] {
				values[v] = p.Value
			}
			got[name] = true
		}
		var missing []string
		for _, n := range chunk {
			if !got[n] {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("SSM parameters (%s): no parameter %s (or no permission to read it)", config.SSMParametersVar, describe(missing, byName))
		}
	}
	return values, nil
}

// describe names parameters with the variables they serve:
// "/a/b (for APP_NAME), /c (for X, Y)".
func describe(names []string, byName map[string][]string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s (for %s)", n, strings.Join(byName[n], ", "))
	}
	return strings.Join(parts, ", ")
}
