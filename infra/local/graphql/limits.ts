/**
 * AppSync's `queryDepthLimit` and `resolverCountLimit` (configuration-limits.html), checked on the
 * parsed document before it is validated or executed, so that a 500-level query or 10,000 aliases
 * cost one linear walk (fragments measured once each) and never run a resolver.
 *
 * AWS answers a too-deep field with `QueryDepthLimitReached` and the resolvers past the count with
 * `ResolverExecutionLimitReached`, and still runs what is inside the limits. Locally an operation
 * that the document alone shows to exceed a limit is refused as a whole (data null, one error
 * naming the first offending field): documented in docs/security.md. Resolvers multiplied by lists
 * at run time are counted by the executor and refused one by one, as AWS does.
 */
import {
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AppSyncResponseError } from './errors';

export interface OperationLimits {
  queryDepthLimit: number;
  resolverCountLimit: number;
}

/** The message AppSync's documentation names for a too-deep field (the exact wording is not documented). */
export function depthLimitError(limit: number, path: string[], node: FieldNode | null): AppSyncResponseError {
  return limitError('QueryDepthLimitReached', `Query depth limit of ${limit} reached: ${path.join('/')} is nested ${path.length} levels deep.`, path, node);
}

export function resolverLimitError(limit: number, path: (string | number)[], node: FieldNode | null): AppSyncResponseError {
  return limitError('ResolverExecutionLimitReached', `Resolver count limit of ${limit} reached: ${path.filter((p) => typeof p === 'string').join('/')} was not resolved.`, path, node);
}

function limitError(errorType: string, message: string, path: (string | number)[], node: FieldNode | null): AppSyncResponseError {
  const loc = node?.loc;
  return {
    path,
    data: null,
    errorType,
    errorInfo: null,
    locations: loc ? [{ line: loc.startToken.line, column: loc.startToken.column, sourceName: null }] : null,
    message,
  };
}

interface Measure {
  /** Deepest field level below (and including) this selection set's fields. */
  depth: number;
  /** Wired fields selected, each spread of a fragment counted again. */
  resolvers: number;
}

const CAP = 1e9;

/**
 * The first limit the operation breaks, as an AppSync-shaped error, or null.
 * `isWired(type, field)` says whether a field runs a resolver.
 */
export function checkOperationLimits(
  document: DocumentNode,
  operationName: string | undefined,
  schema: GraphQLSchema,
  isWired: (typeName: string, fieldName: string) => boolean,
  limits: OperationLimits,
): AppSyncResponseError | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return null; // validation/execution report it
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const rootType = schema.getRootType(operation.operation) ?? null;

  const memo = new Map<string, Measure>();
  const visiting = new Set<string>();
  const childType = (parent: GraphQLNamedType | null, field: FieldNode): GraphQLNamedType | null => {
    if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return null;
    const def = parent.getFields()[field.name.value];
    return def ? getNamedType(def.type) : null;
  };
  const typeOf = (name: string | undefined, fallback: GraphQLNamedType | null): GraphQLNamedType | null => (name ? (schema.getType(name) ?? null) : fallback);

  const measure = (set: SelectionSetNode, parent: GraphQLNamedType | null): Measure => {
    let depth = 0;
    let resolvers = 0;
    for (const selection of set.selections) {
      let m: Measure;
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet ? measure(selection.selectionSet, childType(parent, selection)) : { depth: 0, resolvers: 0 };
        const wired = parent ? isWired(parent.name, selection.name.value) : false;
        m = { depth: below.depth + 1, resolvers: below.resolvers + (wired ? 1 : 0) };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        m = measure(selection.selectionSet, typeOf(selection.typeCondition?.name.value, parent));
      } else {
        const name = selection.name.value;
        const cached = memo.get(name);
        const fragment = fragments.get(name);
        if (cached) m = cached;
        else if (!fragment || visiting.has(name)) m = { depth: 0, resolvers: 0 }; // unknown or cyclic: validation refuses it
        else {
          visiting.add(name);
          m = measure(fragment.selectionSet, typeOf(fragment.typeCondition.name.value, null));
          visiting.delete(name);
          memo.set(name, m);
        }
      }
      depth = Math.max(depth, m.depth);
      resolvers = Math.min(CAP, resolvers + m.resolvers);
    }
    return { depth, resolvers };
  };

  const total = measure(operation.selectionSet, rootType);
  if (total.depth > limits.queryDepthLimit) {
    const found = firstTooDeep(operation.selectionSet, fragments, limits.queryDepthLimit);
    return depthLimitError(limits.queryDepthLimit, found?.path ?? [], found?.node ?? null);
  }
  if (total.resolvers > limits.resolverCountLimit) {
    const found = nthWired(operation.selectionSet, fragments, rootType, childType, typeOf, isWired, limits.resolverCountLimit + 1);
    return resolverLimitError(limits.resolverCountLimit, found?.path ?? [], found?.node ?? null);
  }
  return null;
}

/** Locating the offending field is best effort: fragments spread exponentially are not walked out. */
const WALK_BUDGET = 100_000;

interface Found {
  node: FieldNode;
  path: string[];
}

/** The first field at depth `limit + 1` (the walk never goes deeper than that). */
function firstTooDeep(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, limit: number): Found | null {
  let steps = 0;
  const walk = (s: SelectionSetNode, path: string[], seen: Set<string>): Found | null => {
    for (const selection of s.selections) {
      if ((steps += 1) > WALK_BUDGET) return null;
      if (selection.kind === Kind.FIELD) {
        const here = [...path, selection.alias?.value ?? selection.name.value];
        if (here.length > limit) return { node: selection, path: here };
        const found = selection.selectionSet ? walk(selection.selectionSet, here, seen) : null;
        if (found) return found;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const found = walk(selection.selectionSet, path, seen);
        if (found) return found;
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const found = walk(fragment.selectionSet, path, new Set([...seen, fragment.name.value]));
        if (found) return found;
      }
    }
    return null;
  };
  return walk(set, [], new Set());
}

/** The `n`th wired field in document order (the first one AppSync would not run). */
function nthWired(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  rootType: GraphQLNamedType | null,
  childType: (parent: GraphQLNamedType | null, field: FieldNode) => GraphQLNamedType | null,
  typeOf: (name: string | undefined, fallback: GraphQLNamedType | null) => GraphQLNamedType | null,
  isWired: (typeName: string, fieldName: string) => boolean,
  n: number,
): Found | null {
  let seenWired = 0;
  let steps = 0;
  const walk = (s: SelectionSetNode, parent: GraphQLNamedType | null, path: string[], seen: Set<string>): Found | null => {
    for (const selection of s.selections) {
      if ((steps += 1) > WALK_BUDGET) return null;
      if (selection.kind === Kind.FIELD) {
        const here = [...path, selection.alias?.value ?? selection.name.value];
        if (parent && isWired(parent.name, selection.name.value)) {
          seenWired += 1;
          if (seenWired === n) return { node: selection, path: here };
        }
        const found = selection.selectionSet ? walk(selection.selectionSet, childType(parent, selection), here, seen) : null;
        if (found) return found;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const found = walk(selection.selectionSet, typeOf(selection.typeCondition?.name.value, parent), path, seen);
        if (found) return found;
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const found = walk(fragment.selectionSet, typeOf(fragment.typeCondition.name.value, null), path, new Set([...seen, fragment.name.value]));
        if (found) return found;
      }
    }
    return null;
  };
  return walk(set, rootType, [], new Set());
}
