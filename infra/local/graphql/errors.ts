/**
 * AppSync's error shapes. Field errors look like this in AppSync's responses (Amplify JS fixtures
 * captured from the AppSync console; AWS's resolver-reference-overview-js.html, docs/local-appsync-runtime.md):
 *   {"path":["listTodos"],"data":null,"errorType":"Unauthorized","errorInfo":null,
 *    "locations":[{"line":2,"column":3,"sourceName":null}],"message":"Not Authorized to access listTodos on type Query"}
 * Validation errors come from AppSync's graphql-java front end: `path: null`, the location, and a
 * message such as "Validation error of type FieldUndefined: Field 'x' in type 'Y' is undefined @ 'a/x'".
 */
import { GraphQLError, Kind, print, getNamedType, isListType, isNonNullType, isObjectType, type GraphQLSchema, type GraphQLType } from 'graphql';
import type { AppSyncErrorEntry } from '../contracts';
import { ScalarValueError } from './scalars';

export interface AppSyncLocation {
  line: number;
  column: number;
  sourceName: null;
}

/** One entry of the `errors` array as AppSync sends it. */
export interface AppSyncResponseError {
  path: (string | number)[] | null;
  data?: unknown;
  errorType?: string | null;
  errorInfo?: unknown;
  locations: AppSyncLocation[] | null;
  message: string;
}

export interface AppSyncResponse {
  data: Record<string, unknown> | null;
  errors?: AppSyncResponseError[];
}

/** A field failed with an AppSync error (util.error, Unauthorized, a refused request object…). */
export class FieldFailure extends Error {
  override name = 'FieldFailure';
  constructor(readonly entry: AppSyncErrorEntry) {
    super(entry.message);
  }
}

export function locationsOf(error: GraphQLError): AppSyncLocation[] | null {
  return error.locations ? error.locations.map((l) => ({ line: l.line, column: l.column, sourceName: null })) : null;
}

/** `/listEvents/items[0]/name`, the path notation of AppSync's messages. */
export function pathText(path: ReadonlyArray<string | number>): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `/${p}`)).join('');
}

function nonNullTypeName(schema: GraphQLSchema, parent: string, field: string, path: ReadonlyArray<string | number>): string {
  const type = schema.getType(parent);
  if (!isObjectType(type)) return 'Object';
  let t: GraphQLType | undefined = type.getFields()[field]?.type;
  if (!t) return 'Object';
  if (typeof path[path.length - 1] === 'number') {
    if (isNonNullType(t)) t = t.ofType;
    if (isListType(t)) t = t.ofType;
  }
  return getNamedType(t).name;
}

/** Formats one execution error of graphql-js the way AppSync formats it. */
export function formatExecutionError(error: GraphQLError, schema: GraphQLSchema): AppSyncResponseError {
  const path = error.path ? [...error.path] : null;
  const original = error.originalError;
  if (original instanceof FieldFailure) {
    const e = original.entry;
    return { path, data: e.data ?? null, errorType: e.errorType ?? null, errorInfo: e.errorInfo ?? null, locations: locationsOf(error), message: e.message };
  }
  const nonNull = /^Cannot return null for non-nullable field (\w+)\.(\w+)\.$/.exec(error.message);
  if (nonNull && path) {
    // AppSync's wording (aws-mobile-appsync-sdk-ios#319): no errorType, no locations.
    const typeName = nonNullTypeName(schema, nonNull[1]!, nonNull[2]!, path);
    return { path, locations: null, message: `Cannot return null for non-nullable type: '${typeName}' within parent '${nonNull[1]}' (${pathText(path)})` };
  }
  if ((original instanceof ScalarValueError || original instanceof GraphQLError) && path) {
    // A scalar that cannot be serialised (e.g. an invalid AWSEmail coming out of a resolver).
    return { path, locations: null, message: `Can't serialize value (${pathText(path)}) : ${original.message}` };
  }
  return {
    path,
    data: null,
    errorType: 'InternalFailure',
    errorInfo: null,
    locations: locationsOf(error),
    message: original?.message ?? error.message,
  };
}

/** graphql-js's validation messages in AppSync's (graphql-java's) words, where we know them. */
export function formatValidationError(
  error: GraphQLError,
  operationPath: (error: GraphQLError) => string,
  argumentPath: (error: GraphQLError) => string = () => '',
): AppSyncResponseError {
  const at = operationPath(error);
  const suffix = at ? ` @ '${at}'` : '';
  let message = error.message;
  let m: RegExpExecArray | null;
  if ((m = /^Cannot query field "(\w+)" on type "(\w+)"\./.exec(message))) {
    message = `Validation error of type FieldUndefined: Field '${m[1]}' in type '${m[2]}' is undefined${suffix}`;
  } else if ((m = /^Unknown argument "(\w+)" on field "[\w.]+"\./.exec(message))) {
    message = `Validation error of type UnknownArgument: Unknown field argument ${m[1]}${suffix}`;
  } else if ((m = /^Field "(\w+)" argument "(\w+)" of type "([^"]+)" is required/.exec(message))) {
    message = `Validation error of type MissingFieldArgument: Missing field argument ${m[2]}${suffix}`;
  } else if ((m = /^Field "(\w+)" of type "([^"]+)" must have a selection of subfields/.exec(message))) {
    message = `Validation error of type SubSelectionRequired: Sub selection required for type ${(m[2] ?? '').replace(/[[\]!]/g, '')} of field ${m[1]}${suffix}`;
  } else if ((m = /^Expected value of type "([^"]+)", found (.+?);/.exec(message)) || (m = /^Expected value of type "([^"]+)", found (.+)\.$/.exec(message))) {
    message = `Validation error of type WrongType: argument '${argumentPath(error)}' with value '${javaValue(error)}' is not a valid '${(m[1] ?? '').replace(/!$/, '')}'${suffix}`;
  } else if ((m = /^Variable "\$(\w+)" got invalid value (.*)$/s.exec(message))) {
    message = `Variable '${m[1]}' has an invalid value: ${m[2]}`;
  } else if ((m = /^Variable "\$(\w+)" of required type "([^"]+)" was not provided\.$/.exec(message))) {
    message = `Variable '${m[1]}' has coerced Null value for NonNull type '${m[2]}'`;
  } else if (!/^Syntax Error/.test(message)) {
    message = `Validation error: ${message}${suffix}`;
  } else {
    const loc = error.locations?.[0];
    message = `Invalid Syntax : ${message.replace(/^Syntax Error: /, '')}${loc ? ` at line ${loc.line} column ${loc.column}` : ''}`;
  }
  return { path: null, locations: locationsOf(error), message };
}

/** graphql-java's rendering of a literal in WrongType messages, e.g. `StringValue{value='x'}`. */
function javaValue(error: GraphQLError): string {
  const node = error.nodes?.[0];
  if (!node) return '';
  switch (node.kind) {
    case Kind.STRING:
      return `StringValue{value='${node.value}'}`;
    case Kind.INT:
      return `IntValue{value=${node.value}}`;
    case Kind.FLOAT:
      return `FloatValue{value=${node.value}}`;
    case Kind.BOOLEAN:
      return `BooleanValue{value=${node.value}}`;
    case Kind.ENUM:
      return `EnumValue{name='${node.value}'}`;
    case Kind.NULL:
      return 'NullValue{}';
    default:
      return print(node);
  }
}
