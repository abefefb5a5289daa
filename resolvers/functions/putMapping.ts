/**
 * Writes `ctx.stash.save` as the caller's mapping (`owner` = the caller, `sk` = `<model>#<fingerprint>`):
 * one UpdateItem, so that saving again replaces the mapping and keeps its `createdAt`.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import { handleResponse } from '../lib/errors';
import type { MappingItem, MappingStash } from '../lib/mappings';

export function request(ctx: Context<unknown, MappingStash>) {
  const save = ctx.stash.save!;
  const now = util.time.nowISO8601();
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ owner: ctx.stash.owner, sk: ctx.stash.sk }),
    update: {
      expression: 'SET fingerprint = :fingerprint, #model = :model, headers = :headers, #mapping = :mapping, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)',
      expressionNames: { '#model': 'model', '#mapping': 'mapping' },
      expressionValues: util.dynamodb.toMapValues({ ':fingerprint': save.fingerprint, ':model': save.model, ':headers': save.headers, ':mapping': save.mapping, ':now': now }),
    },
  };
}

export function response(ctx: Context<unknown, MappingStash>): MappingItem {
  return handleResponse<MappingItem>(ctx);
}
