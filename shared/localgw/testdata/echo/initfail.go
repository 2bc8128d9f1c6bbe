package main

import (
	"net/http"
	"os"
	"strings"
)

// failInit posts to /runtime/init/error, as a runtime whose init failed.
func failInit() {
	url := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/init/error"
	body := `{"errorMessage":"missing configuration","errorType":"Runtime.InitError"}`
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "Runtime.InitError")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	os.Exit(1)
}
