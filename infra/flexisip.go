package main

import (
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/flexisip/mapping"
)

// FlexisipSync is the projection for Flexisip's program: deployed only
// when a DSN secret is configured (context flexisipSqlSecretArn).
const FlexisipSync = mapping.Function

func init() {
	// It reads one account (strongly consistent) per changed account:
	// store.AccountByID. Its stream permissions are granted apart.
	TableAccess[FlexisipSync] = DynamoAccess{TableActions: []string{"dynamodb:GetItem"}}
}

var (
	secretARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
	streamARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/[A-Za-z0-9_.-]+/stream/.+$`)
)

// loadFlexisipSettings reads the projection's context keys.
func loadFlexisipSettings(ctx Context, s *Settings, fail func(string, ...any)) {
	s.FlexisipSecretARN = ctxString(ctx, CtxFlexisipSecret, "")
	if s.FlexisipSecretARN != "" && !secretARNRE.MatchString(s.FlexisipSecretARN) {
		// Not repeated: an operator may have pasted the DSN itself.
		fail("context %s: not a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-xxxxxx); the DSN goes into the secret, never into the context", CtxFlexisipSecret)
	}
	s.ExistingTableStreamARN = ctxString(ctx, CtxExistingTableStream, "")
	if s.ExistingTableStreamARN != "" && !streamARNRE.MatchString(s.ExistingTableStreamARN) {
		fail("context %s=%q: not a DynamoDB stream ARN", CtxExistingTableStream, s.ExistingTableStreamARN)
	}
	if s.FlexisipSecretARN != "" && s.ExistingTable != "" && s.ExistingTableStreamARN == "" {
		fail("context %s: with %s, the projection for Flexisip needs the table's stream (NEW_AND_OLD_IMAGES) as %s", CtxFlexisipSecret, CtxExistingTable, CtxExistingTableStream)
	}
	s.Sizing[FlexisipSync] = Sizing{MemoryMB: mapping.MemoryMB, TimeoutSeconds: mapping.TimeoutSeconds}
}

// newFlexisipSync deploys the projection: the function with its own role
// (the table's stream, one GetItem, the DSN secret, the failure queue),
// optionally in a VPC (the vpc setting, network.go), and the event source mapping with the settings of
// shared/flexisip/mapping.
func (st *FlexiAPIStack) newFlexisipSync(retain awscdk.RemovalPolicy) error {
	s := st.Settings
	stream := st.Table.TableStreamArn()
	if stream == nil {
		return fmt.Errorf("the table has no stream: the projection for Flexisip reads it")
	}
	zip := filepath.Join(s.DistDir, FlexisipSync+".zip")
	env := map[string]*string{
		"FLEXIAPI_TABLE":          st.Table.TableName(),
		"FLEXISIP_SQL_SECRET_ARN": jsii.String(s.FlexisipSecretARN),
	}
	// Its aliases carry APP_SIP_DOMAIN, as FlexiAPI's do; nothing else of
	// the configuration (no APP_KEY) reaches it: of the SSM parameters,
	// only APP_SIP_DOMAIN's.
	if v, ok := s.Env["APP_SIP_DOMAIN"]; ok {
		env["APP_SIP_DOMAIN"] = jsii.String(v)
	}
	params := map[string]string{}
	if name, ok := s.Params["APP_SIP_DOMAIN"]; ok {
		params["APP_SIP_DOMAIN"] = name
		env[config.SSMParametersVar] = jsii.String(config.FormatSSMParameters(params))
	}
	if err := checkEnvironment(FlexisipSync, s.Stage, env); err != nil {
		return err
	}
	st.newFunction(FlexisipSync, zip, env, retain)
	fn := st.Functions[FlexisipSync]
	grantTable(fn, st.Table, TableAccess[FlexisipSync])
	grantParameters(fn, params)

	// The event source mapping reads the stream with the function's role.
	// ListStreams has no resource-level permission.
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("Stream"),
		Actions:   jsii.Strings("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
		Resources: jsii.Strings(*stream),
	}))
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ListStreams"),
		Actions:   jsii.Strings("dynamodb:ListStreams"),
		Resources: jsii.Strings("*"),
	}))
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("DSNSecret"),
		Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
		Resources: jsii.Strings(s.FlexisipSecretARN),
	}))
	st.FlexisipFailures = awssqs.NewQueue(st.Stack, jsii.String("FlexisipSyncFailures"), &awssqs.QueueProps{
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RemovalPolicy:   retain,
	})
	st.FlexisipMapping = awslambda.NewEventSourceMapping(st.Stack, jsii.String("FlexisipSyncMapping"), &awslambda.EventSourceMappingProps{
		Target:                  fn,
		EventSourceArn:          stream,
		StartingPosition:        awslambda.StartingPosition(mapping.StartingPosition),
		BatchSize:               jsii.Number(mapping.BatchSize),
		BisectBatchOnError:      jsii.Bool(mapping.BisectOnError),
		RetryAttempts:           jsii.Number(mapping.RetryAttempts),
		MaxRecordAge:            awscdk.Duration_Seconds(jsii.Number(mapping.MaxRecordAgeSeconds)),
		ParallelizationFactor:   jsii.Number(mapping.ParallelizationFactor),
		ReportBatchItemFailures: jsii.Bool(mapping.ReportBatchItemFailures),
		Filters:                 &[]*map[string]any{{"pattern": mapping.FilterPattern}},
		OnFailure:               awslambdaeventsources.NewSqsDlq(st.FlexisipFailures),
	})
	// The mapping validates its role's stream permissions when created.
	policy, ok := fn.Role().Node().TryFindChild(jsii.String("DefaultPolicy")).(awsiam.Policy)
	if ok {
		st.FlexisipMapping.Node().AddDependency(policy)
	}
	st.trimRoleDependency(FlexisipSync)
	awscdk.NewCfnOutput(st.Stack, jsii.String("FlexisipSyncFailureQueueUrl"), &awscdk.CfnOutputProps{
		Description: jsii.String("SQS queue where the projection for Flexisip puts the stream batches it gave up on (docs/flexisip.md)"),
		Value:       st.FlexisipFailures.QueueUrl(),
	})
	return nil
}

// newFlexisipAlarms: the stream's lag (iterator age), records the function
// could not sync (its failure log lines: a partial batch failure is no
// Lambda error), and the failure queue's depth. Errors and Throttles come
// with every function (newAlarms).
func (st *FlexiAPIStack) newFlexisipAlarms() {
	s := st.Settings
	fn := st.Functions[FlexisipSync]
	five := awscdk.Duration_Minutes(jsii.Number(5))
	add := func(id, description string, metric awscloudwatch.IMetric, threshold float64) {
		a := awscloudwatch.NewAlarm(st.Stack, jsii.String(id), &awscloudwatch.AlarmProps{
			Metric:             metric,
			AlarmDescription:   jsii.String(description),
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		if st.AlarmsSNS != nil {
			a.AddAlarmAction(awscloudwatchactions.NewSnsAction(st.AlarmsSNS))
		}
		st.Alarms = append(st.Alarms, a)
	}
	add("FlexisipSyncIteratorAge", "FlexiAPI "+s.Stage+": account changes wait more than a minute to reach Flexisip's database (IteratorAge; the database may be down)",
		fn.Metric(jsii.String("IteratorAge"), &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}), 60_000)
	filter := awslogs.NewMetricFilter(st.Stack, jsii.String("FlexisipSyncFailureFilter"), &awslogs.MetricFilterProps{
		LogGroup:        st.LogGroups[FlexisipSync],
		FilterPattern:   awslogs.FilterPattern_StringValue(jsii.String("$.msg"), jsii.String("="), jsii.String("flexisip sync failed")),
		MetricNamespace: jsii.String("FlexiAPI/" + s.Stage),
		MetricName:      jsii.String("FlexisipSyncFailures"),
		MetricValue:     jsii.String("1"),
	})
	add("FlexisipSyncFailedBatches", "FlexiAPI "+s.Stage+": a batch could not be synced to Flexisip's database (it is retried; see the function's log)",
		filter.Metric(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}), 1)
	add("FlexisipSyncFailureQueueDepth", "FlexiAPI "+s.Stage+": stream records were given up and sit in the failure queue: fix the cause, then run flexiapi-admin flexisip-sync -rebuild",
		st.FlexisipFailures.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}), 1)
}
