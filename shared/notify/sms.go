package notify

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/flexiapi-serverless/flexiapi/shared/account"
)

// SMS sends text messages with SNS Publish to a phone number.
type SMS struct{}

var _ account.SMSSender = (*SMS)(nil)

// NewSMS returns an SMS sender; its SNS client is built on the first send.
func NewSMS() *SMS { return &SMS{} }

// SendSMS publishes one transactional SMS (a code the user waits for, so
// SNS delivers it with the higher reliability of the Transactional type).
func (s *SMS) SendSMS(ctx context.Context, phone, text string) error {
	c, err := snsClient()
	if err != nil {
		return err
	}
	_, err = c.Publish(ctx, &sns.PublishInput{
		PhoneNumber: aws.String(phone),
		Message:     aws.String(text),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"AWS.SNS.SMS.SMSType": {DataType: aws.String("String"), StringValue: aws.String("Transactional")},
		},
	})
	if err != nil {
		return fmt.Errorf("sns publish SMS: %w", err)
	}
	return nil
}
