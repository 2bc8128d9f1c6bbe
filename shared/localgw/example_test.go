package localgw_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/localgw"
)

// A cmd/ program serving the real route table with the built bootstraps
// (build/<group>/bootstrap, build/authorizer/bootstrap), as `make run` does.
func Example() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	// Configuration of the Lambdas: the emulators' endpoints, FlexiAPI's
	// variables...; appended to this process's environment.
	env := []string{
		"AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000",
		"APP_SIP_DOMAIN=sip.example.org",
	}
	fns := map[string]*localgw.Function{}
	for _, group := range api.Groups {
		fns[group] = &localgw.Function{
			Name: group, Path: filepath.Join("build", group, "bootstrap"),
			Env: env, Logger: logger,
		}
	}
	gw, err := localgw.New(localgw.Config{
		Table:              api.Routes,
		Functions:          fns,
		Authorizer:         &localgw.Function{Name: "authorizer", Path: "build/authorizer/bootstrap", Env: env, Logger: logger},
		RateLimitPerMinute: 600, // FlexiAPI's limit
		Logger:             logger,
	})
	if err != nil {
		logger.Error("local gateway", "error", err.Error())
		return
	}
	defer gw.Close() // kills every bootstrap process

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Optional: pay the cold starts now rather than on the first requests.
	for _, f := range fns {
		_ = f.Prewarm(ctx, 1)
	}
	srv := &http.Server{Addr: "127.0.0.1:8080", Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("listen", "error", err.Error())
			stop()
		}
	}()
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 35*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
}
