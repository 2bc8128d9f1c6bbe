package devstack

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// EnsurePushApplications creates in the local SNS (moto) the platform
// applications that SNS_PUSH_PLATFORM_APPLICATIONS names,
// with dummy credentials, as localstack/ready.d/20-sns-platform-apps.sh
// does in LocalStack: for fcm a GCM application, for apns an APNS one, for
// apns.dev an APNS_SANDBOX one (the platforms the CDK stack gives these
// names, infra/notify_push.go). ARNs, and applications that exist, are
// left alone.
func EnsurePushApplications(ctx context.Context, endpoint string, apps map[string]string) error {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"),
		awsconfig.WithCredentialsProvider(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
		})))
	if err != nil {
		return err
	}
	c := sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(endpoint) })
	existing := map[string]bool{} // "PLATFORM/name"
	pages := sns.NewListPlatformApplicationsPaginator(c, &sns.ListPlatformApplicationsInput{})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list platform applications: %w", err)
		}
		for _, a := range out.PlatformApplications {
			arn := aws.ToString(a.PlatformApplicationArn)
			if _, rest, ok := strings.Cut(arn, ":app/"); ok {
				existing[rest] = true
			}
		}
	}
	for k, name := range apps {
		provider, _, _ := strings.Cut(k, ":")
		platform, attrs := "GCM", map[string]string{"PlatformCredential": "local-dummy-fcm-server-key"}
		switch provider {
		case "apns", "apns.dev":
			platform = "APNS"
			if provider == "apns.dev" {
				platform = "APNS_SANDBOX"
			}
			attrs = map[string]string{"PlatformCredential": "local-dummy-apns-private-key", "PlatformPrincipal": "local-dummy-apns-certificate"}
		}
		if name == "" || strings.HasPrefix(name, "arn:") || existing[platform+"/"+name] {
			continue
		}
		if _, err := c.CreatePlatformApplication(ctx, &sns.CreatePlatformApplicationInput{
			Name: aws.String(name), Platform: aws.String(platform), Attributes: attrs,
		}); err != nil {
			return fmt.Errorf("create platform application %s (%s): %w", name, platform, err)
		}
		existing[platform+"/"+name] = true
	}
	return nil
}
