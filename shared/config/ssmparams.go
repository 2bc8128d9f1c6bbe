package config

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// SSMParametersVar names the variables the functions read from SSM
// Parameter Store at start, as a JSON object from variable to parameter
// name: {"ACCOUNT_PROVISIONING_RC_FILE":"/flexiapi/prod/linphonerc"}. The
// stack sets it from the deploy file's {"ssmParameter": ...} values, so a
// large value does not count against Lambda's 4 KB environment;
// shared/params reads the parameters.
const SSMParametersVar = "FLEXIAPI_SSM_PARAMETERS"

// ssmNameRE: the characters SSM allows in a parameter name.
var ssmNameRE = regexp.MustCompile(`^[A-Za-z0-9_.\-/]+$`)

// CheckSSMParameterName refuses what SSM would refuse as a parameter name
// (the functions would then fail their start on it): a name in a hierarchy
// starts with "/", and no name starts with the reserved aws or ssm.
func CheckSSMParameterName(name string) error {
	first := strings.ToLower(strings.SplitN(strings.TrimPrefix(name, "/"), "/", 2)[0])
	switch {
	case name == "" || len(name) > 1011:
		return fmt.Errorf("SSM parameter name %q: 1 to 1011 characters", name)
	case !ssmNameRE.MatchString(name):
		return fmt.Errorf("SSM parameter name %q: only letters, digits and _ . - /", name)
	case strings.Contains(name, "/") && !strings.HasPrefix(name, "/"):
		return fmt.Errorf("SSM parameter name %q: a name in a hierarchy starts with /", name)
	case strings.HasSuffix(name, "/") || strings.Contains(name, "//"):
		return fmt.Errorf("SSM parameter name %q: an empty level", name)
	case strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm"):
		return fmt.Errorf("SSM parameter name %q: names starting with aws or ssm are reserved", name)
	}
	return nil
}

// FormatSSMParameters is the value of FLEXIAPI_SSM_PARAMETERS for a
// mapping from variable to parameter name (keys sorted: a stable
// template).
func FormatSSMParameters(m map[string]string) string {
	data, _ := json.Marshal(m) // a map of strings always marshals, keys sorted
	return string(data)
}

// ParseSSMParameters reads FLEXIAPI_SSM_PARAMETERS: every key a variable of
// Vars (not the mapping itself), every value a parameter name.
func ParseSSMParameters(s string) (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("%s must be a JSON object from variable to SSM parameter name: %w", SSMParametersVar, err)
	}
	known := map[string]bool{}
	for _, v := range Vars {
		known[v.Name] = true
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var errs []string
	for _, k := range names {
		switch {
		case k == SSMParametersVar || !known[k]:
			errs = append(errs, fmt.Sprintf("%s is not a FlexiAPI variable", k))
		default:
			if err := CheckSSMParameterName(m[k]); err != nil {
				errs = append(errs, k+": "+err.Error())
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %s", SSMParametersVar, strings.Join(errs, "; "))
	}
	return m, nil
}
