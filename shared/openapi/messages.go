package openapi

import "github.com/flexiapi-serverless/flexiapi/shared/api"

// POST /api/messages (shared/messageapi renders it): its answer and its
// gate, registered here so the shared tables stay as they are.
func init() {
	shapes["MessageSent"] = shape{desc: "The message was accepted by the SIP proxy.", media: mediaJSON,
		schema: object("The sent message.", prop{"id", typed("string", "The message id: the SIP MESSAGE's Call-ID.")})}
	gateVars[api.GateMessages] = "SIP_PROXY"
	gateConditions[api.GateMessages] = "`SIP_PROXY` and `SIP_SENDER_URI` are set (POST /messages is then deployed; otherwise API Gateway has no such resource)"
}
