/**
 * Powertools for AWS Lambda (TypeScript) in both Lambdas: structured JSON logs (with the ingestion
 * id once known), EMF metrics (CloudWatch reads them from the log, no PutMetricData call and no
 * IAM grant) and X-Ray subsegments for the AWS SDK clients. The CDK sets POWERTOOLS_SERVICE_NAME,
 * POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_LOG_LEVEL (infra/aws/stack.ts); the defaults here
 * are the same, so the names on the dashboard (infra/aws/observability.ts) hold either way.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { GraphQLClient } from '../clients/api/client';
import { RecordRejectedRowsDocument } from '../clients/api/generated';
import { IMPORT_DOCUMENTS } from '../clients/api/imports';

export const SERVICE_NAME = 'foreman';
export const METRICS_NAMESPACE = 'Foreman';

/** The EMF metric names the dashboard and alarms read. */
export const METRIC = {
  rowsCreated: 'RowsCreated',
  rowsRejected: 'RowsRejected',
  batchLatency: 'BatchLatency',
  ingestionsFinished: 'IngestionsFinished',
  ingestionsFailed: 'IngestionsFailed',
} as const;

/** The environment the CDK gives both functions (POWERTOOLS_* variables). */
export function powertoolsEnvironment(functionName: string, logLevel = 'INFO'): Record<string, string> {
  return { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL: logLevel, POWERTOOLS_METRICS_FUNCTION_NAME: functionName };
}

export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/** One set per container (module scope of a handler). */
export function createTelemetry(): Telemetry {
  return {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    tracer: new Tracer({ serviceName: SERVICE_NAME }),
  };
}

/** Row counts of one run or batch as metrics. */
export function recordRows(metrics: Metrics, counts: { created: number; duplicates: number; invalid: number }): void {
  metrics.addMetric(METRIC.rowsCreated, MetricUnit.Count, counts.created);
  metrics.addMetric(METRIC.rowsRejected, MetricUnit.Count, counts.duplicates + counts.invalid);
}

/** How an ingestion ended, as a metric. */
export function recordOutcome(metrics: Metrics, status: string): void {
  if (status === 'COMPLETED') metrics.addMetric(METRIC.ingestionsFinished, MetricUnit.Count, 1);
  else if (status === 'FAILED') metrics.addMetric(METRIC.ingestionsFailed, MetricUnit.Count, 1);
}

/** The operation name of a GraphQL document. */
function operationNameOf(doc: unknown): string | undefined {
  const definitions = (doc as { definitions?: { kind: string; name?: { value: string } }[] }).definitions ?? [];
  return definitions.find((d) => d.kind === 'OperationDefinition')?.name?.value;
}

/** The batch mutations: every model's import (clients/api/imports.ts, generated) and recordRejectedRows. */
export const BATCH_OPERATIONS: ReadonlySet<string> = new Set([...Object.values(IMPORT_DOCUMENTS), RecordRejectedRowsDocument].map((d) => operationNameOf(d)!));

/**
 * The client, with each import batch's round trip recorded as BatchLatency (milliseconds) — the
 * engine batches inside, so the client is where a batch is visible.
 */
export function timedClient(client: GraphQLClient, metrics: Metrics, now: () => number = () => performance.now()): GraphQLClient {
  return {
    options: client.options,
    execute: (doc, ...variables) => client.execute(doc, ...variables),
    request: (async (doc, ...variables) => {
      if (!BATCH_OPERATIONS.has(operationNameOf(doc) ?? '')) return client.request(doc, ...variables);
      const started = now();
      try {
        return await client.request(doc, ...variables);
      } finally {
        metrics.addMetric(METRIC.batchLatency, MetricUnit.Milliseconds, Math.round(now() - started));
      }
    }) as GraphQLClient['request'],
  };
}
