package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// Push sends the account creation token to a device with SNS mobile push:
// the platform application comes from SNS_PUSH_PLATFORM_APPLICATIONS
// (pn_provider:pn_param, else pn_provider), the device's platform
// endpoint is created (or found) for its pn_prid, and the token goes as
// an FCM data message or an APNs background push, FlexiAPI's custom
// payload {"token": "…"}.
type Push struct {
	apps map[string]string // pn_provider[:pn_param] → application name or ARN

	mu   sync.Mutex
	arns map[string]string // application name → ARN, found once per process
}

var _ account.Pusher = (*Push)(nil)

// NewPush returns a pusher for the configured applications; its SNS
// client is built on the first push.
func NewPush(apps map[string]string) *Push {
	return &Push{apps: apps, arns: map[string]string{}}
}

// ErrNoApplication: no platform application is configured for the
// device's pn_provider (and pn_param).
var ErrNoApplication = errors.New("no SNS platform application for this pn_provider")

// application is the configured application of a device: the more
// specific "pn_provider:pn_param" key wins over "pn_provider".
func (p *Push) application(to account.PushTarget) (string, bool) {
	if app, ok := p.apps[to.Provider+":"+to.Param]; ok && app != "" {
		return app, true
	}
	app, ok := p.apps[to.Provider]
	return app, ok && app != ""
}

// PushCreationToken implements account.Pusher.
func (p *Push) PushCreationToken(ctx context.Context, to account.PushTarget, token string) error {
	app, ok := p.application(to)
	if !ok {
		return ErrNoApplication
	}
	c, err := snsClient()
	if err != nil {
		return err
	}
	appARN, err := p.applicationARN(ctx, c, app, providerPlatform(to.Provider))
	if err != nil {
		return err
	}
	endpoint, err := p.endpoint(ctx, c, appARN, to.PRID)
	if err != nil {
		return err
	}
	platform := platformOf(appARN)
	msg, attrs, err := creationTokenMessage(platform, token)
	if err != nil {
		return err
	}
	_, err = c.Publish(ctx, &sns.PublishInput{
		TargetArn: aws.String(endpoint), MessageStructure: aws.String("json"),
		Message: aws.String(msg), MessageAttributes: attrs,
	})
	if err != nil {
		return fmt.Errorf("sns publish push: %w", err)
	}
	return nil
}

// platformOf reads the platform (GCM, APNS, APNS_SANDBOX, …) from an
// application ARN: arn:aws:sns:region:account:app/PLATFORM/name.
func platformOf(appARN string) string {
	_, rest, ok := strings.Cut(appARN, ":app/")
	if !ok {
		return ""
	}
	platform, _, _ := strings.Cut(rest, "/")
	return platform
}

// providerPlatform is the SNS platform of a pn_provider: a name given
// for it resolves to an application of that platform first (SNS allows one
// name per platform: flexiapi-apns can be both APNS and APNS_SANDBOX).
func providerPlatform(provider string) string {
	switch provider {
	case "fcm":
		return "GCM"
	case "apns":
		return "APNS"
	case "apns.dev":
		return "APNS_SANDBOX"
	}
	return ""
}

// applicationARN resolves a configured name to its ARN (an ARN is used as
// it is), listing the account's applications once per name and process:
// the application of the provider's platform, else the first of that name.
// (The CDK stack configures ARNs, so in AWS no listing happens.)
func (p *Push) applicationARN(ctx context.Context, c *sns.Client, app, platform string) (string, error) {
	if strings.HasPrefix(app, "arn:") {
		return app, nil
	}
	cacheKey := platform + "/" + app
	p.mu.Lock()
	arn, ok := p.arns[cacheKey]
	p.mu.Unlock()
	if ok {
		return arn, nil
	}
	var fallback string
	pages := sns.NewListPlatformApplicationsPaginator(c, &sns.ListPlatformApplicationsInput{})
	for pages.HasMorePages() && arn == "" {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("sns list platform applications: %w", err)
		}
		for _, a := range out.PlatformApplications {
			candidate := aws.ToString(a.PlatformApplicationArn)
			if !strings.HasSuffix(candidate, "/"+app) || !strings.Contains(candidate, ":app/") {
				continue
			}
			if platformOf(candidate) == platform {
				arn = candidate
				break
			}
			if fallback == "" {
				fallback = candidate
			}
		}
	}
	if arn == "" {
		arn = fallback
	}
	if arn == "" {
		return "", fmt.Errorf("%w: the SNS platform application %q does not exist", ErrNoApplication, app)
	}
	p.mu.Lock()
	p.arns[cacheKey] = arn
	p.mu.Unlock()
	return arn, nil
}

// endpoint creates the device's platform endpoint, or finds the existing
// one (CreatePlatformEndpoint is idempotent for the same token), and
// re-enables it if the provider had disabled it: the device just asked
// for a token, so its pn_prid is current.
func (p *Push) endpoint(ctx context.Context, c *sns.Client, appARN, prid string) (string, error) {
	out, err := c.CreatePlatformEndpoint(ctx, &sns.CreatePlatformEndpointInput{
		PlatformApplicationArn: aws.String(appARN), Token: aws.String(prid),
	})
	var arn string
	switch {
	case err == nil:
		arn = aws.ToString(out.EndpointArn)
	default:
		// An endpoint for this token exists with other attributes (for
		// instance disabled): SNS names it only in its error message.
		var ok bool
		if arn, ok = existingEndpoint(err); !ok {
			return "", fmt.Errorf("sns create platform endpoint: %w", err)
		}
	}
	attrs, err := c.GetEndpointAttributes(ctx, &sns.GetEndpointAttributesInput{EndpointArn: aws.String(arn)})
	if err != nil {
		return "", fmt.Errorf("sns get endpoint attributes: %w", err)
	}
	if !strings.EqualFold(attrs.Attributes["Enabled"], "true") || attrs.Attributes["Token"] != prid {
		if _, err := c.SetEndpointAttributes(ctx, &sns.SetEndpointAttributesInput{
			EndpointArn: aws.String(arn), Attributes: map[string]string{"Enabled": "true", "Token": prid},
		}); err != nil {
			return "", fmt.Errorf("sns enable endpoint: %w", err)
		}
	}
	return arn, nil
}

// creationTokenMessage is the SNS JSON message for a platform: an FCM
// data message (delivered to the app even in the background), or an APNs
// background push (content-available, push type background, priority 5,
// as the Flexisip pusher's --apple-push-type Background), each carrying
// FlexiAPI's payload {"token": "…"}.
func creationTokenMessage(platform, token string) (string, map[string]snstypes.MessageAttributeValue, error) {
	var payload map[string]any
	var attrs map[string]snstypes.MessageAttributeValue
	switch platform {
	case "GCM":
		payload = map[string]any{"data": map[string]string{"token": token}, "priority": "high"}
	case "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX":
		payload = map[string]any{"aps": map[string]any{"content-available": 1}, "token": token}
		attrs = map[string]snstypes.MessageAttributeValue{
			"AWS.SNS.MOBILE.APNS.PUSH_TYPE": {DataType: aws.String("String"), StringValue: aws.String("background")},
			"AWS.SNS.MOBILE.APNS.PRIORITY":  {DataType: aws.String("String"), StringValue: aws.String("5")},
		}
	default:
		return "", nil, fmt.Errorf("unsupported SNS platform %q for the creation token push", platform)
	}
	inner, err := json.Marshal(payload)
	if err != nil {
		return "", nil, err
	}
	outer, err := json.Marshal(map[string]string{"default": `{"token":"` + token + `"}`, platform: string(inner)})
	return string(outer), attrs, err
}

// existingEndpoint reads the ARN out of SNS's "Endpoint <arn> already
// exists with the same Token, but different attributes." error.
func existingEndpoint(err error) (string, bool) {
	var ip *snstypes.InvalidParameterException
	if !errors.As(err, &ip) {
		return "", false
	}
	_, rest, ok := strings.Cut(aws.ToString(ip.Message), "Endpoint ")
	if !ok {
		return "", false
	}
	arn, _, ok := strings.Cut(rest, " already exists")
	if !ok || !strings.HasPrefix(arn, "arn:") {
		return "", false
	}
	return arn, true
}
