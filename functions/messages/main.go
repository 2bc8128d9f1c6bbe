// Command messages is the Lambda of the messages group: POST /api/messages
// sends a SIP MESSAGE through the configured Flexisip proxy.
package main

import (
	"log/slog"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/message"
	"github.com/flexiapi-serverless/flexiapi/shared/messageapi"
	"github.com/flexiapi-serverless/flexiapi/shared/sip"
	"github.com/flexiapi-serverless/flexiapi/shared/startup"
)

func main() {
	fn := startup.Begin(api.GroupMessages)
	fn.Serve(startup.Must(group(fn.Config, fn.Log)))
}

// group wires the messages group. Without SIP configured the route is not
// deployed (docs/compatibility.md) and the router answers 404 for it:
// there is nothing to send with. Configured, sip.New only checks the URIs:
// sockets open on the first message.
func group(cfg *config.Config, log *slog.Logger) (startup.Group, error) {
	var sender message.Sender
	if cfg.MessagesConfigured() {
		s, err := sip.New(sip.Config{Proxy: cfg.SIPProxy, Sender: cfg.SIPSenderURI, Password: cfg.SIPSenderPassword,
			Timeout: cfg.SIPMessageTimeout, Logger: log})
		if err != nil {
			return startup.Group{}, err
		}
		sender = s
	}
	return startup.Group{Name: api.GroupMessages, Table: api.Routes,
		Handlers: messageapi.Handlers(sender, cfg.SIPMessageTimeout, log), Schemas: messageapi.Schemas()}, nil
}
