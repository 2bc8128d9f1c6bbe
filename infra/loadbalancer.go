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

// newLoadBalancer is the optional front door of Flexisip's clients for
// what the HTTP API cannot be shown to serve (docs/flexisip.md, "HTTP/2
// and SNI"): an Application Load Balancer, whose HTTPS listener speaks
// HTTP/2 to clients that offer only h2 and answers a client without SNI
// with its default certificate, in front of the statistics function and,
// for /api/flexisip/*, the SIP check's (Lambda targets: no API Gateway
// request is billed). The functions route the machine API's paths
// themselves (shared/apigw). It lives in a VPC of its own with two public
// subnets and no NAT gateway (the functions are not in it).
func (st *FlexiAPIStack) newLoadBalancer() {
	s := st.Settings
	vpc := awsec2.NewVpc(st.Stack, jsii.String("FlexisipVpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name: jsii.String("public"), SubnetType: awsec2.SubnetType_PUBLIC, CidrMask: jsii.Number(24),
		}},
		RestrictDefaultSecurityGroup: jsii.Bool(false),
	})
	lb := awselasticloadbalancingv2.NewApplicationLoadBalancer(st.Stack, jsii.String("FlexisipLoadBalancer"), &awselasticloadbalancingv2.ApplicationLoadBalancerProps{
		Vpc:                     vpc,
		InternetFacing:          jsii.Bool(true),
		Http2Enabled:            jsii.Bool(true),
		DropInvalidHeaderFields: jsii.Bool(true),
	})
	st.LoadBalancer = lb
	targets := func(id, group string) awselasticloadbalancingv2.ApplicationTargetGroup {
		tg := awselasticloadbalancingv2.NewApplicationTargetGroup(st.Stack, jsii.String(id), &awselasticloadbalancingv2.ApplicationTargetGroupProps{
			TargetType: awselasticloadbalancingv2.TargetType_LAMBDA,
			Targets:    &[]awselasticloadbalancingv2.IApplicationLoadBalancerTarget{awselasticloadbalancingv2targets.NewLambdaTarget(st.Functions[group])},
		})
		// Multi-value headers and query strings, as API Gateway's events.
		tg.SetAttribute(jsii.String("lambda.multi_value_headers.enabled"), jsii.String("true"))
		return tg
	}
	group := targets("StatsTargets", api.GroupStatistics)
	checks := targets("ExtAuthTargets", api.GroupExtAuth)
	listener := lb.AddListener(jsii.String("Https"), &awselasticloadbalancingv2.BaseApplicationListenerProps{
		Port:                jsii.Number(443),
		Protocol:            awselasticloadbalancingv2.ApplicationProtocol_HTTPS,
		Certificates:        &[]awselasticloadbalancingv2.IListenerCertificate{awselasticloadbalancingv2.ListenerCertificate_FromArn(jsii.String(s.Machine.LoadBalancerCert))},
		SslPolicy:           awselasticloadbalancingv2.SslPolicy_RECOMMENDED_TLS,
		DefaultTargetGroups: &[]awselasticloadbalancingv2.IApplicationTargetGroup{group},
		Open:                jsii.Bool(true),
	})
	listener.AddTargetGroups(jsii.String("ExtAuth"), &awselasticloadbalancingv2.AddApplicationTargetGroupsProps{
		Priority:     jsii.Number(10),
		Conditions:   &[]awselasticloadbalancingv2.ListenerCondition{awselasticloadbalancingv2.ListenerCondition_PathPatterns(jsii.Strings("/api/flexisip/*"))},
		TargetGroups: &[]awselasticloadbalancingv2.IApplicationTargetGroup{checks},
	})
	awscdk.NewCfnOutput(st.Stack, jsii.String("LoadBalancerDns"), &awscdk.CfnOutputProps{
		Description: jsii.String("DNS name of the Flexisip load balancer: the host of Flexisip's statistics (flexiapi-host or url) and remote-auth-uri for clients without SNI"),
		Value:       lb.LoadBalancerDnsName(),
	})
}

// newLoadBalancerAlarms watches the load balancer as the machine
// API: its 5xx and its 4xx rate.
func (st *FlexiAPIStack) newLoadBalancerAlarms() {
	if st.LoadBalancer == nil {
		return
	}
	s := st.Settings
	five := awscdk.Duration_Minutes(jsii.Number(5))
	sum := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
	m := st.LoadBalancer.Metrics()
	st.addAlarm("LoadBalancer5XX", "FlexiAPI "+s.Stage+": the Flexisip load balancer answered 5XX (>= 5 in 5 minutes)",
		awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression: jsii.String("FILL(elb, 0) + FILL(target, 0)"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{
				"elb":    m.HttpCodeElb(awselasticloadbalancingv2.HttpCodeElb_ELB_5XX_COUNT, sum),
				"target": m.HttpCodeTarget(awselasticloadbalancingv2.HttpCodeTarget_TARGET_5XX_COUNT, sum),
			},
			Label: jsii.String("Flexisip load balancer 5xx"), Period: five,
		}), 5)
	st.addAlarm("LoadBalancer4XXRate", "FlexiAPI "+s.Stage+": a 4xx answered to a share of the Flexisip load balancer's requests: check Flexisip's API key and flexiapi-prefix",
		awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression: jsii.String("IF(requests > 0, 100 * (FILL(elb, 0) + FILL(target, 0)) / requests, 0)"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{
				"elb":      m.HttpCodeElb(awselasticloadbalancingv2.HttpCodeElb_ELB_4XX_COUNT, sum),
				"target":   m.HttpCodeTarget(awselasticloadbalancingv2.HttpCodeTarget_TARGET_4XX_COUNT, sum),
				"requests": m.RequestCount(sum),
			},
			Label: jsii.String("Flexisip load balancer 4xx rate (%)"), Period: five,
		}), float64(s.Machine.ClientErrorPct))
}
