package accountapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// hcaptchaVerifyURL is hCaptcha's server-side check.
const hcaptchaVerifyURL = "https://hcaptcha.com/siteverify"

var captchaClient = &http.Client{Timeout: 5 * time.Second}

// verifyCaptcha asks hCaptcha whether the widget's response is a pass
// (FlexiAPI: success === true). An empty response never is.
func verifyCaptcha(ctx context.Context, secret, response, remoteIP string) (bool, error) {
	return verifyCaptchaAt(ctx, hcaptchaVerifyURL, secret, response, remoteIP)
}

func verifyCaptchaAt(ctx context.Context, endpoint, secret, response, remoteIP string) (bool, error) {
	if response == "" {
		return false, nil
	}
	form := url.Values{"secret": {secret}, "response": {response}}
	if remoteIP != "" {
		form.Set("remoteip", remoteIP)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := captchaClient.Do(req)
	if err != nil {
		return false, fmt.Errorf("hcaptcha: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Success bool `json:"success"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&out); err != nil {
		return false, fmt.Errorf("hcaptcha answer: %w", err)
	}
	return out.Success, nil
}
