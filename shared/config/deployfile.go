package config

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// EnvMapDoc is where the operations guide maps FlexiAPI's .env variables to
// ours; messages about a FlexiAPI name point there.
const EnvMapDoc = "docs/operations.md, section 2, \"From FlexiAPI's .env\""

// DeployFile is a deploy configuration file (deploy/example.json is the
// sample): one JSON object holding FlexiAPI variables (UPPER_CASE names,
// Vars) and stack settings (lowerCamel names, the CDK context keys that
// infra/settings.go reads). The stack reads both; the operator CLI reads
// the variables, so that domain and realm are never copied by hand.
type DeployFile struct {
	Path string
	// Vars are the variables the file sets, as strings (numbers and
	// booleans in their JSON text; null = unset, left out).
	Vars map[string]string
	// Params are the variables given as {"ssmParameter": "/name"}: SSM
	// Parameter Store parameters the functions read at start (variable →
	// parameter name; not in Vars).
	Params map[string]string
	// Settings are the stack settings, as decoded JSON values.
	Settings map[string]any
}

var varNameRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// ReadDeployFile reads and checks a deploy configuration file: every
// upper-case name must be one of Vars (a FlexiAPI name we do not read is
// refused with what to use instead), every value a string, a number, a
// boolean, null or {"ssmParameter": "/name"}. Settings are returned
// unchecked: they are the stack's.
func ReadDeployFile(path string) (*DeployFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("configuration file: %w", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("configuration %s: not a JSON object of settings and variable names to values: %w", path, err)
	}
	known := map[string]bool{}
	for _, v := range Vars {
		known[v.Name] = true
	}
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	f := &DeployFile{Path: path, Vars: map[string]string{}, Params: map[string]string{}, Settings: map[string]any{}}
	var errs []string
	for _, name := range names {
		value := raw[name]
		if !varNameRE.MatchString(name) {
			f.Settings[name] = value
			continue
		}
		if !known[name] {
			if why, ok := FlexiAPIEnv[name]; ok {
				errs = append(errs, fmt.Sprintf("%s is FlexiAPI's, not ours: %s (%s)", name, why, EnvMapDoc))
			} else {
				errs = append(errs, fmt.Sprintf("%s is not a FlexiAPI variable (shared/config.Vars lists ours; %s maps FlexiAPI's .env)", name, EnvMapDoc))
			}
			continue
		}
		switch v := value.(type) {
		case nil:
		case string:
			f.Vars[name] = v
		case bool:
			f.Vars[name] = strconv.FormatBool(v)
		case float64:
			f.Vars[name] = strconv.FormatFloat(v, 'f', -1, 64)
		case map[string]any:
			param, err := ssmParameterOf(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", name, err))
				continue
			}
			f.Params[name] = param
		default:
			errs = append(errs, fmt.Sprintf("%s: the value must be a string, a number, a boolean or %s", name, ssmParameterForm))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("configuration %s: %s", path, strings.Join(errs, "; "))
	}
	return f, nil
}

// ssmParameterForm is the one object a variable's value may be.
const ssmParameterForm = `{"ssmParameter": "/parameter/name"} (an SSM parameter the functions read at start)`

// ssmParameterOf reads {"ssmParameter": "/name"}; any other object is
// refused.
func ssmParameterOf(v map[string]any) (string, error) {
	name, ok := v["ssmParameter"].(string)
	if len(v) != 1 || !ok {
		return "", fmt.Errorf("an object value must be exactly %s", ssmParameterForm)
	}
	if err := CheckSSMParameterName(name); err != nil {
		return "", err
	}
	return name, nil
}
