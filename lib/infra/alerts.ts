import { Validations, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_sns as sns, aws_sns_subscriptions as subscriptions } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Properties of {@link Alerts}. */
export interface AlertsProps {
  /**
   * An address subscribed to the topic (setting `alertEmail`, already validated). AWS mails it a
   * confirmation link first; nothing is delivered until someone clicks it.
   * @default - no subscription: the topic's ARN is an output, subscribe to it as you like
   */
  readonly email?: string;
}

/**
 * The stack's one alerts topic: every alarm that should reach a person (spending, failed or stale loads)
 * publishes here, so one subscription hears them all.
 *
 * Not KMS-encrypted: CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and a
 * customer-managed key would cost more per month than this stack does idle; the messages hold only alarm
 * names, metric names and thresholds.
 */
export class Alerts extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Sparkify warehouse alerts',
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, a customer-managed key would cost more ' +
        'than the idle stack, and the messages carry only alarm and metric names and thresholds.',
    });
    if (props.email !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }

  /** Sends `alarm` to the topic when it goes into ALARM, and again when it is back to OK. */
  notify(alarm: cloudwatch.Alarm): void {
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
