// startLocalStack as a whole: it comes up with the repository's wiring, persists its key and data,
// announces itself in server.json while serving, serves HTTPS with its own certificate, and stop()
// leaves no DynamoDB Local JVM behind.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { StackAlreadyRunningError, generateApiKey, runningStack, startLocalStack } from '../../../../infra/local/stack';
import type { LocalStack } from '../../../../infra/local/contracts';

const stacks: LocalStack[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'foreman-stack-'));
  dirs.push(dir);
  return dir;
}

/** Process ids of DynamoDB Local JVMs listening on `port`. */
function jvmsOnPort(port: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && new RegExp(`-port ${port}(\\s|$)`).test(line))
    .map((line) => line.trim().split(/\s+/)[0]!);
}

/** The built-in admin's ID token on `stack` (its user pool is the default auth mode). */
async function adminToken(stack: LocalStack): Promise<string> {
  return (await stack.userPool.issueTokens('foreman-admin', { origin: new URL(stack.graphqlUrl).origin })).IdToken;
}

async function gql(stack: LocalStack, query: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const authorization = token ?? (await adminToken(stack));
  const res = await fetch(stack.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('startLocalStack', () => {
  it('generates an AppSync-like API key', () => {
    expect(generateApiKey()).toMatch(/^da2-[a-z0-9]{26}$/);
  });

  it('persists data and the user pool under dataDir, announces itself in server.json, and stops without leaving a JVM', async () => {
    const dataDir = tempDir();
    // GIVEN a persisted stack: no API key (docs/auth.md), a user pool in dataDir/cognito
    const first = await startLocalStack({ dataDir, port: 0, tlsPort: null, quiet: true }, { announce: true });
    stacks.push(first);
    expect(first.apiKey).toBe('');
    expect(existsSync(path.join(dataDir, 'local.json'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'cognito', 'pool.json'))).toBe(true);
    const tokenOfFirst = await adminToken(first);
    // THEN server.json names it while it serves, and a second stack on the same files is refused
    expect(runningStack(dataDir)).toBeNull(); // our own pid is not "another" stack
    const record = JSON.parse(readFileSync(path.join(dataDir, 'server.json'), 'utf8'));
    expect(record).toEqual({ graphqlUrl: first.graphqlUrl, realtimeUrl: first.realtimeUrl, apiKey: first.apiKey, pid: process.pid });
    const created = await gql(first, 'mutation { createCustomer(input: {email: "kept@example.com", name: "Kept"}) { id } }');
    expect(created.body.errors).toBeUndefined();
    const ddbPort = new URL(first.dynamodb.endpoint).port;
    expect(jvmsOnPort(ddbPort)).toHaveLength(1);

    // WHEN it stops
    await first.stop();
    stacks.pop();
    // THEN no JVM is left and server.json is gone
    expect(jvmsOnPort(ddbPort)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'server.json'))).toBe(false);

    // AND a restart (on another port) has the same pool — a token of the first still signs in — and the same data
    const second = await startLocalStack({ dataDir, port: 0, tlsPort: null, quiet: true });
    stacks.push(second);
    expect(second.userPool.userPoolId).toBe(first.userPool.userPoolId);
    const found = await gql(second, '{ customerByEmail(email: "kept@example.com") { name } }', tokenOfFirst);
    expect(found.body).toEqual({ data: { customerByEmail: { name: 'Kept' } } });
    // Two JVM starts on two shared cores: allow more than the default minute.
  }, 180_000);

  it('serves GraphQL over HTTPS with the self-signed certificate it generated into dataDir/tls', async () => {
    const dataDir = tempDir();
    const stack = await startLocalStack({ inMemory: true, dataDir, port: 0, tlsPort: 0, quiet: true });
    stacks.push(stack);
    expect(stack.graphqlTlsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(stack.realtimeTlsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/graphql\/realtime$/);
    const ca = readFileSync(path.join(dataDir, 'tls', 'cert.pem'), 'utf8');
    // The certificate verifies for 127.0.0.1 when trusted explicitly.
    const authorization = await adminToken(stack);
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request(stack.graphqlTlsUrl!, { method: 'POST', ca, headers: { 'content-type': 'application/json', authorization } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ listCustomers { items { id } nextToken } }' }));
    });
    expect(JSON.parse(body)).toEqual({ data: { listCustomers: { items: [], nextToken: null } } });
    // In memory: nothing persisted except the certificate.
    expect(existsSync(path.join(dataDir, 'local.json'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'dynamodb'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'cognito'))).toBe(false);
  });

  it('refuses a second persisted stack on a data directory another live process holds', async () => {
    const dataDir = tempDir();
    // GIVEN the data directory locked by another live process (our parent stands in for it)
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'dynamodb.lock'), `${process.ppid}\n`);
    // THEN a persisted stack refuses to share DynamoDB Local's files, before starting a JVM
    await expect(startLocalStack({ dataDir, port: 0, tlsPort: null, quiet: true })).rejects.toBeInstanceOf(StackAlreadyRunningError);
    // AND a stale lock of a dead process does not block
    writeFileSync(path.join(dataDir, 'dynamodb.lock'), '999999999\n');
    const stack = await startLocalStack({ dataDir, port: 0, tlsPort: null, quiet: true });
    stacks.push(stack);
    // Not announced: only `foreman serve` writes server.json.
    expect(existsSync(path.join(dataDir, 'server.json'))).toBe(false);
  });

  it('serves a landing page that carries the URL and how to sign in, and gives the console the same credentials', async () => {
    const stack = await startLocalStack({ inMemory: true, dataDir: tempDir(), port: 0, tlsPort: null, quiet: true });
    stacks.push(stack);
    const origin = new URL(stack.graphqlUrl).origin;
    const landing = await (await fetch(`${origin}/`)).text();
    expect(landing).toContain(stack.graphqlUrl);
    expect(landing).toContain('npx foreman users token');
    expect(landing).not.toContain('x-api-key');
    // The GraphiQL console (clients/console) prefills its auth picker from defaults.json.
    const defaults = await (await fetch(`${origin}/console/defaults.json`)).json();
    expect(defaults).toEqual({ apiKey: stack.apiKey, iam: stack.iam });
  });
});
