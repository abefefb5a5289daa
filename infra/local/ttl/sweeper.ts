/**
 * DynamoDB TTL for the local stack. DynamoDB Local accepts a table's TTL setting but never deletes
 * expired items, so this sweeper does what AWS's TTL process does: an item whose TTL attribute
 * (the wiring table's `timeToLiveAttribute`, a Number of epoch seconds) lies in the past is
 * deleted. As in AWS (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html):
 * a non-Number value, or a time more than five years in the past, is ignored; the delete is
 * conditional on the item still being expired, so an item whose TTL was pushed back survives.
 * Unlike AWS, which deletes within a few days, the local stack sweeps every minute (and on demand).
 */
import { ConditionalCheckFailedException, DeleteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableSpec } from '../../wiring';

export interface SweepResult {
  /** Items deleted, by physical table name. */
  deleted: Record<string, number>;
}

export interface TtlSweeper {
  /** One pass over every table with a TTL attribute. `now` in epoch seconds (default: the clock). */
  sweep(nowEpochSeconds?: number): Promise<SweepResult>;
  stop(): Promise<void>;
}

const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 3600;

export function createTtlSweeper(options: {
  client: DynamoDBClient;
  tables: readonly Pick<TableSpec, 'id' | 'partitionKey' | 'sortKey' | 'timeToLiveAttribute'>[];
  tableNames: Record<string, string>;
  /** Milliseconds between automatic sweeps; null: only on demand. */
  intervalMs?: number | null;
  onError?: (error: unknown) => void;
}): TtlSweeper {
  const swept = options.tables.filter((t) => t.timeToLiveAttribute);
  let running: Promise<SweepResult> | null = null;

  async function sweepTable(spec: (typeof swept)[number], now: number): Promise<number> {
    const tableName = options.tableNames[spec.id]!;
    const ttl = spec.timeToLiveAttribute!;
    const keyNames = [spec.partitionKey.name, ...(spec.sortKey ? [spec.sortKey.name] : [])];
    const names: Record<string, string> = { '#ttl': ttl };
    keyNames.forEach((k, i) => (names[`#k${i}`] = k));
    let deleted = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await options.client.send(
        new ScanCommand({
          TableName: tableName,
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ProjectionExpression: keyNames.map((_, i) => `#k${i}`).join(', '),
          // A Number compares as a number; a string (or any other type) never matches, as in AWS.
          FilterExpression: '#ttl < :now AND #ttl >= :oldest',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':now': { N: String(now) }, ':oldest': { N: String(now - FIVE_YEARS_SECONDS) } },
        }),
      );
      for (const key of page.Items ?? []) {
        try {
          await options.client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: key,
              ConditionExpression: '#ttl < :now',
              ExpressionAttributeNames: { '#ttl': ttl },
              ExpressionAttributeValues: { ':now': { N: String(now) } },
            }),
          );
          deleted++;
        } catch (error) {
          // Its TTL moved on, or it is gone already: nothing to do.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return deleted;
  }

  async function sweep(nowEpochSeconds = Math.floor(Date.now() / 1000)): Promise<SweepResult> {
    const deleted: Record<string, number> = {};
    for (const spec of swept) deleted[options.tableNames[spec.id]!] = await sweepTable(spec, nowEpochSeconds);
    return { deleted };
  }

  // One pass at a time: a slow pass is not overlapped by the next tick.
  const once = (now?: number): Promise<SweepResult> => {
    running ??= sweep(now).finally(() => (running = null));
    return running;
  };
  const timer =
    options.intervalMs && swept.length
      ? setInterval(() => {
          once().catch((error: unknown) => options.onError?.(error));
        }, options.intervalMs)
      : null;
  timer?.unref();

  return {
    async sweep(now?: number) {
      // An explicit time is a fresh pass even while a periodic one runs.
      if (now !== undefined) {
        await running?.catch(() => undefined);
        return sweep(now);
      }
      return once();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
