/**
 * Every generated `get<Model>(id)` query (getInvoice, …; codegen generates them for a model whose
 * schema declares none): [get<Model>Item], one function per model on its table's data source, all
 * running resolvers/functions/getModelItem.ts. The field names the model (`get${name}`), and the
 * function's data source its table, so nothing here is model-specific. Null when there is no such record.
 */
import type { Context } from '@aws-appsync/utils';
import type { ModelItemStash } from './functions/getModelItem';

export function request(ctx: Context<{ id: string }, ModelItemStash>) {
  ctx.stash.id = ctx.args.id;
  return {};
}

export function response(ctx: Context<{ id: string }, ModelItemStash, { result: Record<string, unknown> | null }>): Record<string, unknown> | null {
  return ctx.prev.result;
}
