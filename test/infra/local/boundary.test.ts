// TrustBoundary without a server: which Host and Origin values a stack accepts for how it is bound.
import os from 'node:os';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { servedNames, TrustBoundary } from '../../../infra/local/boundary';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('TrustBoundary', () => {
  it('accepts the loopback names with the served port only, for each listener', () => {
    const b = new TrustBoundary();
    b.serve('http', '127.0.0.1', 4000);
    b.serve('https', '127.0.0.1', 4443);
    for (const host of ['127.0.0.1:4000', 'localhost:4000', '[::1]:4000', '127.0.0.1:4443']) expect(b.check(req({ host })), host).toBeNull();
    for (const host of ['127.0.0.1', '127.0.0.1:4001', 'evil.example:4000', '127.0.0.1.evil.example:4000', '']) expect(b.check(req({ host }))?.status, host).toBe(403);
  });

  it('grants CORS to http origins on the HTTP port and https origins on the HTTPS port, not crossed', () => {
    const b = new TrustBoundary();
    b.serve('http', '127.0.0.1', 4000);
    b.serve('https', '127.0.0.1', 4443);
    expect(b.corsHeaders('https://localhost:4443')['access-control-allow-origin']).toBe('https://localhost:4443');
    expect(b.corsHeaders('http://localhost:4000')['access-control-allow-origin']).toBe('http://localhost:4000');
    expect(b.corsHeaders('https://localhost:4000')).toEqual({});
    expect(b.corsHeaders('http://localhost:4443')).toEqual({});
    expect(b.corsHeaders('null')).toEqual({});
    expect(b.corsHeaders(undefined)).toEqual({});
  });

  it('accepts a Host without port only on the scheme default port', () => {
    const b = new TrustBoundary();
    b.serve('http', 'localhost', 80);
    expect(b.check(req({ host: 'localhost' }))).toBeNull();
    expect(b.corsHeaders('http://localhost')['access-control-allow-origin']).toBe('http://localhost');
  });

  it('refuses an opaque (null) origin even with a good Host', () => {
    const b = new TrustBoundary();
    b.serve('http', '127.0.0.1', 4000);
    expect(b.check(req({ host: '127.0.0.1:4000', origin: 'null' }))?.errorType).toBe('ForbiddenException');
  });

  it('serves the bound address itself, and every interface address when bound to all of them', () => {
    expect(servedNames('192.168.1.20')).toContain('192.168.1.20');
    expect(servedNames('fe80::1')).toContain('[fe80::1]');
    const addresses = Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
    const all = servedNames('0.0.0.0');
    for (const a of addresses.filter((x) => !x.includes(':'))) expect(all).toContain(a);
    // bound to loopback only: no LAN address is trusted
    for (const a of addresses.filter((x) => !x.includes(':') && x !== '127.0.0.1')) expect(servedNames('127.0.0.1')).not.toContain(a);
  });
});
