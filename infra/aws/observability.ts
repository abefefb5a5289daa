/**
 * What operators see: X-Ray tracing on the API, a CloudWatch dashboard and the alarms that mean
 * trouble, all wired to the notification topic (./notifications.ts). Metric names are CloudWatch's
 * own (AWS/AppSync, AWS/Lambda, AWS/SQS, AWS/States, AWS/DynamoDB) and the Lambdas' Powertools
 * EMF metrics in the `Foreman` namespace (functions/telemetry.ts).
 * Cost (docs/operations.md): the dashboard is billed per month, each alarm per month, and the
 * resolver-level enhanced metrics as custom metrics.
 */
import { Duration } from 'aws-cdk-lib';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/telemetry';

export interface ObservabilityProps {
  stage: string;
  api: appsync.GraphqlApi;
  processor: lambda.Function;
  importer: lambda.Function;
  stateMachine: sfn.StateMachine;
  deadLetterQueue: sqs.IQueue;
  tables: dynamodb.Table[];
  topic: sns.ITopic;
}

const PERIOD = Duration.minutes(5);

/** At most 10 metrics fit one alarm's math expression. */
const THROTTLE_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.SCAN,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { api, processor, importer, stateMachine, deadLetterQueue, tables } = props;

    // X-Ray on the API, and resolver-level metrics (GraphQLError per resolver) for the dashboard.
    const cfnApi = api.node.defaultChild as appsync.CfnGraphQLApi;
    cfnApi.xrayEnabled = true;
    cfnApi.enhancedMetricsConfig = {
      resolverLevelMetricsBehavior: 'FULL_REQUEST_RESOLVER_METRICS',
      dataSourceLevelMetricsBehavior: 'PER_DATA_SOURCE_METRICS',
      operationLevelMetricsConfig: 'DISABLED',
    };

    const appsyncMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/AppSync', metricName, dimensionsMap: { GraphQLAPIId: api.apiId }, statistic, period: PERIOD });
    const foreman = (metricName: string, statistic = 'Sum') => new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: 'foreman' }, statistic, period: PERIOD });
    const api4xx = appsyncMetric('4XXError', 'Sum');
    const api5xx = appsyncMetric('5XXError', 'Sum');
    const apiLatency = appsyncMetric('Latency', 'p99');
    const resolverErrors = new cloudwatch.MathExpression({
      expression: `SEARCH('{AWS/AppSync,GraphQLAPIId,Resolver} MetricName="GraphQLError" GraphQLAPIId="${api.apiId}"', 'Sum', 300)`,
      label: 'GraphQL errors by resolver',
      period: PERIOD,
    });
    const dlqDepth = deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
    const mapFailed = stateMachine.metricFailed({ period: PERIOD, statistic: 'Sum' });
    const lambdas = [processor, importer];
    // ThrottledRequests is published per table AND operation: sum the operations Foreman uses.
    const throttles = tables.map((t) => t.metricThrottledRequestsForOperations({ operations: THROTTLE_OPERATIONS, period: PERIOD }));
    const timeoutMs = (fn: lambda.Function) => (fn.timeout ?? Duration.seconds(3)).toMilliseconds();

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `foreman-${props.stage}`, defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Ingestions', left: [foreman('IngestionsFinished'), foreman('IngestionsFailed')], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Rows per second',
        left: [new cloudwatch.MathExpression({ expression: 'created / PERIOD(created)', usingMetrics: { created: foreman('RowsCreated') }, label: 'rows created/s', period: PERIOD })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Rows rejected', left: [foreman('RowsRejected')], right: [foreman('BatchLatency', 'p90')], width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'API errors (4XX / 5XX)', left: [api4xx, api5xx], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'API latency p99 (ms)', left: [apiLatency], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Resolver errors', left: [resolverErrors], width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Lambda errors and throttles', left: lambdas.flatMap((fn) => [fn.metricErrors({ period: PERIOD }), fn.metricThrottles({ period: PERIOD })]), width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Lambda duration (max) against timeout',
        left: lambdas.map((fn) => fn.metricDuration({ period: PERIOD, statistic: 'Maximum' })),
        leftAnnotations: lambdas.map((fn) => ({ value: timeoutMs(fn), label: `timeout ${fn.node.id}` })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Dead-letter queue depth / big-file executions failed', left: [dlqDepth], right: [mapFailed], width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB throttled requests',
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{AWS/DynamoDB,Operation,TableName} MetricName="ThrottledRequests" (${tables.map((t) => `TableName="${t.tableName}"`).join(' OR ')})', 'Sum', 300)`,
            label: 'throttled requests by table and operation',
            period: PERIOD,
          }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'DynamoDB consumed write capacity', left: tables.map((t) => t.metricConsumedWriteCapacityUnits({ period: PERIOD })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'DynamoDB consumed read capacity', left: tables.map((t) => t.metricConsumedReadCapacityUnits({ period: PERIOD })), width: 8 }),
    );

    // ------------------------------------------------------------------ alarms: what needs a person
    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string, evaluationPeriods = 1): void => {
      const a = new cloudwatch.Alarm(this, name, {
        alarmName: `foreman-${props.stage}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data is good news (no uploads, no errors).
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(props.topic));
      this.alarms.push(a);
    };
    alarm('DeadLetters', dlqDepth, 1, 'An S3 upload failed every retry and waits in the dead-letter queue: see docs/operations.md, "Replaying the dead-letter queue".');
    alarm('BigFileImportFailed', mapFailed, 1, 'A big-file import (Step Functions) failed: its file is in failed/ with a reason.');
    alarm('Api5xx', api5xx, 5, 'The API answered 5XX errors: see the API log group and X-Ray.');
    alarm('ProcessorErrors', processor.metricErrors({ period: PERIOD, statistic: 'Sum' }), 1, 'The S3 processor threw (it is retried, then dead-lettered).');
    alarm('ImporterErrors', importer.metricErrors({ period: PERIOD, statistic: 'Sum' }), 5, 'The big-file import Lambda threw repeatedly (batches are retried 4 times).');
    alarm('LambdaThrottles', new cloudwatch.MathExpression({ expression: 'p + i', usingMetrics: { p: processor.metricThrottles({ period: PERIOD }), i: importer.metricThrottles({ period: PERIOD }) }, period: PERIOD }), 1, 'A Foreman Lambda was throttled: check the account concurrency.');
    alarm(
      'ProcessorNearTimeout',
      processor.metricDuration({ period: PERIOD, statistic: 'Maximum' }),
      Math.round(timeoutMs(processor) * 0.8),
      'The S3 processor ran above 80% of its timeout: lower the large-file threshold so big files go to Step Functions.',
    );
    tables.forEach((t, i) => alarm(`DynamoDbThrottles${t.node.id}`, throttles[i]!, 10, `DynamoDB throttled requests on ${t.node.id}.`));
  }
}
