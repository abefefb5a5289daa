/**
 * Runs a Subscription field's resolver at `start`, as AppSync does: the resolver's request, its
 * pipeline functions (subscription resolvers use the NONE data source: a request's `payload` becomes
 * the result), then its response, where `extensions.setSubscriptionFilter(...)` may set an enhanced
 * filter (extensions-js.html: "only in the response handler of a subscription resolver").
 * A `util.error`/`util.unauthorized` in any handler refuses the subscription.
 */
import type { AppSyncErrorEntry, AppSyncJsRuntime, ContextInit, HandlerRun, LoadedCode } from '../contracts';
import { functionCodePath, resolverCodePath, resolvers } from '../../wiring';
import { bundleAppsyncCode } from '../../bundle';

export interface SubscriptionPipelineCode {
  resolver: string;
  functions: { name: string; code: string }[];
}

/** Where subscription resolver code comes from: by default the wiring table and the bundler. */
export type SubscriptionCodeSource = (fieldName: string) => Promise<SubscriptionPipelineCode | null>;

export const wiringCodeSource: SubscriptionCodeSource = async (fieldName) => {
  const spec = resolvers.find((r) => r.typeName === 'Subscription' && r.fieldName === fieldName);
  if (!spec) return null;
  const [resolver, ...functions] = await Promise.all([
    bundleAppsyncCode(resolverCodePath(spec)),
    ...spec.pipeline.map((name) => bundleAppsyncCode(functionCodePath(name))),
  ]);
  return { resolver: resolver!, functions: spec.pipeline.map((name, i) => ({ name, code: functions[i]! })) };
};

export type SubscriptionResolution =
  | { ok: true; filter: unknown; hasFilter: boolean }
  | { ok: false; error: AppSyncErrorEntry };

type Base = Omit<ContextInit, 'prev' | 'result' | 'error'>;

export class SubscriptionResolverRunner {
  private readonly loaded = new Map<string, Promise<{ resolver: LoadedCode; functions: LoadedCode[] } | null>>();

  constructor(
    private readonly runtime: AppSyncJsRuntime,
    private readonly source: SubscriptionCodeSource,
  ) {}

  private load(fieldName: string) {
    let pending = this.loaded.get(fieldName);
    if (!pending) {
      pending = this.source(fieldName).then((code) =>
        code
          ? {
              resolver: this.runtime.load(code.resolver, `Subscription.${fieldName}`),
              functions: code.functions.map((f) => this.runtime.load(f.code, f.name)),
            }
          : null,
      );
      this.loaded.set(fieldName, pending);
      pending.catch(() => this.loaded.delete(fieldName));
    }
    return pending;
  }

  /** No resolver wired: AppSync's default passes everything, argument filters apply. */
  async resolve(fieldName: string, base: Base): Promise<SubscriptionResolution> {
    const code = await this.load(fieldName);
    if (!code) return { ok: true, filter: undefined, hasFilter: false };
    let filter: unknown;
    let hasFilter = false;
    const note = (run: HandlerRun) => {
      if (run.effects.subscriptionFilter !== undefined) {
        filter = run.effects.subscriptionFilter;
        hasFilter = true;
      }
    };
    let prev: unknown = null;
    let skipFunctions = false;
    if (code.resolver.hasRequest) {
      const run = this.runtime.run(code.resolver, 'request', { ...base, prev: { result: null } });
      note(run);
      if (run.outcome.kind === 'error') return { ok: false, error: run.outcome.error };
      prev = run.outcome.value;
      skipFunctions = run.outcome.kind === 'earlyReturn';
    }
    if (!skipFunctions) {
      for (const fn of code.functions) {
        let result: unknown = null;
        if (fn.hasRequest) {
          const req = this.runtime.run(fn, 'request', { ...base, prev: { result: prev } });
          note(req);
          if (req.outcome.kind === 'error') return { ok: false, error: req.outcome.error };
          if (req.outcome.kind === 'earlyReturn') {
            prev = req.outcome.value;
            if (req.outcome.skipTo === 'END') break;
            continue;
          }
          // NONE data source: the request's `payload` is the data source's result.
          const value = req.outcome.value as { payload?: unknown } | null;
          result = value && typeof value === 'object' && 'payload' in value ? value.payload : null;
        }
        if (fn.hasResponse) {
          const res = this.runtime.run(fn, 'response', { ...base, prev: { result: prev }, result, error: null });
          note(res);
          if (res.outcome.kind === 'error') return { ok: false, error: res.outcome.error };
          prev = res.outcome.value;
        } else {
          prev = result;
        }
      }
    }
    if (code.resolver.hasResponse) {
      const run = this.runtime.run(code.resolver, 'response', { ...base, prev: { result: prev }, result: prev, error: null });
      note(run);
      if (run.outcome.kind === 'error') return { ok: false, error: run.outcome.error };
    }
    return { ok: true, filter, hasFilter };
  }
}
