// Helper process for orphans.test.ts: starts DynamoDB Local, prints the JVM's pid, then waits to be signalled.
import { startDynamoDbLocal } from '../../../../infra/local/dynamodb/local';

const ddb = await startDynamoDbLocal({ inMemory: true, dataDir: '.', quiet: true });
process.stdout.write(`${ddb.pid}\n`);
setInterval(() => undefined, 60_000);
