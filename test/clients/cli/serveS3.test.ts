// `foreman serve` runs the local S3 route next to the stack (docs/upload.md): it says where, the
// endpoint answers S3's way (an unsigned request is AccessDenied), a file the AWS SDK puts under
// uploads/ with the printed IAM credentials is ingested, and a taken --s3-port is a one-line error.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BIN, ROOT, runCli } from './run';

describe('foreman serve: the local S3 route', () => {
  it('serves the S3 endpoint, whose uploads/ are ingested into processed/', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--in-memory', '--port', '0', '--no-tls'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('Press Ctrl-C to stop.')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`serve exited early with ${code}: ${stderr}`)));
      });
      // --port 0: the S3 endpoint takes a free port too.
      const endpoint = /S3 \(local\)\s+(http:\/\/127\.0\.0\.1:[1-9]\d{0,4}) {2}bucket foreman-local/.exec(stderr)?.[1];
      expect(endpoint).toBeDefined();
      const unsigned = await fetch(`${endpoint}/foreman-local/uploads/x.csv`);
      expect(unsigned.status).toBe(403);
      expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');

      const credentials = { accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(stdout)![1]!, secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(stdout)![1]! };
      const region = /service appsync, region (\S+)/.exec(stdout)![1]!;
      const s3 = new S3Client({ endpoint, region, forcePathStyle: true, credentials });
      await s3.send(new PutObjectCommand({ Bucket: 'foreman-local', Key: 'uploads/two.csv', Body: 'email,name\nserve.one@s3.example,One\nserve.two@s3.example,Two\n' }));
      // The processor runs after the PUT's answer: wait for its log line.
      for (let i = 0; i < 600 && !stderr.includes('s3://foreman-local/uploads/two.csv:'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toMatch(/\[s3\] s3:\/\/foreman-local\/uploads\/two\.csv: processed \(2 created, 0 duplicate, 0 invalid\) → processed\/two\.csv, ingestion \S+/);
      await expect(s3.send(new HeadObjectCommand({ Bucket: 'foreman-local', Key: 'processed/two.csv' }))).resolves.toMatchObject({ ContentLength: 61 });
      s3.destroy();

      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);

  it('exits 1 naming the S3 port when it is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await runCli(['serve', '--in-memory', '--port', '0', '--no-tls', '--s3-port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`foreman: Port ${port} on 127.0.0.1 (the local S3 endpoint) is already in use. Stop what uses it, or pass --s3-port with another port (0 picks a free one).`);
    } finally {
      blocker.close();
    }
  }, 180_000);
});
