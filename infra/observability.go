package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsbackup"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/jsii-runtime-go"
)

// BackupPlan is the optional AWS Backup plan of the table, besides its
// point-in-time recovery (35 days): snapshots kept longer, in a vault of
// their own.
type BackupPlan struct {
	// Schedule is an EventBridge cron expression; default daily 04:00 UTC.
	Schedule string `json:"schedule,omitempty"`
	// DeleteAfterDays is how long a snapshot is kept; default 35.
	DeleteAfterDays int `json:"deleteAfterDays,omitempty"`
}

// Defaults of the backup plan.
const (
	DefaultBackupSchedule  = "cron(0 4 * * ? *)"
	DefaultBackupKeepDays  = 35
	backupKeepDaysMaximum  = 36500
	dashboardPeriodMinutes = 5
)

// loadObservability reads tracing, backup and the alarm thresholds.
func loadObservability(ctx Context, s *Settings, fail func(string, ...any)) {
	var err error
	if s.Tracing, err = ctxBool(ctx, CtxTracing, false); err != nil {
		fail("%v", err)
	}
	if s.LatencyAlarmMs, err = ctxInt(ctx, CtxLatencyAlarmMs, DefaultLatencyAlarmMs); err != nil {
		fail("%v", err)
	} else if s.LatencyAlarmMs < 1 || s.LatencyAlarmMs > 29000 {
		fail("context %s=%d: 1 to 29000 ms (API Gateway's own timeout)", CtxLatencyAlarmMs, s.LatencyAlarmMs)
	}
	if s.WAFBlockAlarm, err = ctxInt(ctx, CtxWAFBlockAlarm, DefaultWAFBlockAlarm); err != nil {
		fail("%v", err)
	} else if s.WAFBlockAlarm < 1 {
		fail("context %s=%d: at least 1", CtxWAFBlockAlarm, s.WAFBlockAlarm)
	}
	// backup: true (the defaults), false, or an object.
	switch v := ctx(CtxBackup).(type) {
	case nil:
	case bool:
		if v {
			s.Backup = &BackupPlan{}
		}
	case string:
		switch strings.TrimSpace(strings.ToLower(v)) {
		case "", "false":
		case "true":
			s.Backup = &BackupPlan{}
		default:
			s.Backup = &BackupPlan{}
			if _, err := ctxJSON(ctx, CtxBackup, s.Backup); err != nil {
				fail("%v (want true or {\"schedule\": \"cron(…)\", \"deleteAfterDays\": 35})", err)
			}
		}
	default:
		s.Backup = &BackupPlan{}
		if _, err := ctxJSON(ctx, CtxBackup, s.Backup); err != nil {
			fail("%v (want true or {\"schedule\": \"cron(…)\", \"deleteAfterDays\": 35})", err)
		}
	}
	if b := s.Backup; b != nil {
		if b.Schedule == "" {
			b.Schedule = DefaultBackupSchedule
		}
		if b.DeleteAfterDays == 0 {
			b.DeleteAfterDays = DefaultBackupKeepDays
		}
		if !strings.HasPrefix(b.Schedule, "cron(") {
			fail("context %s: schedule %q must be a cron(...) expression", CtxBackup, b.Schedule)
		}
		if b.DeleteAfterDays < 1 || b.DeleteAfterDays > backupKeepDaysMaximum {
			fail("context %s: deleteAfterDays %d: 1 to %d", CtxBackup, b.DeleteAfterDays, backupKeepDaysMaximum)
		}
	}
}

// newBackupPlan backs the table up with AWS Backup, into a vault of the
// stack (retained with production).
func (st *FlexiAPIStack) newBackupPlan(retain awscdk.RemovalPolicy) {
	b := st.Settings.Backup
	vault := awsbackup.NewBackupVault(st.Stack, jsii.String("BackupVault"), &awsbackup.BackupVaultProps{RemovalPolicy: retain})
	plan := awsbackup.NewBackupPlan(st.Stack, jsii.String("BackupPlan"), &awsbackup.BackupPlanProps{
		BackupVault: vault,
		BackupPlanRules: &[]awsbackup.BackupPlanRule{awsbackup.NewBackupPlanRule(&awsbackup.BackupPlanRuleProps{
			RuleName:           jsii.String("table"),
			ScheduleExpression: awsevents.Schedule_Expression(jsii.String(b.Schedule)),
			DeleteAfter:        awscdk.Duration_Days(jsii.Number(float64(b.DeleteAfterDays))),
		})},
	})
	plan.AddSelection(jsii.String("Table"), &awsbackup.BackupSelectionOptions{
		Resources: &[]awsbackup.BackupResource{awsbackup.BackupResource_FromArn(st.Table.TableArn())},
	})
	st.BackupPlan = plan
}

// Metrics of the table, the web ACL and the REST stage that the dashboard
// and the alarms share.
func (st *FlexiAPIStack) tableMetric(name, statistic string) awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String("AWS/DynamoDB"),
		MetricName:    jsii.String(name),
		DimensionsMap: &map[string]*string{"TableName": st.Table.TableName()},
		Statistic:     jsii.String(statistic),
		Period:        awscdk.Duration_Minutes(jsii.Number(dashboardPeriodMinutes)),
	})
}

// tableThrottles is every throttled request of the table and its indexes
// (on demand, a throttle means a partition or account limit was hit).
func (st *FlexiAPIStack) tableThrottles() awscloudwatch.MathExpression {
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String("FILL(r, 0) + FILL(w, 0)"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"r": st.tableMetric("ReadThrottleEvents", "Sum"),
			"w": st.tableMetric("WriteThrottleEvents", "Sum"),
		},
		Label:  jsii.String("throttled requests"),
		Period: awscdk.Duration_Minutes(jsii.Number(dashboardPeriodMinutes)),
	})
}

// wafMetric is a web ACL metric (rule "ALL" for the whole ACL). The
// WebACL dimension is its name: the first part of its Ref (name|id|scope).
func (st *FlexiAPIStack) wafMetric(name, rule string) awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:  jsii.String("AWS/WAFV2"),
		MetricName: jsii.String(name),
		DimensionsMap: &map[string]*string{
			"WebACL": awscdk.Fn_Select(jsii.Number(0), awscdk.Fn_Split(jsii.String("|"), st.WebACL.Ref(), nil)),
			"Region": awscdk.Aws_REGION(),
			"Rule":   jsii.String(rule),
		},
		Statistic: jsii.String("Sum"),
		Period:    awscdk.Duration_Minutes(jsii.Number(dashboardPeriodMinutes)),
	})
}

func (st *FlexiAPIStack) stageMetric(name, statistic string) awscloudwatch.Metric {
	return st.API.DeploymentStage().Metric(jsii.String(name), &awscloudwatch.MetricOptions{
		Statistic: jsii.String(statistic), Period: awscdk.Duration_Minutes(jsii.Number(dashboardPeriodMinutes)),
	})
}

// newObservabilityAlarms: DynamoDB throttles, the REST API's p99 latency
// (three periods in a row, so that one slow cold start pages nobody), and
// requests blocked by the WAF rate rule.
func (st *FlexiAPIStack) newObservabilityAlarms(add func(id, description string, metric awscloudwatch.IMetric, threshold float64, periods int)) {
	s := st.Settings
	add("TableThrottles", "FlexiAPI "+s.Stage+": DynamoDB throttled requests of the table (>= 1 in 5 minutes): clients got 503s", st.tableThrottles(), 1, 1)
	add("ApiLatencyP99", "FlexiAPI "+s.Stage+": the REST API's p99 latency was above "+itoa(s.LatencyAlarmMs)+" ms for 15 minutes",
		st.stageMetric("Latency", "p99"), float64(s.LatencyAlarmMs), 3)
	if st.WebACL != nil {
		add("WafBlocked", "FlexiAPI "+s.Stage+": the WAF rate rule blocked "+itoa(s.WAFBlockAlarm)+" requests or more in 5 minutes (a client over FLEXIAPI_RATE_LIMIT_PER_MINUTE)",
			st.wafMetric("BlockedRequests", "ALL"), float64(s.WAFBlockAlarm), 1)
	}
}

// newDashboard is the stage's CloudWatch dashboard: requests, errors and
// p99 latency of the API and of each function, the table's consumed and
// throttled units, the WAF's allowed and blocked requests.
func (st *FlexiAPIStack) newDashboard() {
	s := st.Settings
	graph := func(title string, metrics ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String(title), Left: &metrics, Width: jsii.Number(8), Height: jsii.Number(6),
		})
	}
	api := []awscloudwatch.IWidget{
		graph("REST API requests", st.stageMetric("Count", "Sum")),
		graph("REST API 4xx and 5xx", st.stageMetric("4XXError", "Sum"), st.stageMetric("5XXError", "Sum")),
		graph("REST API latency p99 (ms)", st.stageMetric("Latency", "p99"), st.stageMetric("IntegrationLatency", "p99")),
	}
	perFunction := func(metric func(program string) awscloudwatch.IMetric) []awscloudwatch.IMetric {
		var out []awscloudwatch.IMetric
		for _, p := range sortedNames(st.Functions) {
			out = append(out, metric(p))
		}
		return out
	}
	five := awscdk.Duration_Minutes(jsii.Number(dashboardPeriodMinutes))
	opts := func(program, statistic string) *awscloudwatch.MetricOptions {
		return &awscloudwatch.MetricOptions{Statistic: jsii.String(statistic), Period: five, Label: jsii.String(program)}
	}
	functions := []awscloudwatch.IWidget{
		graph("Invocations per function", perFunction(func(p string) awscloudwatch.IMetric { return st.Functions[p].MetricInvocations(opts(p, "Sum")) })...),
		graph("Errors and throttles per function", append(
			perFunction(func(p string) awscloudwatch.IMetric { return st.Functions[p].MetricErrors(opts(p+" errors", "Sum")) }),
			perFunction(func(p string) awscloudwatch.IMetric {
				return st.Functions[p].MetricThrottles(opts(p+" throttles", "Sum"))
			})...)...),
		graph("Duration p99 per function (ms)", perFunction(func(p string) awscloudwatch.IMetric { return st.Functions[p].MetricDuration(opts(p, "p99")) })...),
	}
	table := []awscloudwatch.IWidget{
		graph("DynamoDB consumed units", st.tableMetric("ConsumedReadCapacityUnits", "Sum"), st.tableMetric("ConsumedWriteCapacityUnits", "Sum")),
		graph("DynamoDB throttled requests", st.tableMetric("ReadThrottleEvents", "Sum"), st.tableMetric("WriteThrottleEvents", "Sum")),
	}
	if st.WebACL != nil {
		table = append(table, graph("WAF allowed and blocked", st.wafMetric("AllowedRequests", "ALL"), st.wafMetric("BlockedRequests", "ALL")))
	}
	st.Dashboard = awscloudwatch.NewDashboard(st.Stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName: jsii.String(StackName(s.Stage)),
		Widgets:       &[]*[]awscloudwatch.IWidget{&api, &functions, &table},
	})
}
