/**
 * Creates an API's tables (keys, GSIs, LSIs) in DynamoDB Local, idempotently: a table that
 * already exists (persisted data from an earlier run) keeps its data; a GSI the wiring added since
 * is created on it (UpdateTable), as a CDK deploy would add it.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import type { KeySpec, TableSpec } from '../../wiring';

function keySchema(partitionKey: KeySpec, sortKey?: KeySpec): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partitionKey.name, KeyType: 'HASH' }];
  if (sortKey) schema.push({ AttributeName: sortKey.name, KeyType: 'RANGE' });
  return schema;
}

function attributeDefinitions(spec: TableSpec): AttributeDefinition[] {
  const byName = new Map<string, KeySpec['type']>();
  const add = (k?: KeySpec): void => {
    if (k) byName.set(k.name, k.type);
  };
  add(spec.partitionKey);
  add(spec.sortKey);
  for (const index of spec.globalSecondaryIndexes) {
    add(index.partitionKey);
    add(index.sortKey);
  }
  for (const index of spec.localSecondaryIndexes ?? []) add(index.sortKey);
  return [...byName].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

/** The table's GSI names, or null when there is no such table. */
async function existingIndexes(client: DynamoDBClient, name: string): Promise<Set<string> | null> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    return new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? ''));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw error;
  }
}

/** Adds the GSIs of `spec` that an existing table lacks (one UpdateTable each, as DynamoDB requires). */
async function addMissingIndexes(client: DynamoDBClient, name: string, spec: TableSpec, have: Set<string>): Promise<void> {
  for (const index of spec.globalSecondaryIndexes) {
    if (have.has(index.indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: attributeDefinitions(spec),
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.indexName, KeySchema: keySchema(index.partitionKey, index.sortKey), Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
  }
}

/**
 * @param names physical table name per table id (default: the spec's `localName`)
 * @returns the names of the tables that had to be created
 */
export async function ensureTables(client: DynamoDBClient, specs: TableSpec[], names: Record<string, string> = {}): Promise<string[]> {
  const created: string[] = [];
  await Promise.all(
    specs.map(async (spec) => {
      const name = names[spec.id] ?? spec.localName;
      const have = await existingIndexes(client, name);
      if (have) {
        await addMissingIndexes(client, name, spec, have);
        return;
      }
      try {
        await client.send(
          new CreateTableCommand({
            TableName: name,
            BillingMode: 'PAY_PER_REQUEST',
            KeySchema: keySchema(spec.partitionKey, spec.sortKey),
            AttributeDefinitions: attributeDefinitions(spec),
            GlobalSecondaryIndexes: spec.globalSecondaryIndexes.length
              ? spec.globalSecondaryIndexes.map((index) => ({
                  IndexName: index.indexName,
                  KeySchema: keySchema(index.partitionKey, index.sortKey),
                  Projection: { ProjectionType: 'ALL' },
                }))
              : undefined,
            LocalSecondaryIndexes: spec.localSecondaryIndexes?.length
              ? spec.localSecondaryIndexes.map((index) => ({
                  IndexName: index.indexName,
                  KeySchema: keySchema(spec.partitionKey, index.sortKey),
                  Projection: { ProjectionType: 'ALL' },
                }))
              : undefined,
          }),
        );
        created.push(name);
      } catch (error) {
        // Another process created it between our check and our create: that is fine.
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }),
  );
  return created.sort();
}
