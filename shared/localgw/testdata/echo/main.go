// Command echo is a test integration for the local gateway: it answers a
// Lambda proxy event with the event itself and what the runtime told it,
// and misbehaves on request (X-Echo-* headers) to exercise the gateway.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type runtimeInfo struct {
	PID          int    `json:"pid"`
	ChildPID     int    `json:"child_pid,omitempty"`
	RequestID    string `json:"request_id"`
	FunctionARN  string `json:"function_arn"`
	DeadlineMS   int64  `json:"deadline_ms"`
	FunctionName string `json:"function_name"`
	Version      string `json:"version"`
	Memory       string `json:"memory"`
	Region       string `json:"region"`
	Handler      string `json:"handler"`
	TaskRoot     string `json:"task_root"`
	TZ           string `json:"tz"`
	LogGroup     string `json:"log_group"`
	TraceID      string `json:"trace_id"`
	Custom       string `json:"custom"`
}

type answer struct {
	Event   events.APIGatewayProxyRequest `json:"event"`
	Runtime runtimeInfo                   `json:"runtime"`
}

func handle(ctx context.Context, ev events.APIGatewayProxyRequest) (json.RawMessage, error) {
	h := ev.Headers
	if d, err := time.ParseDuration(h["X-Echo-Sleep"]); err == nil {
		time.Sleep(d)
	}
	// Honours its deadline: waits for it, then takes the given time to
	// write its answer, as a handler winding up its work does.
	if d, err := time.ParseDuration(h["X-Echo-Answer-After-Deadline"]); err == nil {
		<-ctx.Done()
		time.Sleep(d)
	}
	if path := h["X-Echo-Wait-File"]; path != "" {
		for {
			if _, err := os.Stat(path); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	switch {
	case h["X-Echo-Panic"] != "":
		panic("echo: asked to panic")
	case h["X-Echo-Exit"] != "":
		os.Exit(3)
	case h["X-Echo-Error"] != "":
		return nil, errors.New(h["X-Echo-Error"])
	case h["X-Echo-Malformed"] != "":
		return json.RawMessage(h["X-Echo-Malformed"]), nil
	}

	info := runtimeInfo{
		PID:          os.Getpid(),
		FunctionName: os.Getenv("AWS_LAMBDA_FUNCTION_NAME"),
		Version:      os.Getenv("AWS_LAMBDA_FUNCTION_VERSION"),
		Memory:       os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
		Region:       os.Getenv("AWS_REGION"),
		Handler:      os.Getenv("_HANDLER"),
		TaskRoot:     os.Getenv("LAMBDA_TASK_ROOT"),
		TZ:           os.Getenv("TZ"),
		LogGroup:     os.Getenv("AWS_LAMBDA_LOG_GROUP_NAME"),
		Custom:       os.Getenv("ECHO_CUSTOM"),
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		info.RequestID = lc.AwsRequestID
		info.FunctionARN = lc.InvokedFunctionArn
	}
	if dl, ok := ctx.Deadline(); ok {
		info.DeadlineMS = dl.UnixMilli()
	}
	if v, ok := ctx.Value("x-amzn-trace-id").(string); ok {
		info.TraceID = v
	}
	if h["X-Echo-Spawn"] != "" {
		child := exec.Command(os.Args[0], "child-sleep")
		if err := child.Start(); err != nil {
			return nil, err
		}
		info.ChildPID = child.Process.Pid
	}
	body, err := json.Marshal(answer{Event: ev, Runtime: info})
	if err != nil {
		return nil, err
	}

	resp := events.APIGatewayProxyResponse{
		StatusCode: 200,
		Headers:    map[string]string{"Content-Type": "application/json", "X-Pid": strconv.Itoa(os.Getpid())},
		Body:       string(body),
	}
	if s, err := strconv.Atoi(h["X-Echo-Status"]); err == nil {
		resp.StatusCode = s
	}
	if v := h["X-Echo-Www-Authenticate"]; v != "" {
		resp.Headers["WWW-Authenticate"] = v
		resp.Headers["server"] = "echo"
	}
	if h["X-Echo-Multi"] != "" {
		resp.Headers["X-Both"] = "single"
		resp.MultiValueHeaders = map[string][]string{
			"Set-Cookie": {"a=1", "b=2"},
			"X-Both":     {"multi-1", "multi-2"},
		}
	}
	if h["X-Echo-Base64"] != "" {
		resp.Headers["Content-Type"] = "application/octet-stream"
		resp.Body = base64.StdEncoding.EncodeToString([]byte{0xff, 0x00, 0xfe, 'b', 'i', 'n'})
		resp.IsBase64Encoded = true
	}
	return json.Marshal(resp)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child-sleep" {
		time.Sleep(time.Minute)
		return
	}
	if os.Getenv("ECHO_INIT_FAIL") != "" {
		// A runtime that cannot initialise reports it and exits, as
		// AWS's runtimes do.
		failInit()
	}
	lambda.Start(handle)
}
