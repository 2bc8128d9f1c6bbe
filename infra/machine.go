package main

import (
	"sort"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// MachineRoutes are the routes the machine API serves: the table's
// machine rows (statistics, under both prefixes, and the SIP check).
func MachineRoutes() *api.Table { return api.Routes.On(api.Machine) }

// newMachineAPI is the machine API: an HTTP API (API Gateway v2) for
// Flexisip's traffic, cheaper per request than the REST API and without
// its authorizer, gateway responses or WAF (the functions check the API
// key or the shared secret themselves). Each machine row of the route
// table is one route on a Lambda proxy integration with payload format
// 1.0, the REST API's, so shared/apigw adapts both. The $default stage
// throttles every route, writes access logs without the query string
// (the SIP check's secret travels in it), and maps the optional custom
// domain.
func (st *FlexiAPIStack) newMachineAPI(retain awscdk.RemovalPolicy) {
	s := st.Settings
	m := s.Machine
	httpAPI := awsapigatewayv2.NewHttpApi(st.Stack, jsii.String("MachineApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String(StackName(s.Stage) + "-machine"),
		Description:        jsii.String("FlexiAPI Serverless machine API (Flexisip: statistics, SIP authentication checks), stage " + s.Stage),
		CreateDefaultStage: jsii.Bool(false),
	})
	st.MachineAPI = httpAPI

	// One integration per function; its permission is the function's,
	// for any route of this API (not one per route).
	routes := MachineRoutes()
	integrations := map[string]awsapigatewayv2.HttpRouteIntegration{}
	var groups []string
	for _, r := range routes.Routes() {
		if _, ok := integrations[r.Group]; !ok {
			groups = append(groups, r.Group)
			integrations[r.Group] = awsapigatewayv2integrations.NewHttpLambdaIntegration(
				jsii.String("Machine"+constructName(r.Group)), st.Functions[r.Group],
				&awsapigatewayv2integrations.HttpLambdaIntegrationProps{
					PayloadFormatVersion:   awsapigatewayv2.PayloadFormatVersion_VERSION_1_0(),
					ScopePermissionToRoute: jsii.Bool(false),
				})
		}
	}
	sort.Strings(groups)
	for _, r := range routes.Routes() {
		// The whole table's gateway path: the resource an event names is
		// the one the functions' routers look up (api.Table.On).
		httpAPI.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(api.Routes.GatewayPath(r)),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(r.Method)},
			Integration: integrations[r.Group],
		})
	}

	stageProps := &awsapigatewayv2.HttpStageProps{
		HttpApi:     httpAPI,
		StageName:   jsii.String("$default"),
		AutoDeploy:  jsii.Bool(true),
		Description: jsii.String("FlexiAPI machine API, stage " + s.Stage),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(m.ThrottleRate),
			BurstLimit: jsii.Number(float64(m.ThrottleBurst)),
		},
	}
	if d, ok := s.Domains[APIMachine]; ok {
		dn := awsapigatewayv2.NewDomainName(st.Stack, jsii.String("MachineDomain"), &awsapigatewayv2.DomainNameProps{
			DomainName:  jsii.String(d.Name),
			Certificate: awscertificatemanager.Certificate_FromCertificateArn(st.Stack, jsii.String("MachineDomainCertificate"), jsii.String(d.CertificateArn)),
		})
		stageProps.DomainMapping = &awsapigatewayv2.DomainMappingOptions{DomainName: dn}
		st.newDomainOutputs(APIMachine, d, dn.RegionalDomainName(), dn.RegionalHostedZoneId())
	}
	stage := awsapigatewayv2.NewHttpStage(st.Stack, jsii.String("MachineStage"), stageProps)
	st.MachineStage = stage
	// The API mapping refers to its domain name already; the explicit
	// dependency the construct adds is redundant (cfn-lint W3005).
	for _, c := range *stage.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if r, ok := c.(awscdk.CfnResource); ok && *r.CfnResourceType() == "AWS::ApiGatewayV2::ApiMapping" {
			r.AddDeletionOverride(jsii.String("DependsOn"))
		}
	}
	if m.AccessLogs {
		// HTTP APIs write access logs through their service-linked role:
		// no account-level CloudWatch role as for the REST API.
		// The Infrequent Access class halves the ingestion price; it has
		// no metric filters nor live tail, which this log needs neither
		// (the alarms read API Gateway's own metrics; Logs Insights
		// queries it).
		lg := awslogs.NewLogGroup(st.Stack, jsii.String("MachineAccessLogs"), &awslogs.LogGroupProps{
			Retention:     retentionDays[s.LogRetentionDays],
			RemovalPolicy: retain,
			LogGroupClass: awslogs.LogGroupClass_INFREQUENT_ACCESS,
		})
		stage.Node().DefaultChild().(awsapigatewayv2.CfnStage).AddPropertyOverride(jsii.String("AccessLogSettings"), map[string]any{
			"DestinationArn": lg.LogGroupArn(),
			"Format":         api.MachineAccessLogFormat(),
		})
	}
	awscdk.NewCfnOutput(st.Stack, jsii.String("MachineApiUrl"), &awscdk.CfnOutputProps{
		Description: jsii.String("Base URL of the machine API, for Flexisip (append api/stats/ or api/flexisip/auth)"),
		Value:       httpAPI.ApiEndpoint(),
	})
}

// newMachineAlarms watches the machine API: its 5xx, its latency (the
// SIP check holds a SIP request, one in flight per domain), and its 4xx
// rate, since Flexisip logs a 401 or a 404 as a success: a wrong key or
// prefix would drop every event without a sound.
func (st *FlexiAPIStack) newMachineAlarms() {
	s := st.Settings
	five := awscdk.Duration_Minutes(jsii.Number(5))
	sum := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
	st.addAlarm("Machine5XX", "FlexiAPI "+s.Stage+": the machine API answered 5XX (>= 5 in 5 minutes)",
		st.MachineAPI.MetricServerError(sum), 5)
	st.addAlarm("MachineLatency", "FlexiAPI "+s.Stage+": the machine API's p99 latency reached "+strconv.Itoa(s.Machine.LatencyAlarmMS)+" ms over 5 minutes",
		st.MachineAPI.MetricLatency(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("p99")}), float64(s.Machine.LatencyAlarmMS))
	rate := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String("IF(requests > 0, 100 * errors / requests, 0)"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"errors":   st.MachineAPI.MetricClientError(sum),
			"requests": st.MachineAPI.MetricCount(sum),
		},
		Label:  jsii.String("machine API 4xx rate (%)"),
		Period: five,
	})
	st.addAlarm("Machine4XXRate", "FlexiAPI "+s.Stage+": "+strconv.Itoa(s.Machine.ClientErrorPct)+
		"% or more of the machine API's requests got a 4xx in 5 minutes: check Flexisip's API key and flexiapi-prefix (it logs a 4xx as a success)",
		rate, float64(s.Machine.ClientErrorPct))
	st.newLoadBalancerAlarms() // loadbalancer.go
}
