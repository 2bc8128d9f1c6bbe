package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// sipConfig configures POST /api/messages.
var sipConfig = map[string]any{
	"SIP_PROXY":           "sip:flexisip.example.org;transport=tls",
	"SIP_SENDER_URI":      "sip:flexiapi@sip.example.org",
	"SIP_SENDER_PASSWORD": "{{resolve:secretsmanager:flexiapi/sip-sender:SecretString:password}}",
}

// TestMessagesRouteFollowsConfiguration: without SIP_PROXY and a
// sender, /api/messages is no gateway resource, so any method on it
// reaches the catch-all (meta's 404) and no authorizer runs; with them,
// POST /api/messages is an authorized method of the messages function.
func TestMessagesRouteFollowsConfiguration(t *testing.T) {
	off := devStack(t)
	if _, ok := methods(t, off.json)["POST /api/messages"]; ok {
		t.Error("POST /api/messages deployed without SIP configuration")
	}
	if paths, _ := resourcePaths(t, off.json); containsValue(paths, "/api/messages") {
		t.Error("resource /api/messages exists without SIP configuration: its ANY fallback would answer 405, not 404")
	}

	on := build(t, "messages", map[string]any{CtxConfig: writeConfig(t, sipConfig)})
	m, ok := methods(t, on.json)["POST /api/messages"]
	if !ok {
		t.Fatal("POST /api/messages not deployed with SIP configured")
	}
	authz := on.idOf(on.stack.Authorizer.Node().DefaultChild().(awscdk.CfnElement))
	if m.auth != "CUSTOM" || m.authorizer != authz || m.function != on.fnID(api.GroupMessages) {
		t.Errorf("POST /api/messages: %+v, want the authorizer and the messages function", m)
	}
	fn := on.json.Resources[on.fnID(api.GroupMessages)]
	if got := fn.Properties["Timeout"]; got != float64(10) {
		t.Errorf("messages timeout %v, want 10", got)
	}
	env := jsonString(fn.Properties["Environment"])
	if !strings.Contains(env, "SIP_PROXY") || !strings.Contains(env, "{{resolve:secretsmanager:flexiapi/sip-sender") {
		t.Errorf("messages environment lacks the SIP configuration: %s", env)
	}
}

// TestMessagesSettingsChecks: the values that decide the deployment must
// be known at synth time, and the SIP wait must fit in the function.
func TestMessagesSettingsChecks(t *testing.T) {
	ref := map[string]any{"SIP_PROXY": "{{resolve:ssm:/flexiapi/sip-proxy}}", "SIP_SENDER_URI": "sip:a@sip.example.org"}
	if _, err := loadWith(t, map[string]any{}, ref); err == nil || !strings.Contains(err.Error(), "SIP_PROXY decides at synth time") {
		t.Errorf("a SIP_PROXY reference: %v", err)
	}
	slow := map[string]any{"SIP_PROXY": "sip:p.example.org", "SIP_SENDER_URI": "sip:a@sip.example.org", "SIP_MESSAGE_TIMEOUT": 10}
	if _, err := loadWith(t, map[string]any{}, slow); err == nil || !strings.Contains(err.Error(), "SIP_MESSAGE_TIMEOUT") {
		t.Errorf("SIP_MESSAGE_TIMEOUT = function timeout: %v", err)
	}
	if _, err := loadWith(t, map[string]any{"messagesTimeout": 20}, slow); err != nil {
		t.Errorf("SIP_MESSAGE_TIMEOUT below a raised function timeout: %v", err)
	}
	half := map[string]any{"SIP_PROXY": "sip:p.example.org"}
	if _, err := loadWith(t, map[string]any{}, half); err == nil || !strings.Contains(err.Error(), "go together") {
		t.Errorf("SIP_PROXY without a sender: %v", err)
	}
	s, err := loadWith(t, map[string]any{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Routes.ByGateway("POST", "/api/messages"); ok {
		t.Error("default settings deploy POST /api/messages")
	}
}

func containsValue(m map[string]string, v string) bool {
	for _, x := range m {
		if x == v {
			return true
		}
	}
	return false
}
