package localgw

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// The Lambda Runtime API, as documented by AWS
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) and as
// aws-lambda-go's client uses it.
const (
	runtimeAPIPrefix = "/2018-06-01/runtime"

	hdrRequestID     = "Lambda-Runtime-Aws-Request-Id"
	hdrDeadline      = "Lambda-Runtime-Deadline-Ms"
	hdrFunctionARN   = "Lambda-Runtime-Invoked-Function-Arn"
	hdrTraceID       = "Lambda-Runtime-Trace-Id"
	hdrErrorType     = "Lambda-Runtime-Function-Error-Type"
	trailerErrorBody = "Lambda-Runtime-Function-Error-Body"

	// maxResponse is Lambda's synchronous response payload limit.
	maxResponse = 6 << 20
)

// functionARN is the ARN the function sees as its own.
func functionARN(name string) string {
	return "arn:aws:lambda:us-east-1:" + accountID + ":function:" + name
}

func (i *instance) runtimeAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+runtimeAPIPrefix+"/invocation/next", i.handleNext)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/invocation/{id}/response", i.handleResponse)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/invocation/{id}/error", i.handleError)
	mux.HandleFunc("POST "+runtimeAPIPrefix+"/init/error", i.handleInitError)
	return mux
}

// handleNext long-polls until the instance is given an event. The first
// call ends the init phase.
func (i *instance) handleNext(w http.ResponseWriter, r *http.Request) {
	i.readyOnce.Do(func() {
		i.mu.Lock()
		i.initDur = time.Since(i.started)
		i.mu.Unlock()
		close(i.ready)
	})
	select {
	case inv := <-i.events:
		i.mu.Lock()
		i.current = inv
		i.mu.Unlock()
		h := w.Header()
		h.Set(hdrRequestID, inv.id)
		h.Set(hdrDeadline, strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set(hdrFunctionARN, functionARN(i.fn.Name))
		h.Set(hdrTraceID, inv.traceID)
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(inv.payload)
	case <-r.Context().Done():
	case <-i.exited:
	}
}

// take returns the in-flight invocation if id names it, and clears it:
// an invocation is answered once.
func (i *instance) take(id string) *invocation {
	i.mu.Lock()
	defer i.mu.Unlock()
	inv := i.current
	if inv == nil || inv.id != id {
		return nil
	}
	i.current = nil
	return inv
}

func (i *instance) handleResponse(w http.ResponseWriter, r *http.Request) {
	inv := i.take(r.PathValue("id"))
	if inv == nil {
		runtimeAPIError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResponse+1))
	var out outcome
	switch {
	case err != nil:
		out.err = fmt.Errorf("function %s instance %d: reading the response: %w", i.fn.Name, i.id, err)
	case len(body) > maxResponse:
		out.err = fmt.Errorf("function %s instance %d: response larger than %d bytes", i.fn.Name, i.id, maxResponse)
	case r.Trailer.Get(hdrErrorType) != "":
		// aws-lambda-go reports a failure while streaming the body in
		// trailers (the status line was already sent).
		out.fnErr = trailerError(r.Trailer)
	default:
		out.body = body
	}
	i.firstAnswer()
	if out.err != nil && len(body) > maxResponse {
		runtimeAPIError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", out.err.Error())
	} else {
		runtimeAPIAccepted(w)
	}
	inv.done <- out
}

func (i *instance) handleError(w http.ResponseWriter, r *http.Request) {
	inv := i.take(r.PathValue("id"))
	if inv == nil {
		runtimeAPIError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	fe := readFunctionError(r)
	i.firstAnswer()
	runtimeAPIAccepted(w)
	inv.done <- outcome{fnErr: fe}
}

// handleInitError: the runtime could not initialise. Lambda fails the
// pending invocation and discards the environment.
func (i *instance) handleInitError(w http.ResponseWriter, r *http.Request) {
	select {
	case <-i.ready:
		runtimeAPIError(w, http.StatusForbidden, "InvalidStateTransition",
			"State transition from Ready to InitError failed for runtime. Error: State transition is not allowed")
		return
	default:
	}
	fe := readFunctionError(r)
	i.mu.Lock()
	i.initErr = fe
	i.mu.Unlock()
	i.fn.Logger.Error("function init failed", "function", i.fn.Name, "instance", i.id,
		"error_type", fe.Type, "error", fe.Message)
	runtimeAPIAccepted(w)
	go i.kill("init error")
}

// firstAnswer records the instance's cold start at its first answer.
func (i *instance) firstAnswer() {
	i.mu.Lock()
	if i.answered {
		i.mu.Unlock()
		return
	}
	i.answered = true
	cs := ColdStart{Function: i.fn.Name, Instance: i.id, Init: i.initDur, FirstResponse: time.Since(i.started)}
	i.mu.Unlock()
	i.fn.recordColdStart(cs)
}

// readFunctionError decodes {errorMessage, errorType, stackTrace}; a body
// that is not that JSON still yields an error, typed by the header.
func readFunctionError(r *http.Request) *FunctionError {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxResponse))
	var e struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		e.Message = string(body)
	}
	if e.Type == "" {
		e.Type = r.Header.Get(hdrErrorType)
	}
	return &FunctionError{Message: e.Message, Type: e.Type}
}

func trailerError(t http.Header) *FunctionError {
	fe := &FunctionError{Type: t.Get(hdrErrorType)}
	if raw, err := base64.StdEncoding.DecodeString(t.Get(trailerErrorBody)); err == nil {
		var e struct {
			Message string `json:"errorMessage"`
		}
		if json.Unmarshal(raw, &e) == nil {
			fe.Message = e.Message
		}
	}
	return fe
}

func runtimeAPIAccepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

func runtimeAPIError(w http.ResponseWriter, status int, typ, msg string) {
	body, _ := json.Marshal(map[string]string{"errorType": typ, "errorMessage": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// newUUID is a random (version 4) UUID, the shape of Lambda's and API
// Gateway's request ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// newTraceID is an X-Ray trace header, not sampled.
func newTraceID() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", time.Now().Unix(), h[:24], h[24:40])
}
