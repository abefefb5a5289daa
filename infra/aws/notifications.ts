/**
 * Ingestion outcomes as events, and who is told: the resolvers' `publishIngestionEvent` function
 * puts `IngestionFinished` / `IngestionFailed` on this stack's own event bus (through the API's
 * EventBridge data source), a rule sends both to an SNS topic as a readable line, and
 * `-c notifyEmail=ops@example.com` subscribes an email address to it (AWS sends a confirmation
 * mail first). The alarms (./observability.ts) publish to the same topic.
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** What publishIngestionEvent (resolvers/functions/publishIngestionEvent.ts) sends. */
export const INGESTION_EVENT_SOURCE = 'foreman.ingestion';
export const INGESTION_DETAIL_TYPES = ['IngestionFinished', 'IngestionFailed'] as const;

export class InvalidNotifyEmailError extends Error {
  override name = 'InvalidNotifyEmailError';
}

export interface NotificationsProps {
  stage: string;
  /** `-c notifyEmail=…`: subscribed to the topic by email. */
  notifyEmail?: string;
}

export class Notifications extends Construct {
  readonly bus: events.EventBus;
  readonly topic: sns.Topic;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `foreman-${props.stage}`, description: 'Foreman ingestion outcomes' });
    // No KMS key: EventBridge and CloudWatch alarms cannot publish to a topic encrypted with the
    // AWS-managed SNS key, and a customer key costs $1/month; the messages carry counts, not rows.
    this.topic = new sns.Topic(this, 'Topic', { displayName: `Foreman ${props.stage}`, enforceSSL: true });
    const field = (name: string) => events.EventField.fromPath(`$.detail.${name}`);
    this.rule = new events.Rule(this, 'IngestionOutcomes', {
      eventBus: this.bus,
      description: 'Every finished or failed ingestion → the notification topic',
      eventPattern: { source: [INGESTION_EVENT_SOURCE], detailType: [...INGESTION_DETAIL_TYPES] },
      targets: [
        new targets.SnsTopic(this.topic, {
          message: events.RuleTargetInput.fromText(
            `Foreman ${events.EventField.detailType}: ${field('fileName')} (ingestion ${field('ingestionId')}, ${field('status')}) — ` +
              `${field('processed')} of ${field('rowCount')} rows: ${field('created')} created, ${field('duplicates')} duplicate, ` +
              `${field('invalid')} invalid, ${field('alreadyImported')} already imported; ${field('durationMs')} ms. Reason: ${field('failureReason')}. Owner: ${field('owner')}.`,
          ),
        }),
      ],
    });
    if (props.notifyEmail !== undefined) {
      const email = props.notifyEmail.trim();
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new InvalidNotifyEmailError(`notifyEmail must be an email address, not ${JSON.stringify(props.notifyEmail)}.`);
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
  }
}
