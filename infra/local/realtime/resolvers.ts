/**
 * Runs a Subscription field's resolver at `start`, as AppSync does, through the executor's one
 * resolver runner (infra/local/graphql/executor.ts `runResolver`): UNIT or PIPELINE, data sources
 * and all. `extensions.setSubscriptionFilter(...)` in a handler sets the enhanced filter
 * (extensions-js.html: "only in the response handler of a subscription resolver"); a
 * `util.error`/`util.unauthorized` in any handler refuses the subscription.
 *
 * The stack passes its executor (`{ resolveSubscription }`); bare code sources (tests) run their
 * functions on the NONE data source, which subscription resolvers use.
 */
import { FieldFailure } from '../graphql/errors';
import { invokeNoneStep, runResolver, type ResolverBase, type SubscriptionResolution } from '../graphql/executor';
import type { AppSyncJsRuntime, HandlerRun, LoadedCode } from '../contracts';

export type { SubscriptionResolution } from '../graphql/executor';

export interface SubscriptionPipelineCode {
  resolver: string;
  functions: { name: string; code: string }[];
}

/** Subscription resolver code by field name (null: none wired); or the executor that runs them. */
export type SubscriptionCodeSource =
  | ((fieldName: string) => Promise<SubscriptionPipelineCode | null>)
  | { resolveSubscription(fieldName: string, base: ResolverBase): Promise<SubscriptionResolution> };

/** No subscription resolvers at all (an API that wires none). */
export const wiringCodeSource: SubscriptionCodeSource = async () => null;

export class SubscriptionResolverRunner {
  private readonly loaded = new Map<string, Promise<{ resolver: LoadedCode; functions: LoadedCode[] } | null>>();

  constructor(
    private readonly runtime: AppSyncJsRuntime,
    private readonly source: SubscriptionCodeSource,
  ) {}

  private load(fieldName: string, source: (fieldName: string) => Promise<SubscriptionPipelineCode | null>) {
    let pending = this.loaded.get(fieldName);
    if (!pending) {
      pending = source(fieldName).then((code) =>
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
  async resolve(fieldName: string, base: ResolverBase): Promise<SubscriptionResolution> {
    if (typeof this.source !== 'function') return this.source.resolveSubscription(fieldName, base);
    const code = await this.load(fieldName, this.source);
    if (!code) return { ok: true, filter: undefined, hasFilter: false };
    let filter: unknown;
    let hasFilter = false;
    const onRun = (run: HandlerRun): void => {
      if (run.effects.subscriptionFilter !== undefined) {
        filter = run.effects.subscriptionFilter;
        hasFilter = true;
      }
    };
    try {
      await runResolver(this.runtime, { code: code.resolver, unit: null, functions: code.functions.map((c) => ({ code: c, invoke: invokeNoneStep })) }, base, { onAppend: () => undefined, onRun });
    } catch (error) {
      if (error instanceof FieldFailure) return { ok: false, error: error.entry };
      throw error;
    }
    return { ok: true, filter, hasFilter };
  }
}
