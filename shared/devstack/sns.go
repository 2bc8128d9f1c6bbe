package devstack

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// EnsurePushApplications creates in the local SNS (moto) the platform
// applications that SNS_PUSH_PLATFORM_APPLICATIONS names (decision D18),
// with dummy credentials, as localstack/ready.d/20-sns-platform-apps.sh
// does in LocalStack: fcm → GCM, apns and apns.dev → APNS_SANDBOX. Values
// that are ARNs, and applications that exist, are left alone.
func EnsurePushApplications(ctx context.Context, endpoint string, apps map[string]string) error {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"),
		awsconfig.WithCredentialsProvider(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
		})))
	if err != nil {
		return err
	}
	c := sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(endpoint) })
	existing := map[string]bool{}
	pages := sns.NewListPlatformApplicationsPaginator(c, &sns.ListPlatformApplicationsInput{})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list platform applications: %w", err)
		}
		for _, a := range out.PlatformApplications {
			arn := aws.ToString(a.PlatformApplicationArn)
			existing[arn[strings.LastIndexByte(arn, '/')+1:]] = true
		}
	}
	keys := make([]string, 0, len(apps))
	for k := range apps {
		keys = append(keys, k)
	}
	sort.Strings(keys) // "apns" before "apns.dev": one platform per name
	for _, k := range keys {
		name := apps[k]
		if name == "" || strings.HasPrefix(name, "arn:") || existing[name] {
			continue
		}
		platform, attrs := "GCM", map[string]string{"PlatformCredential": "local-dummy-fcm-server-key"}
		if strings.HasPrefix(k, "apns") {
			platform = "APNS_SANDBOX"
			attrs = map[string]string{"PlatformCredential": "local-dummy-apns-private-key", "PlatformPrincipal": "local-dummy-apns-certificate"}
		}
		if _, err := c.CreatePlatformApplication(ctx, &sns.CreatePlatformApplicationInput{
			Name: aws.String(name), Platform: aws.String(platform), Attributes: attrs,
		}); err != nil {
			return fmt.Errorf("create platform application %s: %w", name, err)
		}
		existing[name] = true
	}
	return nil
}
