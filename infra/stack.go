package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsbackup"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/flexiapi-serverless/flexiapi/shared/api"
	"github.com/flexiapi-serverless/flexiapi/shared/config"
	"github.com/flexiapi-serverless/flexiapi/shared/store/schema"
)

// DynamoAccess is what one Lambda program may do on the table: the item
// actions (and Query) on the table itself, and Query on some indexes. It
// mirrors the calls of shared/store that each program reaches; IAM has no
// TransactWriteItems action: each item of a transaction needs its own
// (Put → PutItem, Update → UpdateItem, Delete → DeleteItem, ConditionCheck
// → ConditionCheckItem).
type DynamoAccess struct {
	TableActions []string
	QueryIndexes []string
}

// TableAccess per Lambda program (a program absent here gets no DynamoDB
// permission at all). Derived from the code:
//
//   - authorizer (shared/authn through shared/store/auth.go): CardBySIP and
//     APIKey (GetItem), CardByEmail (Query on GSI3), TouchAPIKey, UseNonce,
//     RevokeNonce (UpdateItem).
//   - accounts (shared/account through shared/store/accounts.go, auth.go,
//     tokens.go): AccountByID, AccountBySIP, the counts (GetItem);
//     accountsByIDs (BatchGetItem); UsernameInAnyDomain (Query on the
//     table); ListAccounts (Query on GSI1 and GSI2); CreateAuthToken
//     (PutItem); counters, AttachAuthToken (UpdateItem); ConsumeAuthToken
//     (DeleteItem); the TransactWriteItems of CreateAccount, DeleteAccount,
//     SetAccountFlags, SetPasswords, SetAdmin, ReplaceAPIKey (Put, Update,
//     Delete, ConditionCheck).
//   - maintenance (account.Service.ClearUnconfirmed): UnconfirmedAccounts
//     (Query on GSI4), AccountByID (GetItem), DeleteAccount without
//     tombstone (transaction of Delete and Update).
//   - meta: no table access.
//   - messages: no table access (it only speaks SIP to the proxy).
//
// SES (ses:SendEmail on the identity) and SNS (sns:Publish) permissions
// are granted to the programs that send mail or SMS in grantNotify.
var TableAccess = map[string]DynamoAccess{
	Authorizer: {
		TableActions: []string{"dynamodb:GetItem", "dynamodb:UpdateItem"},
		QueryIndexes: []string{"GSI3"},
	},
	api.GroupAccounts: {
		TableActions: []string{
			"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
			"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
			"dynamodb:ConditionCheckItem",
			// Account deletion: the partition's children and the links to
			// the account (store/admin_delete.go, store/contacts.go).
			"dynamodb:BatchWriteItem",
		},
		QueryIndexes: []string{"GSI1", "GSI2"},
	},
	// maintenance also deletes accounts: their partition (Query on the
	// table, BatchWriteItem) and the links to them (Query on GSI1).
	Maintenance: {
		TableActions: []string{"dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
			"dynamodb:Query", "dynamodb:BatchWriteItem"},
		QueryIndexes: []string{"GSI1", "GSI4"},
	},
	// resources (shared/resource through shared/store/account_resources.go,
	// types.go, lists.go, contacts.go): accounts, types, lists, links
	// (GetItem); the contacts' accounts (BatchGetItem); an account's
	// partition, a list's members, the types and lists (Query on the
	// table); who has a type, a list or a contact (Query on GSI1); counters
	// and the account's types/actions/dictionary (UpdateItem); the
	// transactions of links and renames (Put, Update, Delete,
	// ConditionCheck); deleting a list's or a type's links (BatchWriteItem).
	api.GroupResources: {
		TableActions: []string{
			"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
			"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
			"dynamodb:ConditionCheckItem", "dynamodb:BatchWriteItem",
		},
		QueryIndexes: []string{"GSI1"},
	},
	// statistics (shared/stats through shared/store/stats*.go): each event
	// is one conditional PutItem or UpdateItem; the read-back queries GSI5.
	// Nothing else: no read, no delete (the accounts function deletes an
	// account's statistics through GSI2).
	// On the machine API the statistics function checks the API key
	// itself (shared/authn: APIKey, GetItem; TouchAPIKey, UpdateItem).
	api.GroupStatistics: {
		TableActions: []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"},
		QueryIndexes: []string{"GSI5"},
	},
	// extauth (shared/extauth through shared/store/auth.go, extauth.go):
	// CardBySIP and AccountState (GetItem), UseExternalNonce (PutItem).
	api.GroupExtAuth: {
		TableActions: []string{"dynamodb:GetItem", "dynamodb:PutItem"},
	},
}

// FlexiAPIStack is the whole deployment of one stage.
type FlexiAPIStack struct {
	awscdk.Stack
	Settings *Settings
	// Table is the stack's table, or the existing one it was given.
	Table      awsdynamodb.ITable
	Functions  map[string]awslambda.Function
	LogGroups  map[string]awslogs.LogGroup
	API        awsapigateway.RestApi
	Authorizer awsapigateway.RequestAuthorizer
	// MachineAPI is the HTTP API of Flexisip's traffic (machine.go), and
	// LoadBalancer the optional ALB of old statistics clients (nil when off).
	MachineAPI   awsapigatewayv2.HttpApi
	MachineStage awsapigatewayv2.HttpStage
	LoadBalancer awselasticloadbalancingv2.ApplicationLoadBalancer
	// AppKey is the generated APP_KEY secret (nil when the configuration
	// references an existing one).
	AppKey awssecretsmanager.Secret
	// WebACL is nil when the rate limit is 0.
	WebACL    awswafv2.CfnWebACL
	Schedule  awsevents.Rule
	AlarmsSNS awssns.Topic
	Alarms    []awscloudwatch.Alarm
	// The projection for Flexisip (nil without flexisipSqlSecretArn).
	FlexisipFailures awssqs.Queue
	FlexisipMapping  awslambda.EventSourceMapping
	// RestDomain is the REST API's custom domain (nil without one).
	RestDomain awsapigateway.DomainName
	Dashboard  awscloudwatch.Dashboard
	// BackupPlan is nil without the backup setting.
	BackupPlan awsbackup.BackupPlan
}

// NewFlexiAPIStack builds the stack of s.Stage. It is environment-agnostic
// (no account, no region, no lookups): synth works offline.
func NewFlexiAPIStack(scope constructs.Construct, s *Settings) (*FlexiAPIStack, error) {
	zips := map[string]string{}
	var missing []string
	programs := Programs()
	if s.FlexisipSecretARN != "" {
		programs = append(programs, FlexisipSync)
	}
	for _, p := range programs {
		zips[p] = filepath.Join(s.DistDir, p+".zip")
		if !fileExists(zips[p]) {
			missing = append(missing, zips[p])
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing Lambda packages %s: run `make build` (go run ./cmd/devstack build -arch arm64 -out dist) first, or set context %s",
			strings.Join(missing, ", "), CtxDist)
	}
	if s.Routes == nil {
		s.Routes = api.Routes.Deployed(nil)
	}
	for p := range s.Routes.Resources() {
		if strings.HasPrefix(p, "/{") {
			return nil, fmt.Errorf("resource %s: a variable first segment would clash with the root {proxy+} fallback", p)
		}
	}

	stack := awscdk.NewStack(scope, jsii.String(StackName(s.Stage)), &awscdk.StackProps{
		Description: jsii.String("FlexiAPI Serverless, stage " + s.Stage + ": REST API, Lambda authorizer, DynamoDB table, WAF, alarms."),
	})
	awscdk.Tags_Of(stack).Add(jsii.String("project"), jsii.String("flexiapi"), nil)
	awscdk.Tags_Of(stack).Add(jsii.String("stage"), jsii.String(s.Stage), nil)
	st := &FlexiAPIStack{Stack: stack, Settings: s,
		Functions: map[string]awslambda.Function{}, LogGroups: map[string]awslogs.LogGroup{}}

	retain := awscdk.RemovalPolicy_DESTROY
	if s.Production {
		retain = awscdk.RemovalPolicy_RETAIN
	}

	// ------------------------------------------------------------ table
	st.Table = newTable(stack, s, retain)

	// ------------------------------------------------------------ configuration
	env := map[string]*string{"FLEXIAPI_TABLE": st.Table.TableName()}
	for name, v := range s.Env {
		env[name] = jsii.String(v)
	}
	// The variables given as SSM parameters: their names only, the
	// functions read the values at start (shared/params).
	if len(s.Params) > 0 {
		env[config.SSMParametersVar] = jsii.String(config.FormatSSMParameters(s.Params))
	}
	if !s.Given("APP_KEY") {
		st.AppKey = awssecretsmanager.NewSecret(stack, jsii.String("AppKey"), &awssecretsmanager.SecretProps{
			Description: jsii.String("FlexiAPI APP_KEY of stage " + s.Stage + " (Digest opaque, nonce signing key)"),
			GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
				PasswordLength:     jsii.Number(64),
				ExcludePunctuation: jsii.Bool(true),
				IncludeSpace:       jsii.Bool(false),
			},
			RemovalPolicy: retain,
		})
		// A dynamic reference: CloudFormation resolves it at deploy time,
		// the template holds only {{resolve:secretsmanager:<arn>:...}}.
		env["APP_KEY"] = st.AppKey.SecretValue().UnsafeUnwrap()
	}

	// ------------------------------------------------------------ functions
	for _, p := range Programs() {
		if err := checkEnvironment(p, s.Stage, env); err != nil {
			return nil, err
		}
	}
	for _, p := range Programs() {
		st.newFunction(p, zips[p], env, retain)
	}
	for _, p := range Programs() {
		grantTable(st.Functions[p], st.Table, TableAccess[p])
	}
	grantNotify(st)
	for _, p := range Programs() {
		grantParameters(st.Functions[p], s.Params)
		st.trimRoleDependency(p)
	}
	// The projection for Flexisip: no DSN secret, no function, no mapping.
	if s.FlexisipSecretARN != "" {
		if err := st.newFlexisipSync(retain); err != nil {
			return nil, err
		}
	}
	for _, p := range sortedNames(s.VPC) {
		st.placeInVPC(p, s.VPC[p])
	}

	// ------------------------------------------------------------ APIs
	st.newAPI(retain)
	st.newMachineAPI(retain) // machine.go
	if d, ok := s.Domains[APIRest]; ok {
		st.newRestDomain(d)
	}
	if s.Machine.LoadBalancer {
		st.newLoadBalancer() // loadbalancer.go
	}

	// ------------------------------------------------------------ WAF
	if s.RateLimitPerMinute > 0 {
		st.newWebACL()
	}

	// ------------------------------------------------------------ schedule
	st.Schedule = awsevents.NewRule(stack, jsii.String("MaintenanceSchedule"), &awsevents.RuleProps{
		Description: jsii.String("FlexiAPI daily maintenance (clear unconfirmed accounts), stage " + s.Stage),
		Schedule:    awsevents.Schedule_Expression(jsii.String(s.Schedule)),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(st.Functions[Maintenance],
			&awseventstargets.LambdaFunctionProps{RetryAttempts: jsii.Number(2)})},
	})

	// ------------------------------------------------------------ alarms, dashboard, backup
	st.newAlarms()
	if s.FlexisipSecretARN != "" {
		st.newFlexisipAlarms()
	}
	st.newDashboard()
	if s.Backup != nil {
		st.newBackupPlan(retain)
	}

	// ------------------------------------------------------------ outputs
	awscdk.NewCfnOutput(stack, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{
		Description: jsii.String("Base URL of the API (append api/ping)"),
		Value:       st.API.Url(),
	})
	awscdk.NewCfnOutput(stack, jsii.String("TableName"), &awscdk.CfnOutputProps{
		Description: jsii.String("DynamoDB table (FLEXIAPI_TABLE for the admin CLI)"),
		Value:       st.Table.TableName(),
	})
	if st.AppKey != nil {
		awscdk.NewCfnOutput(stack, jsii.String("AppKeySecretArn"), &awscdk.CfnOutputProps{
			Description: jsii.String("Secrets Manager secret holding APP_KEY"),
			Value:       st.AppKey.SecretArn(),
		})
	}
	return st, nil
}

func newTable(stack awscdk.Stack, s *Settings, retain awscdk.RemovalPolicy) awsdynamodb.ITable {
	if s.ExistingTable != "" {
		if s.ExistingTableStreamARN != "" {
			return awsdynamodb.Table_FromTableAttributes(stack, jsii.String("Table"), &awsdynamodb.TableAttributes{
				TableName: jsii.String(s.ExistingTable), TableStreamArn: jsii.String(s.ExistingTableStreamARN),
			})
		}
		return awsdynamodb.Table_FromTableName(stack, jsii.String("Table"), jsii.String(s.ExistingTable))
	}
	str := func(name string) *awsdynamodb.Attribute {
		return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
	}
	t := awsdynamodb.NewTable(stack, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey: str(schema.PartitionKey),
		SortKey:      str(schema.SortKey),
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		TimeToLiveAttribute: jsii.String(schema.TTLAttribute),
		// The projection for Flexisip reads it; unread, it costs nothing.
		Stream:             awsdynamodb.StreamViewType(schema.StreamViewType),
		DeletionProtection: jsii.Bool(s.Production),
		RemovalPolicy:      retain,
	})
	for _, ix := range schema.Indexes {
		props := &awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   str(ix.PartitionKey),
			SortKey:        str(ix.SortKey),
			ProjectionType: awsdynamodb.ProjectionType(ix.Projection),
		}
		if len(ix.NonKeyAttributes) > 0 {
			props.NonKeyAttributes = jsii.Strings(ix.NonKeyAttributes...)
		}
		t.AddGlobalSecondaryIndex(props)
	}
	return t
}

// constructName is the construct id prefix of a program ("accounts" →
// "Accounts").
func constructName(program string) string {
	var b strings.Builder
	up := true
	for _, r := range program {
		if r == '-' || r == '_' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

func (st *FlexiAPIStack) newFunction(program, zip string, env map[string]*string, retain awscdk.RemovalPolicy) {
	s := st.Settings
	name := constructName(program)
	logs := awslogs.NewLogGroup(st.Stack, jsii.String(name+"Logs"), &awslogs.LogGroupProps{
		Retention:     retentionDays[s.LogRetentionDays],
		RemovalPolicy: retain,
	})
	// Its own role, without AWSLambdaBasicExecutionRole (whose logs
	// actions are on "*"): writing to its log group only.
	role := awsiam.NewRole(st.Stack, jsii.String(name+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("FlexiAPI " + program + " function, stage " + s.Stage),
	})
	logs.GrantWrite(role)
	size := s.Sizing[program]
	fn := awslambda.NewFunction(st.Stack, jsii.String(name+"Function"), &awslambda.FunctionProps{
		Description:  jsii.String("FlexiAPI " + program + ", stage " + s.Stage),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(zip), nil),
		MemorySize:   jsii.Number(float64(size.MemoryMB)),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(float64(size.TimeoutSeconds))),
		Environment:  &env,
		LogGroup:     logs,
		Role:         role,
		Tracing:      tracing(s.Tracing),
		// JSON, with Lambda's own START/END/REPORT lines (INFO) left out:
		// each costs about 300 bytes of ingestion per invocation, and the
		// router's request line already says route, status and duration.
		// Our lines are JSON with a "level" Lambda filters on.
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		SystemLogLevelV2:      awslambda.SystemLogLevel_WARN,
		ApplicationLogLevelV2: awslambda.ApplicationLogLevel_INFO,
	})
	st.Functions[program] = fn
	st.LogGroups[program] = logs
}

// trimRoleDependency keeps only the role policy in a function's DependsOn:
// the Lambda construct also lists the role, which its Role property
// already references (cfn-lint W3005).
func (st *FlexiAPIStack) trimRoleDependency(program string) {
	fn := st.Functions[program]
	policy, ok := fn.Role().Node().TryFindChild(jsii.String("DefaultPolicy")).(awsiam.Policy)
	if !ok {
		return
	}
	cfnPolicy := policy.Node().DefaultChild().(awscdk.CfnElement)
	fn.Node().DefaultChild().(awscdk.CfnResource).AddOverride(jsii.String("DependsOn"),
		[]*string{st.Stack.GetLogicalId(cfnPolicy)})
}

func grantTable(fn awslambda.Function, table awsdynamodb.ITable, access DynamoAccess) {
	if len(access.TableActions) > 0 {
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("Table"),
			Actions:   jsii.Strings(access.TableActions...),
			Resources: jsii.Strings(*table.TableArn()),
		}))
	}
	if len(access.QueryIndexes) > 0 {
		var arns []string
		for _, ix := range access.QueryIndexes {
			arns = append(arns, *table.TableArn()+"/index/"+ix)
		}
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("QueryIndexes"),
			Actions:   jsii.Strings("dynamodb:Query"),
			Resources: jsii.Strings(arns...),
		}))
	}
}

// grantParameters lets a function read the SSM parameters its
// FLEXIAPI_SSM_PARAMETERS names (variable → parameter name), and no other.
// A SecureString under the account's default key (aws/ssm) needs no KMS
// statement; one under a customer managed key needs kms:Decrypt on it,
// which the operator grants (docs/deploy.md).
func grantParameters(fn awslambda.Function, params map[string]string) {
	if len(params) == 0 {
		return
	}
	seen := map[string]bool{}
	var arns []*string
	for _, v := range sortedNames(params) {
		if name := params[v]; !seen[name] {
			seen[name] = true
			arns = append(arns, parameterARN(name))
		}
	}
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("SSMParameters"),
		Actions:   jsii.Strings("ssm:GetParameters"),
		Resources: &arns,
	}))
}

// parameterARN is a parameter's ARN in the stack's account and region: a
// name in a hierarchy (/a/b) keeps one slash (parameter/a/b).
func parameterARN(name string) *string {
	return subArn("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/" + strings.TrimPrefix(name, "/"))
}

// grantNotify is where the notification permissions go when a function
// starts sending: ses:SendEmail on the MAIL_FROM_ADDRESS identity ARN
// (arn:aws:ses:<region>:<account>:identity/<domain>) for the program that
// mails, sns:Publish for SMS (Resource "*" is then unavoidable for direct
// SMS publishing; scope it with a condition) and on the platform
// application endpoints for push. The accounts function mails and sends
// SMS (notify_self.go).
func grantNotify(st *FlexiAPIStack) {
	grantMailAndSMS(st)
	grantPush(st) // notify_push.go
}

// lambdaURI is the API Gateway integration URI of a function.
func lambdaURI(fn awslambda.Function) *string {
	return awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn}/invocations"),
		&map[string]*string{"Fn": fn.FunctionArn()})
}

func (st *FlexiAPIStack) newAPI(retain awscdk.RemovalPolicy) {
	s := st.Settings
	deploy := &awsapigateway.StageOptions{
		StageName:            jsii.String(s.Stage),
		Description:          jsii.String("FlexiAPI stage " + s.Stage),
		ThrottlingRateLimit:  jsii.Number(s.ThrottleRate),
		ThrottlingBurstLimit: jsii.Number(float64(s.ThrottleBurst)),
		MetricsEnabled:       jsii.Bool(false),
		DataTraceEnabled:     jsii.Bool(false),
		TracingEnabled:       jsii.Bool(s.Tracing),
	}
	if s.AccessLogs {
		lg := awslogs.NewLogGroup(st.Stack, jsii.String("AccessLogs"), &awslogs.LogGroupProps{
			Retention:     retentionDays[s.LogRetentionDays],
			RemovalPolicy: retain,
		})
		deploy.AccessLogDestination = awsapigateway.NewLogGroupLogDestination(lg)
		deploy.AccessLogFormat = awsapigateway.AccessLogFormat_JsonWithStandardFields(&awsapigateway.JsonWithStandardFieldProps{
			Caller: jsii.Bool(false), HttpMethod: jsii.Bool(true), Ip: jsii.Bool(true), Protocol: jsii.Bool(true),
			RequestTime: jsii.Bool(true), ResourcePath: jsii.Bool(true), ResponseLength: jsii.Bool(true),
			Status: jsii.Bool(true), User: jsii.Bool(false),
		})
	}
	rest := awsapigateway.NewRestApi(st.Stack, jsii.String("Api"), &awsapigateway.RestApiProps{
		RestApiName: jsii.String(StackName(s.Stage)),
		Description: jsii.String("FlexiAPI Serverless REST API, stage " + s.Stage),
		// REGIONAL: the WAF rate rule then sees the client's own IP.
		EndpointConfiguration: &awsapigateway.EndpointConfiguration{
			Types: &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		},
		Deploy:        jsii.Bool(true),
		DeployOptions: deploy,
		// API Gateway's account-wide CloudWatch Logs role is needed only
		// for access logs.
		CloudWatchRole:    jsii.Bool(s.AccessLogs),
		FailOnWarnings:    jsii.Bool(true),
		RetainDeployments: jsii.Bool(false),
		// The QR code PNG (GET /provisioning/qrcode/…) leaves the function
		// base64-encoded; API Gateway decodes it only when the client's
		// first Accept type is a binary media type, and browsers and apps
		// send image/webp, */*… first: "*/*" covers them all. Text answers
		// (isBase64Encoded false) pass unchanged; request bodies then reach
		// the functions base64-encoded, which shared/apigw decodes.
		BinaryMediaTypes: jsii.Strings("*/*"),
	})
	st.API = rest

	st.Authorizer = awsapigateway.NewRequestAuthorizer(st.Stack, jsii.String("Authorizer"), &awsapigateway.RequestAuthorizerProps{
		AuthorizerName: jsii.String("flexiapi"),
		Handler:        st.Functions[Authorizer],
		// No identity source and no cache: Digest answers are single-use
		// and the authorizer must see every request, including the
		// first one without any credential (it answers the challenge).
		IdentitySources: &[]*string{},
		ResultsCacheTtl: awscdk.Duration_Seconds(jsii.Number(0)),
	})
	st.Authorizer.Node().DefaultChild().(awsapigateway.CfnAuthorizer).AddPropertyDeletionOverride(jsii.String("IdentitySource"))

	// One integration and one invoke permission per function (not one per
	// method: a function's resource policy has a 20 KB limit).
	integrations := map[string]awsapigateway.Integration{}
	for _, g := range api.Groups {
		if len(api.Routes.On(api.REST).Group(g)) == 0 {
			continue // a machine-only function (extauth)
		}
		fn := st.Functions[g]
		integrations[g] = awsapigateway.NewIntegration(&awsapigateway.IntegrationProps{
			Type:                  awsapigateway.IntegrationType_AWS_PROXY,
			IntegrationHttpMethod: jsii.String("POST"),
			Uri:                   lambdaURI(fn),
		})
		fn.AddPermission(jsii.String("ApiGatewayInvoke"), &awslambda.Permission{
			Principal: awsiam.NewServicePrincipal(jsii.String("apigateway.amazonaws.com"), nil),
			Action:    jsii.String("lambda:InvokeFunction"),
			SourceArn: rest.ArnForExecuteApi(jsii.String("*"), jsii.String("/*"), jsii.String("*")),
		})
	}
	fallback := integrations[api.GroupMeta]
	public := &awsapigateway.MethodOptions{AuthorizationType: awsapigateway.AuthorizationType_NONE}
	protected := &awsapigateway.MethodOptions{AuthorizationType: awsapigateway.AuthorizationType_CUSTOM, Authorizer: st.Authorizer}

	// The deployed routes: a closed gate's route is no resource (so it
	// answers 404 before any authorizer, as FlexiAPI).
	resources := s.Routes.Resources()
	for _, path := range s.Routes.SortedResources() {
		res := rest.Root()
		if path != "" {
			res = rest.Root().ResourceForPath(jsii.String(path))
		}
		for _, m := range resources[path] {
			r, ok := s.Routes.ByGateway(m, path)
			if !ok {
				panic("route table: no route for " + m + " " + path)
			}
			opts := public
			if r.Access.Protected() {
				opts = protected
			}
			res.AddMethod(jsii.String(m), integrations[r.Group], opts)
		}
		// FlexiAPI's 405 (with Allow) and OPTIONS answers, from meta.
		res.AddMethod(jsii.String("ANY"), fallback, public)
	}
	// FlexiAPI's JSON 404 for every other path.
	if _, ok := resources[""]; !ok {
		rest.Root().AddMethod(jsii.String("ANY"), fallback, public)
	}
	rest.Root().AddResource(jsii.String("{proxy+}"), nil).AddMethod(jsii.String("ANY"), fallback, public)

	for _, g := range api.GatewayResponses {
		opts := &awsapigateway.GatewayResponseOptions{
			Type:      awsapigateway.ResponseType_Of(jsii.String(g.Type)),
			Templates: &map[string]*string{"application/json": jsii.String(g.Template)},
		}
		if g.Status != 0 {
			opts.StatusCode = jsii.String(strconv.Itoa(g.Status))
		}
		if len(g.Headers) > 0 {
			h := map[string]*string{}
			for name, src := range g.Headers {
				h[name] = jsii.String(src)
			}
			opts.ResponseHeaders = &h
		}
		rest.AddGatewayResponse(jsii.String("GatewayResponse"+constructName(strings.ToLower(g.Type))), opts)
	}
}

// Names in the WAF web ACL.
const (
	wafRateRule = "RateLimitPerIP"
	wafBodyKey  = "TooManyAttempts"
	// WAFTooManyBody is FlexiAPI's (Laravel's) throttle message.
	WAFTooManyBody = `{"message":"Too Many Attempts."}`
)

func (st *FlexiAPIStack) newWebACL() {
	s := st.Settings
	visibility := func(metric string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
		return &awswafv2.CfnWebACL_VisibilityConfigProperty{
			CloudWatchMetricsEnabled: jsii.Bool(true),
			MetricName:               jsii.String(metric),
			SampledRequestsEnabled:   jsii.Bool(true),
		}
	}
	st.WebACL = awswafv2.NewCfnWebACL(st.Stack, jsii.String("WebACL"), &awswafv2.CfnWebACLProps{
		Description:      jsii.String("FlexiAPI " + s.Stage + ": " + strconv.Itoa(s.RateLimitPerMinute) + " requests per minute per client IP, the global limit of FlexiAPI"),
		Scope:            jsii.String("REGIONAL"),
		DefaultAction:    &awswafv2.CfnWebACL_DefaultActionProperty{Allow: &awswafv2.CfnWebACL_AllowActionProperty{}},
		VisibilityConfig: visibility("flexiapi-" + s.Stage),
		CustomResponseBodies: &map[string]any{
			wafBodyKey: &awswafv2.CfnWebACL_CustomResponseBodyProperty{
				ContentType: jsii.String("APPLICATION_JSON"),
				Content:     jsii.String(WAFTooManyBody),
			},
		},
		Rules: &[]any{&awswafv2.CfnWebACL_RuleProperty{
			Name:     jsii.String(wafRateRule),
			Priority: jsii.Number(0),
			Statement: &awswafv2.CfnWebACL_StatementProperty{
				RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
					AggregateKeyType:    jsii.String("IP"),
					Limit:               jsii.Number(float64(s.RateLimitPerMinute)),
					EvaluationWindowSec: jsii.Number(60),
				},
			},
			Action: &awswafv2.CfnWebACL_RuleActionProperty{
				Block: &awswafv2.CfnWebACL_BlockActionProperty{
					CustomResponse: &awswafv2.CfnWebACL_CustomResponseProperty{
						ResponseCode:          jsii.Number(429),
						CustomResponseBodyKey: jsii.String(wafBodyKey),
						ResponseHeaders: &[]any{
							&awswafv2.CfnWebACL_CustomHTTPHeaderProperty{Name: jsii.String("Retry-After"), Value: jsii.String("60")},
							&awswafv2.CfnWebACL_CustomHTTPHeaderProperty{Name: jsii.String("X-RateLimit-Limit"), Value: jsii.String(strconv.Itoa(s.RateLimitPerMinute))},
						},
					},
				},
			},
			VisibilityConfig: visibility("flexiapi-" + s.Stage + "-rate"),
		}},
	})
	// The stage ARN refers to the stage: the association waits for it.
	awswafv2.NewCfnWebACLAssociation(st.Stack, jsii.String("WebACLAssociation"), &awswafv2.CfnWebACLAssociationProps{
		ResourceArn: st.API.DeploymentStage().StageArn(),
		WebAclArn:   st.WebACL.AttrArn(),
	})
}

func (st *FlexiAPIStack) newAlarms() {
	s := st.Settings
	if s.AlarmEmail != "" {
		st.AlarmsSNS = awssns.NewTopic(st.Stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
			DisplayName: jsii.String("FlexiAPI " + s.Stage + " alarms"),
		})
		st.AlarmsSNS.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(s.AlarmEmail), nil))
	}
	five := awscdk.Duration_Minutes(jsii.Number(5))
	addN, add := st.addAlarmN, st.addAlarm
	names := make([]string, 0, len(st.Functions))
	for p := range st.Functions {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		fn := st.Functions[p]
		opts := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
		if p == Authorizer {
			// The authorizer answers an unknown or expired API key with the
			// "Unauthorized" error API Gateway expects, which Lambda counts
			// in Errors: a client with a stale key would page the operator.
			// Its real failures are its "authorizer failure" log lines (and
			// the API's 5XX alarm below catches crashes and timeouts).
			filter := awslogs.NewMetricFilter(st.Stack, jsii.String("AuthorizerFailureFilter"), &awslogs.MetricFilterProps{
				LogGroup:        st.LogGroups[p],
				FilterPattern:   awslogs.FilterPattern_StringValue(jsii.String("$.msg"), jsii.String("="), jsii.String("authorizer failure")),
				MetricNamespace: jsii.String("FlexiAPI/" + s.Stage),
				MetricName:      jsii.String("AuthorizerFailures"),
				MetricValue:     jsii.String("1"),
			})
			add(constructName(p)+"Failures", "FlexiAPI "+s.Stage+": the authorizer failed (answered 500) at least once in 5 minutes",
				filter.Metric(opts), 1)
		} else {
			add(constructName(p)+"Errors", "FlexiAPI "+s.Stage+": the "+p+" function failed (Errors >= 1 in 5 minutes)", fn.MetricErrors(opts), 1)
		}
		add(constructName(p)+"Throttles", "FlexiAPI "+s.Stage+": the "+p+" function was throttled (Throttles >= 1 in 5 minutes)", fn.MetricThrottles(opts), 1)
	}
	add("Api5XX", "FlexiAPI "+s.Stage+": the API answered 5XX (>= 5 in 5 minutes)",
		st.API.DeploymentStage().MetricServerError(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}), 5)
	st.newObservabilityAlarms(addN) // observability.go
	st.newMachineAlarms()           // machine.go
}

// addAlarm is one alarm of the stack: the metric at or above threshold
// over one period.
func (st *FlexiAPIStack) addAlarm(id, description string, metric awscloudwatch.IMetric, threshold float64) {
	st.addAlarmN(id, description, metric, threshold, 1)
}

// addAlarmN is one alarm of the stack: the metric at or above threshold
// over periods periods, missing data not breaching, notifying the alarm
// topic.
func (st *FlexiAPIStack) addAlarmN(id, description string, metric awscloudwatch.IMetric, threshold float64, periods int) {
	a := awscloudwatch.NewAlarm(st.Stack, jsii.String(id), &awscloudwatch.AlarmProps{
		Metric:             metric,
		AlarmDescription:   jsii.String(description),
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(float64(periods)),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	if st.AlarmsSNS != nil {
		a.AddAlarmAction(awscloudwatchactions.NewSnsAction(st.AlarmsSNS))
	}
	st.Alarms = append(st.Alarms, a)
}

func tracing(on bool) awslambda.Tracing {
	if on {
		return awslambda.Tracing_ACTIVE
	}
	return awslambda.Tracing_DISABLED
}

func itoa(n int) string { return strconv.Itoa(n) }

var retentionDays = map[int]awslogs.RetentionDays{
	0: awslogs.RetentionDays_INFINITE, 1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS,
	5: awslogs.RetentionDays_FIVE_DAYS, 7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS,
	30: awslogs.RetentionDays_ONE_MONTH, 60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS,
	120: awslogs.RetentionDays_FOUR_MONTHS, 150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS,
	365: awslogs.RetentionDays_ONE_YEAR, 400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS,
	731: awslogs.RetentionDays_TWO_YEARS, 1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS,
	2192: awslogs.RetentionDays_SIX_YEARS, 2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS,
	3288: awslogs.RetentionDays_NINE_YEARS, 3653: awslogs.RetentionDays_TEN_YEARS,
}

func retentionList() string {
	var ds []int
	for d := range retentionDays {
		ds = append(ds, d)
	}
	sort.Ints(ds)
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ", ")
}

// Build reads the settings from the app's context and adds the stack.
func Build(app awscdk.App) (*FlexiAPIStack, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	root, err := FindRepoRoot(cwd)
	if err != nil {
		return nil, err
	}
	s, err := LoadSettings(func(key string) any { return app.Node().TryGetContext(jsii.String(key)) }, root, cwd)
	if err != nil {
		return nil, err
	}
	return NewFlexiAPIStack(app, s)
}
