/**
 * Mutation.saveMapping: [putMapping]. Saves (or replaces) the caller's column mapping for a header
 * row and model (docs/mappings.md). The mapping is checked against the model's generated columns
 * (lib/mappings.ts mappingProblems, the check the clients run too) and refused with one
 * `ValidationError` listing every problem in `errorInfo.errors`. The item is keyed by the caller
 * (lib/identity.ts), so a caller can only ever write their own.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationSaveMappingArgs } from '../schema/generated/types';
import { MODELS } from '../schema/generated/models';
import type { ModelMeta } from '../schema/models';
import { callerOwner } from './lib/identity';
import { mappingProblems, mappingSortKey, mappingText, toSavedMapping } from './lib/mappings';
import type { MappingItem, MappingStash } from './lib/mappings';

export function request(ctx: Context<MutationSaveMappingArgs, MappingStash>) {
  const owner = callerOwner(ctx);
  const input = ctx.args.input;
  let model: ModelMeta | null = null;
  for (const m of MODELS) {
    if (m.apiName === input.model) {
      model = m;
    }
  }
  if (!model) {
    util.error(`No model ${input.model}.`, 'BadRequest');
  }
  // AppSync hands an AWSJSON argument to the resolver parsed.
  const mapping = input.mapping as unknown;
  const problems = mappingProblems(model, { fingerprint: input.fingerprint, headers: input.headers, mapping });
  if (problems.length > 0) {
    const messages: string[] = [];
    for (const p of problems) {
      messages.push(p.message);
    }
    util.error(`The mapping cannot be saved: ${messages.join('; ')}.`, 'ValidationError', null, { errors: problems });
  }
  ctx.stash.owner = owner;
  ctx.stash.sk = mappingSortKey(model.apiName, input.fingerprint);
  ctx.stash.save = { fingerprint: input.fingerprint, model: model.apiName, headers: input.headers, mapping: mappingText(input.headers, mapping as Record<string, unknown>) };
  return {};
}

export function response(ctx: Context<MutationSaveMappingArgs, MappingStash, { result: MappingItem }>) {
  return toSavedMapping(ctx.prev.result);
}
