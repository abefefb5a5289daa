/**
 * Running it for real (issue 13): events → SNS, the dead-letter queue, Powertools and tracing, the
 * dashboard and alarms, retention (TTL, lifecycle) and the prod-only backup plan.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import * as realWiring from '../../../infra/wiring';
import { InvalidNotifyEmailError } from '../../../infra/aws/notifications';
import type { ForemanStack } from '../../../infra/aws/stack';
import { completedRealWiring, synth, type Synthesised } from './fixtures';

// A synthesis inside a test takes seconds alone and over a minute on two cores shared with the
// integration tests' JVMs: give these tests the hooks' room.
vi.setConfig({ testTimeout: 180_000 });

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

let real: Pick<Synthesised, 'wiring' | 'code'>;
let dev: { stack: ForemanStack; template: Template };
let custom: { stack: ForemanStack; template: Template };
let prod: { stack: ForemanStack; template: Template };

beforeAll(async () => {
  // GIVEN the real wiring, synthesised three ways: dev defaults; dev with an email and other
  // retention; prod
  real = await completedRealWiring();
  dev = synth({ wiring: real.wiring, code: real.code }, 'Dev', { bundleLambdas: false });
  custom = synth(
    { wiring: real.wiring, code: real.code, notifyEmail: ' ops@example.com ', rowErrorRetentionDays: 7, fileRetention: { processedRetentionDays: 400, failedRetentionDays: 20 }, mapToleratedFailurePercentage: 0 },
    'Custom',
    { bundleLambdas: false },
  );
  prod = synth({ wiring: real.wiring, code: real.code, stage: 'prod' }, 'Prod', { bundleLambdas: false });
}, 300_000);

function logicalId(stack: ForemanStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function ofType(template: Template, type: string): [string, Resources[string]][] {
  return Object.entries(template.toJSON().Resources as Resources).filter(([, r]) => r.Type === type);
}

describe('ingestion events and notifications', () => {
  it('routes IngestionFinished and IngestionFailed from its own bus to the SNS topic', () => {
    const { stack, template } = dev;
    // the rule listens on the stack's bus for exactly the two detail types the resolver sends
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(stack, stack.notifications.bus) },
      EventPattern: { source: ['foreman.ingestion'], 'detail-type': ['IngestionFinished', 'IngestionFailed'] },
      Targets: [Match.objectLike({ Arn: { Ref: logicalId(stack, stack.notifications.topic) }, InputTransformer: Match.anyValue() })],
    });
    // EventBridge may publish to that topic (and only that topic)
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' }, Resource: { Ref: logicalId(stack, stack.notifications.topic) } })]),
      }),
    });
  });

  it('puts the events through an AppSync EventBridge data source allowed PutEvents on that bus only', () => {
    const { stack, template } = dev;
    template.hasResourceProperties('AWS::AppSync::DataSource', { Name: 'IngestionEvents', Type: 'AMAZON_EVENTBRIDGE', EventBridgeConfig: { EventBusArn: { 'Fn::GetAtt': [logicalId(stack, stack.notifications.bus), 'Arn'] } } });
    const policies = ofType(template, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('ApiIngestionEventsDataSource') || id.startsWith('IngestionEventsDataSource'));
    const statements = policies.flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement);
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [logicalId(stack, stack.notifications.bus), 'Arn'] } }]);
    // finish and fail run publishIngestionEvent after closeIngestion
    for (const field of ['finishIngestion', 'failIngestion']) {
      expect(realWiring.resolvers.find((r) => r.fieldName === field)!.pipeline.slice(-2)).toEqual(['closeIngestion', 'publishIngestionEvent']);
    }
  });

  it('subscribes an email address only when -c notifyEmail is given', () => {
    // no flag: no subscription
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
    // with the flag: one email subscription to the topic, the address trimmed
    custom.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: logicalId(custom.stack, custom.stack.notifications.topic) } });
  });

  it('refuses a notifyEmail that is not an email address', () => {
    // WHEN the flag holds a typo THEN synthesis stops with the reason
    expect(() => synth({ wiring: real.wiring, code: real.code, notifyEmail: 'ops-at-example.com' }, 'Bad', { bundleLambdas: false })).toThrow(InvalidNotifyEmailError);
  });
});

describe('failure handling', () => {
  it('sends the processor’s failed S3 events to an SQS dead-letter queue after two retries within six hours', () => {
    const { stack, template } = dev;
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack, stack.processor) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack, stack.failures.deadLetterQueue), 'Arn'] } } },
    });
    // the queue keeps messages the 14 days SQS allows, encrypted
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    // the processor may send to that queue
    const [, policy] = ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith('CsvProcessorFunctionServiceRole'))!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"sqs:SendMessage"');
  });

  it('writes the Distributed Map results to map-results/ with tolerated failures, and hands them to the finish step', () => {
    const definition = (template: Template): Record<string, Record<string, unknown>> => {
      const [, sm] = ofType(template, 'AWS::StepFunctions::StateMachine')[0]!;
      const parts = (sm.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      return (JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('')) as { States: Record<string, Record<string, unknown>> }).States;
    };
    const states = definition(dev.template);
    const map = Object.values(states).find((st) => st.Type === 'Map')!;
    // the results (FAILED children included) go to map-results/ of the ingestion bucket
    expect(map.ResultWriter).toEqual({ Resource: 'arn:TOKEN:states:::s3:putObject', Parameters: { Bucket: 'TOKEN', Prefix: 'map-results' } });
    // 10% of the batches may fail without failing the map; the finish step reports them
    expect(map.ToleratedFailurePercentage).toBe(10);
    expect(map.ResultPath).toBe('$.mapResult');
    expect(states[map.Next as string]!.Parameters).toMatchObject({ action: 'finish', 'job.$': '$' });
    // -c mapToleratedFailurePercentage=0: left out, which is Step Functions' default of 0 (any failed batch fails the map)
    expect(Object.values(definition(custom.template)).find((st) => st.Type === 'Map')!.ToleratedFailurePercentage).toBeUndefined();
  });
});

describe('observability', () => {
  it('gives both Lambdas the Powertools environment and active X-Ray tracing', () => {
    const { stack, template } = dev;
    for (const [fn, name] of [
      [stack.processor, 'csv-processor'],
      [stack.importer, 'csv-import'],
    ] as const) {
      const props = (template.toJSON().Resources as Resources)[logicalId(stack, fn)]!.Properties;
      expect(props.TracingConfig).toEqual({ Mode: 'Active' });
      expect((props.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'foreman',
        POWERTOOLS_METRICS_NAMESPACE: 'Foreman',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_FUNCTION_NAME: name,
      });
    }
  });

  it('traces the API and the state machine with X-Ray', () => {
    dev.template.hasResourceProperties('AWS::AppSync::GraphQLApi', { XrayEnabled: true, EnhancedMetricsConfig: Match.objectLike({ ResolverLevelMetricsBehavior: 'FULL_REQUEST_RESOLVER_METRICS' }) });
    dev.template.hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: true } });
  });

  it('draws a dashboard of the metrics AWS and the Lambdas publish', () => {
    const [, dashboard] = ofType(dev.template, 'AWS::CloudWatch::Dashboard')[0]!;
    // the body is a Fn::Join of JSON text and tokens: read it as JSON with the tokens as "TOKEN"
    const parts = (dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('')) as {
      widgets: { properties: { title: string; metrics: unknown[][]; annotations?: { horizontal: { value: number }[] } } }[];
    };
    const plotted = body.widgets.flatMap((w) => w.properties.metrics);
    // [namespace, metric name] of every plain metric; the SEARCH expressions' text
    const names = new Set(plotted.filter((m) => typeof m[0] === 'string').map((m) => `${m[0] as string}/${m[1] as string}`));
    const searches = plotted.map((m) => (m[0] as { expression?: string }).expression ?? '').join('\n');
    for (const metric of [
      'Foreman/IngestionsFinished',
      'Foreman/IngestionsFailed',
      'Foreman/RowsCreated',
      'Foreman/RowsRejected',
      'Foreman/BatchLatency',
      'AWS/AppSync/4XXError',
      'AWS/AppSync/5XXError',
      'AWS/AppSync/Latency',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Throttles',
      'AWS/Lambda/Duration',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'AWS/States/ExecutionsFailed',
      'AWS/DynamoDB/ConsumedWriteCapacityUnits',
      'AWS/DynamoDB/ConsumedReadCapacityUnits',
    ]) {
      expect(names.has(metric), metric).toBe(true);
    }
    // resolver errors and DynamoDB throttles are searched by their per-resolver / per-operation dimensions
    expect(searches).toContain('{AWS/AppSync,GraphQLAPIId,Resolver} MetricName="GraphQLError"');
    expect(searches).toContain('{AWS/DynamoDB,Operation,TableName} MetricName="ThrottledRequests"');
    // rows per second is the RowsCreated sum over the period
    expect(searches).toContain('created / PERIOD(created)');
    // the Lambda duration is drawn against each timeout (15 min and 2 min, in ms)
    const timeouts = body.widgets.flatMap((w) => w.properties.annotations?.horizontal ?? []).map((a) => a.value);
    expect(timeouts.sort()).toEqual([120000, 900000]);
  });

  it('alarms on what means trouble, into the notification topic', () => {
    const { stack, template } = dev;
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const topic = { Ref: logicalId(stack, stack.notifications.topic) };
    // every alarm notifies the topic
    for (const a of alarms) expect(a.AlarmActions).toEqual([topic]);
    const byName = (suffix: string) => alarms.find((a) => JSON.stringify(a.AlarmName).endsWith(`-${suffix}"`))!;
    // the first dead letter, a failed big-file execution, any processor error
    expect(byName('DeadLetters')).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    expect(byName('BigFileImportFailed')).toMatchObject({ Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Threshold: 1 });
    expect(byName('ProcessorErrors')).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Threshold: 1 });
    expect(byName('Api5xx')).toMatchObject({ Namespace: 'AWS/AppSync', MetricName: '5XXError' });
    // 80% of the processor's 15-minute timeout
    expect(byName('ProcessorNearTimeout')).toMatchObject({ MetricName: 'Duration', Statistic: 'Maximum', Threshold: 720000 });
    // DynamoDB throttles per table, summed over operations (the metric is per table and operation)
    const ddb = alarms.filter((a) => JSON.stringify(a.AlarmName).includes('DynamoDbThrottles'));
    expect(ddb).toHaveLength(realWiring.tables.length);
    expect(JSON.stringify(ddb[0]!.Metrics)).toContain('"MetricName":"ThrottledRequests"');
    expect(JSON.stringify(ddb[0]!.Metrics)).toContain('"Name":"Operation"');
  });
});

describe('retention', () => {
  it('turns TTL on exactly for the tables whose items carry expiresAt (the Ingestions table)', () => {
    const tables = ofType(dev.template, 'AWS::DynamoDB::Table').map(([, t]) => t.Properties);
    const withTtl = tables.filter((t) => t.TimeToLiveSpecification);
    expect(withTtl).toHaveLength(1);
    expect(withTtl[0]).toMatchObject({ KeySchema: [{ AttributeName: 'pk' }, { AttributeName: 'sk' }], TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });

  it('passes the retention in days to the resolvers: 30 by default, -c rowErrorRetentionDays otherwise', () => {
    dev.template.hasResourceProperties('AWS::AppSync::GraphQLApi', { EnvironmentVariables: Match.objectLike({ ROW_ERROR_RETENTION_DAYS: '30' }) });
    custom.template.hasResourceProperties('AWS::AppSync::GraphQLApi', { EnvironmentVariables: Match.objectLike({ ROW_ERROR_RETENTION_DAYS: '7' }) });
    expect(() => synth({ wiring: real.wiring, code: real.code, rowErrorRetentionDays: 0 }, 'Zero', { bundleLambdas: false })).toThrow(/rowErrorRetentionDays/);
  });

  it('moves processed/ and failed/ to Standard-IA after 30 days and deletes them later; map results go with the row errors', () => {
    const rules = (template: Template, stack: ForemanStack) =>
      ((template.toJSON().Resources as Resources)[logicalId(stack, stack.bucket)]!.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    const devRules = rules(dev.template, dev.stack);
    expect(devRules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'processed/', ExpirationInDays: 365, Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }], Status: 'Enabled' }),
        expect.objectContaining({ Prefix: 'failed/', ExpirationInDays: 90, Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }], Status: 'Enabled' }),
        expect.objectContaining({ Prefix: 'map-results/', ExpirationInDays: 30, Status: 'Enabled' }),
      ]),
    );
    // uploads/ is never expired: a file waiting there has not been ingested
    expect(devRules.some((r) => r.Prefix === 'uploads/')).toBe(false);
    // configured: failed/ kept 20 days (before any IA transition, so none), processed/ 400; map results 7
    const customRules = rules(custom.template, custom.stack);
    expect(customRules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'processed/', ExpirationInDays: 400 }),
        expect.objectContaining({ Prefix: 'map-results/', ExpirationInDays: 7 }),
      ]),
    );
    const failed = customRules.find((r) => r.Prefix === 'failed/')!;
    expect(failed).toMatchObject({ ExpirationInDays: 20 });
    expect(failed.Transitions).toBeUndefined();
  });
});

describe('backup', () => {
  it('backs up every table with AWS Backup in prod only', () => {
    dev.template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    prod.template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    const [, selection] = ofType(prod.template, 'AWS::Backup::BackupSelection')[0]!;
    const resources = (selection.Properties.BackupSelection as { Resources: unknown[] }).Resources;
    // exactly the stack's tables, by ARN
    expect(resources).toHaveLength(realWiring.tables.length);
    for (const t of realWiring.tables) expect(resources).toContainEqual({ 'Fn::GetAtt': [logicalId(prod.stack, prod.stack.tables[t.id]), 'Arn'] });
    // daily and monthly rules; the vault outlives the stack
    const [, plan] = ofType(prod.template, 'AWS::Backup::BackupPlan')[0]!;
    expect(((plan.Properties.BackupPlan as { BackupPlanRule: unknown[] }).BackupPlanRule).length).toBe(2);
    const vault = Object.values(prod.template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>).find((r) => r.Type === 'AWS::Backup::BackupVault')!;
    expect(vault.DeletionPolicy).toBe('Retain');
  });
});
