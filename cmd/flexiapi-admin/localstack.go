package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LocalEnvFile is where make run writes the environment its functions get
// (emulator endpoints, dummy credentials, the settings), APP_KEY aside
// (a JSON object of strings).
const LocalEnvFile = ".local/functions.json"

// awsSelectors are the variables that say "this shell talks to an AWS
// account, or to an endpoint of its own": with any of them set, the local
// stack is not used.
var awsSelectors = []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"}

// findLocalStack returns make run's environment file and its variables
// when the command runs next to it and no AWS selector is set.
func findLocalStack() (string, map[string]string, error) {
	for _, k := range awsSelectors {
		if os.Getenv(k) != "" {
			return "", nil, nil
		}
	}
	path, err := filepath.Abs(LocalEnvFile)
	if err != nil {
		return "", nil, err
	}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	var vars map[string]string
	if err := json.Unmarshal(b, &vars); err != nil {
		return "", nil, fmt.Errorf("%s: %w (make run writes it; remove it if make run is not used here)", path, err)
	}
	return path, vars, nil
}

func isAWSVariable(k string) bool { return strings.HasPrefix(k, "AWS_") }
