// Command messages is the Lambda of the messages group: POST /api/messages
// sends a SIP MESSAGE through the configured Flexisip proxy (D13).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/apigw"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/logging"
	"github.com/flexiapi-serverless/flexiapi/shared/message"
	"github.com/flexiapi-serverless/flexiapi/shared/messageapi"
	"github.com/flexiapi-serverless/flexiapi/shared/sip"
)

func main() {
	log := logging.New(api.GroupMessages)
	cfg := config.MustLoad()
	// Not configured: the route is not deployed (D26) and the router
	// answers 404 for it; there is nothing to send with.
	var sender message.Sender
	if cfg.MessagesConfigured() {
		// New only checks the URIs: sockets open on the first message.
		s, err := sip.New(sip.Config{Proxy: cfg.SIPProxy, Sender: cfg.SIPSenderURI, Password: cfg.SIPSenderPassword,
			Timeout: cfg.SIPMessageTimeout, Logger: log})
		if err != nil {
			log.Error("sip", "error", err.Error())
			panic(err)
		}
		sender = s
	}
	rt, err := api.NewRouter(api.Routes, api.GroupMessages, messageapi.Handlers(sender, cfg.SIPMessageTimeout, log),
		api.RouterOptions{Schemas: messageapi.Schemas(), GateOn: apigw.GateOn(cfg), Logger: log})
	if err != nil {
		log.Error("router", "error", err.Error())
		panic(err)
	}
	lambda.Start(apigw.ProxyHandler(rt))
}
