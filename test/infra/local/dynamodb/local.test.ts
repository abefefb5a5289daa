// DynamoDB Local's lifecycle: persisted data survives a restart, tables are created idempotently,
// a taken port is refused plainly, and stop() leaves no JVM behind.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { JavaMissingError, PortInUseError, startDynamoDbLocal, type DynamoDbLocal } from '../../../../infra/local/dynamodb/local';
import { ensureTables } from '../../../../infra/local/dynamodb/tables';
import { invokeDynamoDb } from '../../../../infra/local/dynamodb/dataSource';
import { tables, type ForemanTableId as TableId } from '../../../../infra/wiring';
import { alive } from '../../../helpers/process';

const names = Object.fromEntries(tables.map((t) => [t.id, t.localName])) as Record<TableId, string>;
const started: DynamoDbLocal[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('DynamoDB Local lifecycle', () => {
  it('keeps data under <dataDir>/dynamodb across restarts and creates tables only once', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'foreman-ddb-'));
    dirs.push(dataDir);
    const first = await startDynamoDbLocal({ inMemory: false, dataDir, quiet: true });
    started.push(first);
    expect(await ensureTables(first.client, tables, names)).toEqual([...tables.map((t) => t.localName)].sort());
    await invokeDynamoDb({ operation: 'PutItem', key: { key: { S: 'kept' } }, attributeValues: {} }, { client: first.client, tableName: names.Uniques });
    await first.stop();
    started.pop();
    expect(alive(first.pid)).toBe(false);

    const second = await startDynamoDbLocal({ inMemory: false, dataDir, quiet: true });
    started.push(second);
    // Nothing to create the second time, and the item is still there.
    expect(await ensureTables(second.client, tables, names)).toEqual([]);
    const read = await invokeDynamoDb({ operation: 'GetItem', key: { key: { S: 'kept' } } }, { client: second.client, tableName: names.Uniques });
    expect(read.result).toEqual({ key: 'kept' });
    // Two JVM starts on two shared cores: allow more than the default minute.
  }, 180_000);

  it('refuses a port that is already taken with a PortInUseError', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startDynamoDbLocal({ inMemory: true, dataDir: '.', port, quiet: true })).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      blocker.close();
    }
  });

  it('says Java 17 is required when `java` cannot be found', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const attempt = startDynamoDbLocal({ inMemory: true, dataDir: '.', quiet: true });
      await expect(attempt).rejects.toBeInstanceOf(JavaMissingError);
      await expect(attempt).rejects.toThrow(/^Java 17 is required for DynamoDB Local: install/);
    } finally {
      process.env.PATH = path;
    }
  });
});
