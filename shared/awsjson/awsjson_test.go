package awsjson

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A call is a signed JSON 1.1 POST to the service's endpoint variable, and
// a refusal is an error with the service's type and message.
func TestCall(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r, must(io.ReadAll(r.Body))
		if strings.Contains(string(body), "missing") {
			w.WriteHeader(400)
			w.Write([]byte(`{"__type":"ParameterNotFound","message":"no such parameter"}`))
			return
		}
		w.Write([]byte(`{"Parameters":[{"Name":"/a","Value":"v"}]}`))
	}))
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_SSM", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKID")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "token")
	t.Setenv("AWS_REGION", "eu-west-3")
	var out struct {
		Parameters []struct{ Name, Value string }
	}
	if err := SSM.Call(context.Background(), "GetParameters", map[string]any{"Names": []string{"/a"}}, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Parameters) != 1 || out.Parameters[0].Value != "v" {
		t.Errorf("answer %+v", out)
	}
	auth := got.Header.Get("Authorization")
	if got.Method != "POST" || got.Header.Get("X-Amz-Target") != "AmazonSSM.GetParameters" ||
		got.Header.Get("Content-Type") != "application/x-amz-json-1.1" ||
		!strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKID/") || !strings.Contains(auth, "/eu-west-3/ssm/aws4_request") ||
		got.Header.Get("X-Amz-Security-Token") != "token" {
		t.Errorf("request %s %v", got.Method, got.Header)
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil || in["Names"] == nil {
		t.Errorf("body %s", body)
	}
	err := SSM.Call(context.Background(), "GetParameters", map[string]any{"Names": []string{"missing"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "ParameterNotFound") || !strings.Contains(err.Error(), "no such parameter") {
		t.Errorf("refusal: %v", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
