/**
 * GraphQL side of the real-time endpoint: which mutations feed which subscription field
 * (`@aws_subscribe(mutations: […])`), checking a `start`'s document, and shaping a mutation's
 * payload into what a subscriber receives.
 *
 * AppSync's rule (aws-appsync-real-time-data.html): subscribers receive the fields the triggering
 * mutation selected; the subscription's own selection is applied to that, so a field the mutation did
 * not select arrives as `null` (or fails the non-null check of its type).
 */
import {
  GraphQLError,
  GraphQLNonNull,
  Kind,
  buildSchema,
  execute,
  getArgumentValues,
  getVariableValues,
  getNamedType,
  getNullableType,
  isObjectType,
  parse,
  printSchema,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
} from 'graphql';
import { checkOperationLimits } from '../graphql/limits';
import type { ErrorEntry } from './protocol';

/** Subscription field → the mutation fields that feed it. */
export function subscribedMutations(schema: GraphQLSchema): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const subscriptionType = schema.getSubscriptionType();
  if (!subscriptionType) return out;
  for (const field of Object.values(subscriptionType.getFields())) {
    const directive = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
    const mutations = directive?.arguments?.find((a) => a.name.value === 'mutations')?.value;
    const names = new Set<string>();
    if (mutations?.kind === Kind.LIST) {
      for (const v of mutations.values) if (v.kind === Kind.STRING) names.add(v.value);
    } else if (mutations?.kind === Kind.STRING) {
      names.add(mutations.value);
    }
    out.set(field.name, names);
  }
  return out;
}

/**
 * A copy of the schema with no resolvers and pass-through scalars, used only to apply a
 * subscription's selection set to a payload (the stack's executable schema may carry resolvers).
 */
export function shapingSchema(schema: GraphQLSchema): GraphQLSchema {
  return buildSchema(printSchema(schema), { assumeValidSDL: true });
}

export interface PreparedStart {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fieldNode: FieldNode;
  fieldName: string;
  field: GraphQLField<unknown, unknown>;
  /** Arguments the client gave explicitly (absent ones are missing; an explicit null stays null). */
  arguments: Record<string, unknown>;
  variables: Record<string, unknown>;
  selectionSetList: string[];
  selectionSetGraphQL: string;
  /** Same key ⇒ same shaped payload for the same event (query text, operation and variables). */
  shapeKey: string;
}

function locationsOf(error: GraphQLError): ErrorEntry['locations'] {
  return error.locations?.map((l) => ({ line: l.line, column: l.column, sourceName: null }));
}

/**
 * graphql-js words validation failures differently from AppSync (graphql-java); the common one,
 * an unknown field, is reworded as AppSync sends it (e.g. aws-amplify/amplify-js#7070:
 * "Validation error of type FieldUndefined: Field 'x' in type 'T' is undefined @ 'x'").
 */
function validationEntry(error: GraphQLError): ErrorEntry {
  const unknownField = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(error.message);
  const message = unknownField
    ? `Validation error of type FieldUndefined: Field '${unknownField[1]}' in type '${unknownField[2]}' is undefined @ '${unknownField[1]}'`
    : `Validation error: ${error.message}`;
  return { message, locations: locationsOf(error) };
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

/** AppSync's `selectionSetList`: response keys, nested as `a/b`, fragments flattened. */
function selectionList(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, prefix = ''): string[] {
  if (!set) return [];
  const out: string[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if (s.name.value === '__typename') continue;
      const key = `${prefix}${(s.alias ?? s.name).value}`;
      out.push(key);
      out.push(...selectionList(s.selectionSet, fragments, `${key}/`));
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      out.push(...selectionList(s.selectionSet, fragments, prefix));
    } else {
      out.push(...selectionList(fragments.get(s.name.value)?.selectionSet, fragments, prefix));
    }
  }
  return [...new Set(out)];
}

export type PrepareResult = { ok: true; start: PreparedStart } | { ok: false; errors: ErrorEntry[] };

/** Parses and validates the `data` of a `start` message (`{query, variables}` as a JSON string). */
export function prepareStart(schema: GraphQLSchema, data: unknown, queryDepthLimit?: number): PrepareResult {
  let request: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    request = typeof data === 'string' ? (JSON.parse(data) as typeof request) : (data as typeof request);
  } catch {
    return { ok: false, errors: [{ errorType: 'BadRequestException', message: 'The start message data is not valid JSON.' }] };
  }
  if (!request || typeof request.query !== 'string') {
    return { ok: false, errors: [{ errorType: 'BadRequestException', message: 'The start message data has no query.' }] };
  }
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    const e = error as GraphQLError;
    return { ok: false, errors: [{ message: `Invalid Syntax : ${e.message}`, locations: locationsOf(e) }] };
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    typeof request.operationName === 'string' ? operations.find((o) => o.name?.value === request.operationName) : operations[0];
  if (!operation) return { ok: false, errors: [{ errorType: 'BadRequestException', message: 'No operation to start.' }] };
  if (operation.operation !== 'subscription') {
    return { ok: false, errors: [{ errorType: 'UnsupportedOperation', message: `${operation.operation} not supported through the realtime channel` }] };
  }
  // AppSync's queryDepthLimit applies to subscriptions too; measured before validation (graphql/limits.ts).
  if (queryDepthLimit !== undefined) {
    const over = checkOperationLimits(document, operation.name?.value, schema, () => false, { queryDepthLimit, resolverCountLimit: Number.MAX_SAFE_INTEGER });
    if (over) return { ok: false, errors: [{ errorType: over.errorType ?? 'QueryDepthLimitReached', message: over.message, ...(over.locations ? { locations: over.locations } : {}) }] };
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length) return { ok: false, errors: validationErrors.map(validationEntry) };

  const variables = request.variables && typeof request.variables === 'object' ? (request.variables as Record<string, unknown>) : {};
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return { ok: false, errors: coerced.errors.map((e) => ({ message: `Validation error: ${e.message}`, locations: locationsOf(e) })) };

  const fragments = fragmentsOf(document);
  const fieldNode = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
  const subscriptionType = schema.getSubscriptionType();
  const field = fieldNode && subscriptionType?.getFields()[fieldNode.name.value];
  if (!fieldNode || !field) {
    return { ok: false, errors: [{ message: 'Validation error: a subscription selects exactly one Subscription field.' }] };
  }
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(field, fieldNode, coerced.coerced);
  } catch (error) {
    return { ok: false, errors: [{ message: `Validation error: ${(error as Error).message}` }] };
  }
  return {
    ok: true,
    start: {
      document,
      operation,
      fieldNode,
      fieldName: field.name,
      field,
      arguments: args,
      variables: coerced.coerced,
      selectionSetList: selectionList(fieldNode.selectionSet, fragments),
      selectionSetGraphQL: fieldNode.selectionSet ? printSelection(request.query, fieldNode.selectionSet) : '',
      shapeKey: JSON.stringify([request.query, operation.name?.value ?? null, coerced.coerced]),
    },
  };
}

function printSelection(source: string, set: SelectionSetNode): string {
  return set.loc ? source.slice(set.loc.start, set.loc.end) : '';
}

/**
 * Basic (argument) filtering: every argument the subscriber gave must equal the payload's field of
 * the same name; an omitted argument matches everything (aws-appsync-real-time-data.html,
 * "Using subscription arguments"). A payload field the mutation did not select cannot match.
 */
export function matchesArguments(args: Record<string, unknown>, payload: unknown): boolean {
  const record = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  return Object.entries(args).every(([name, want]) => {
    if (!Object.hasOwn(record, name)) return false;
    const have = record[name];
    if (want === null || have === null) return want === have;
    return typeof want === 'object' ? JSON.stringify(want) === JSON.stringify(have) : String(want) === String(have);
  });
}

/**
 * Applies the subscription's selection to the mutation's payload. Missing fields become null;
 * a null in a non-null field becomes an error worded as AppSync words it and nulls its parent.
 */
export function shapePayload(
  shaping: GraphQLSchema,
  start: PreparedStart,
  payload: unknown,
): { data: Record<string, unknown> | null; errors?: ErrorEntry[] } {
  const result = execute({
    schema: shaping,
    document: start.document,
    operationName: start.operation.name?.value,
    rootValue: { [start.fieldName]: payload },
    variableValues: start.variables,
  });
  if ('then' in result) throw new Error('shaping a subscription payload must be synchronous');
  const errors = result.errors?.map((e) => appsyncError(shaping, e));
  return { data: (result.data as Record<string, unknown> | null | undefined) ?? null, ...(errors?.length ? { errors } : {}) };
}

function appsyncError(schema: GraphQLSchema, error: GraphQLError): ErrorEntry {
  const nonNull = /^Cannot return null for non-nullable field (\w+)\.(\w+)\.$/.exec(error.message);
  if (nonNull) {
    const parent = schema.getType(nonNull[1]!) as GraphQLObjectType | undefined;
    const fieldType = parent && isObjectType(parent) ? parent.getFields()[nonNull[2]!]?.type : undefined;
    const typeName = fieldType instanceof GraphQLNonNull ? String(getNullableType(fieldType)) : String(fieldType ? getNamedType(fieldType) : '?');
    const path = error.path ?? [];
    return {
      message: `Cannot return null for non-nullable type: '${typeName}' within parent '${nonNull[1]}' (/${path.join('/')})`,
      path,
      locations: locationsOf(error),
    };
  }
  return { message: error.message, path: error.path ?? undefined, locations: locationsOf(error) };
}
