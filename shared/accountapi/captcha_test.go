package accountapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// verifyCaptchaAt sends hCaptcha's siteverify form and passes only on
// success === true. The server here checks the request we send; the
// real hCaptcha is not reachable from tests.
func TestVerifyCaptcha(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost ||
			r.PostForm.Get("secret") != "s3cret" || r.PostForm.Get("remoteip") != "203.0.113.9" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if r.PostForm.Get("response") == "good" {
			w.Write([]byte(`{"success":true}`))
			return
		}
		w.Write([]byte(`{"success":false,"error-codes":["invalid-input-response"]}`))
	}))
	defer srv.Close()
	ctx := context.Background()
	if ok, err := verifyCaptchaAt(ctx, srv.URL, "s3cret", "good", "203.0.113.9"); !ok || err != nil {
		t.Fatalf("good: %v %v", ok, err)
	}
	if ok, err := verifyCaptchaAt(ctx, srv.URL, "s3cret", "bad", "203.0.113.9"); ok || err != nil {
		t.Fatalf("bad: %v %v", ok, err)
	}
	if ok, _ := verifyCaptchaAt(ctx, srv.URL, "s3cret", "", "203.0.113.9"); ok {
		t.Fatal("an empty response never passes")
	}
	if ok, err := verifyCaptchaAt(ctx, srv.URL, "wrong", "good", "203.0.113.9"); ok || err == nil {
		t.Fatalf("a refused request is an error: %v %v", ok, err)
	}
}
