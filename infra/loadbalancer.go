package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2targets"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
)

// newStatsLoadBalancer is the optional front door of Flexisip's
// statistics client for what the HTTP API cannot be shown to serve
// (docs/flexisip.md, "HTTP/2 and SNI"): an Application Load Balancer,
// whose HTTPS listener speaks HTTP/2 to clients that offer only h2 and
// answers a client without SNI with its default certificate, in front of
// the statistics function (a Lambda target: no API Gateway request is
// billed). The function routes the machine API's paths itself
// (shared/apigw). It lives in a VPC of its own with two public subnets
// and no NAT gateway (the function is not in it).
func (st *FlexiAPIStack) newStatsLoadBalancer() {
	s := st.Settings
	vpc := awsec2.NewVpc(st.Stack, jsii.String("StatsVpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name: jsii.String("public"), SubnetType: awsec2.SubnetType_PUBLIC, CidrMask: jsii.Number(24),
		}},
		RestrictDefaultSecurityGroup: jsii.Bool(false),
	})
	lb := awselasticloadbalancingv2.NewApplicationLoadBalancer(st.Stack, jsii.String("StatsLoadBalancer"), &awselasticloadbalancingv2.ApplicationLoadBalancerProps{
		Vpc:                     vpc,
		InternetFacing:          jsii.Bool(true),
		Http2Enabled:            jsii.Bool(true),
		DropInvalidHeaderFields: jsii.Bool(true),
	})
	st.LoadBalancer = lb
	group := awselasticloadbalancingv2.NewApplicationTargetGroup(st.Stack, jsii.String("StatsTargets"), &awselasticloadbalancingv2.ApplicationTargetGroupProps{
		TargetType: awselasticloadbalancingv2.TargetType_LAMBDA,
		Targets:    &[]awselasticloadbalancingv2.IApplicationLoadBalancerTarget{awselasticloadbalancingv2targets.NewLambdaTarget(st.Functions[api.GroupStatistics])},
	})
	// Multi-value headers and query strings, as API Gateway's events.
	group.SetAttribute(jsii.String("lambda.multi_value_headers.enabled"), jsii.String("true"))
	lb.AddListener(jsii.String("Https"), &awselasticloadbalancingv2.BaseApplicationListenerProps{
		Port:                jsii.Number(443),
		Protocol:            awselasticloadbalancingv2.ApplicationProtocol_HTTPS,
		Certificates:        &[]awselasticloadbalancingv2.IListenerCertificate{awselasticloadbalancingv2.ListenerCertificate_FromArn(jsii.String(s.Machine.LoadBalancerCert))},
		SslPolicy:           awselasticloadbalancingv2.SslPolicy_RECOMMENDED_TLS,
		DefaultTargetGroups: &[]awselasticloadbalancingv2.IApplicationTargetGroup{group},
		Open:                jsii.Bool(true),
	})
	awscdk.NewCfnOutput(st.Stack, jsii.String("StatsLoadBalancerDns"), &awscdk.CfnOutputProps{
		Description: jsii.String("DNS name of the statistics load balancer: Flexisip's flexiapi-host (or url) for the versions without SNI"),
		Value:       lb.LoadBalancerDnsName(),
	})
}

// newStatsLoadBalancerAlarms watches the load balancer as the machine
// API: its 5xx and its 4xx rate.
func (st *FlexiAPIStack) newStatsLoadBalancerAlarms() {
	if st.LoadBalancer == nil {
		return
	}
	s := st.Settings
	five := awscdk.Duration_Minutes(jsii.Number(5))
	sum := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
	m := st.LoadBalancer.Metrics()
	st.addAlarm("StatsLoadBalancer5XX", "FlexiAPI "+s.Stage+": the statistics load balancer answered 5XX (>= 5 in 5 minutes)",
		awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression: jsii.String("FILL(elb, 0) + FILL(target, 0)"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{
				"elb":    m.HttpCodeElb(awselasticloadbalancingv2.HttpCodeElb_ELB_5XX_COUNT, sum),
				"target": m.HttpCodeTarget(awselasticloadbalancingv2.HttpCodeTarget_TARGET_5XX_COUNT, sum),
			},
			Label: jsii.String("statistics load balancer 5xx"), Period: five,
		}), 5)
	st.addAlarm("StatsLoadBalancer4XXRate", "FlexiAPI "+s.Stage+": a 4xx answered to a share of the statistics load balancer's requests: check Flexisip's API key and flexiapi-prefix",
		awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression: jsii.String("IF(requests > 0, 100 * (FILL(elb, 0) + FILL(target, 0)) / requests, 0)"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{
				"elb":      m.HttpCodeElb(awselasticloadbalancingv2.HttpCodeElb_ELB_4XX_COUNT, sum),
				"target":   m.HttpCodeTarget(awselasticloadbalancingv2.HttpCodeTarget_TARGET_4XX_COUNT, sum),
				"requests": m.RequestCount(sum),
			},
			Label: jsii.String("statistics load balancer 4xx rate (%)"), Period: five,
		}), float64(s.Machine.ClientErrorPct))
}
