/**
 * The one wiring table: tables, data sources, AppSync functions and field → pipeline.
 * Plain data, read by both `infra/aws` (the CDK app) and `infra/local` (the embedded AppSync),
 * so the cloud and the local stack cannot drift apart. `test/infra/wiring.test.ts` proves every
 * Query/Mutation/Subscription field of the schema is wired or deliberately unwired.
 *
 * Conventions (docs/architecture.md): the resolver for `Type.field` lives in `resolvers/Type.field.ts`
 * (its before/after handlers); function `name` lives in `resolvers/functions/name.ts` — unless the
 * spec names its `code`: every model's import field runs the one generic pipeline, and the
 * generated get/list queries share one file each.
 * Resolver code finds physical table names in `ctx.env` (AppSync environment variables).
 *
 * The models' part is derived from the model metadata codegen writes (schema/generated/models.ts,
 * docs/models.md): a table per @importable model, its data source, its import field.
 */
import { MODELS } from '../schema/generated/models';
import { referrersOf } from '../resolvers/lib/referrers';
import type { ModelTable } from '../schema/generated/models';

/**
 * The schema AppSync receives, relative to the repository: schema/schema.graphql expanded by codegen
 * and without Foreman's directives (docs/models.md). The local stack and the CDK serve this file.
 */
export const APPSYNC_SCHEMA = 'schema/generated/appsync.graphql';

export type KeyType = 'S' | 'N';

export interface KeySpec {
  name: string;
  type: KeyType;
}

export interface IndexSpec {
  indexName: string;
  partitionKey: KeySpec;
  sortKey?: KeySpec;
}

/** A local secondary index: same partition key as its table, another sort key. */
export interface LocalIndexSpec {
  indexName: string;
  sortKey: KeySpec;
}

export interface TableSpec<Id extends string = TableId> {
  /** Logical id, used by data sources and as the CDK construct id. */
  id: Id;
  /** The AppSync environment variable (`ctx.env.X`) that carries the physical table name. */
  envVar: string;
  /** Physical name in the local stack (the CDK lets CloudFormation name the table). */
  localName: string;
  partitionKey: KeySpec;
  sortKey?: KeySpec;
  globalSecondaryIndexes: IndexSpec[];
  /**
   * DynamoDB TTL: items carrying this attribute (epoch seconds) expire. The CDK turns TTL on for it;
   * the local stack's sweeper (infra/local/ttl/sweeper.ts) deletes expired items, because DynamoDB
   * Local never does.
   */
  timeToLiveAttribute?: string;
  localSecondaryIndexes?: LocalIndexSpec[];
}

/** Any API's table ids are its own names; Foreman's are one per model and these. */
export type TableId = string;
export type ForemanTableId = ModelTable | 'Uniques' | 'Ingestions' | 'Mappings';

export type DataSourceSpec =
  | {
      name: string;
      kind: 'AMAZON_DYNAMODB';
      /** The table the data source is attached to. */
      table: ForemanTableId;
      /** Further tables its transactions and batch operations touch (least privilege lists exactly these). */
      alsoTouches: ForemanTableId[];
      /** What the resolvers using it do; the CDK grants exactly these. */
      access: 'read' | 'readWrite';
    }
  | { name: string; kind: 'NONE' }
  /** PutEvents to the stack's event bus (infra/aws/notifications.ts); recorded locally. */
  | EventBridgeDataSourceSpec
  /**
   * A Lambda function: `handler` (relative to the repository) exporting `handler`. The CDK bundles
   * it as a NodejsFunction; the local stack calls the same module in-process.
   */
  | { name: string; kind: 'AWS_LAMBDA'; handler: string };

/**
 * EventBridge (PutEvents). Locally the events are recorded (infra/local/datasources/eventbridge);
 * in AWS the data source targets `eventBusArn` (default: the account's default bus).
 */
export interface EventBridgeDataSourceSpec {
  name: string;
  kind: 'AMAZON_EVENTBRIDGE';
  eventBusArn?: string;
}

/** SigV4 for an HTTP data source (AppSync's `authorizationConfig`). */
export interface HttpAuthorizationConfig {
  authorizationType: 'AWS_IAM';
  awsIamConfig: { signingRegion: string; signingServiceName: string };
}

/**
 * Every data source kind the local AppSync serves (any API, not only Foreman's). Foreman's own
 * `DataSourceSpec` is a subset, so its wiring table is one such API.
 */
export type ApiDataSourceSpec =
  | { name: string; kind: 'AMAZON_DYNAMODB'; table: TableId; alsoTouches?: TableId[]; access?: 'read' | 'readWrite' }
  | { name: string; kind: 'NONE' }
  | { name: string; kind: 'HTTP'; endpoint: string; authorizationConfig?: HttpAuthorizationConfig }
  | {
      name: string;
      kind: 'AWS_LAMBDA';
      /** The handler module (absolute, or relative to the API's root). */
      handler: string;
      /** The module's export to call. Default `handler`. */
      export?: string;
      /** `inProcess` (default: fast, shares this process) or `child` (its own Node process and environment). */
      isolation?: 'inProcess' | 'child';
      /** The function's environment variables (child isolation only; in-process they are not applied). */
      environment?: Record<string, string>;
      /** BatchInvoke: at most this many payloads per invocation. Default 10 (AppSync's maxBatchSize default is 0 = off; set it per resolver in AWS). */
      maxBatchSize?: number;
    }
  | EventBridgeDataSourceSpec
  | { name: string; kind: 'RELATIONAL_DATABASE'; databaseName?: string }
  | { name: string; kind: 'AMAZON_OPENSEARCH_SERVICE'; endpoint?: string };

export type DataSourceKind = ApiDataSourceSpec['kind'];

/** A pipeline function of any API: its code path (absolute or relative to the API's root) and data source. */
export interface ApiFunctionSpec {
  name: string;
  dataSource: string;
  code?: string;
}

/**
 * A resolver of any API. UNIT: `dataSource` set, the resolver's own request/response talk to it
 * (no `code` with an AWS_LAMBDA data source = a direct Lambda resolver). PIPELINE: `pipeline` names
 * its functions; the resolver's code holds the before/after handlers.
 */
export interface ApiResolverSpec {
  typeName: string;
  fieldName: string;
  kind?: 'UNIT' | 'PIPELINE';
  dataSource?: string;
  pipeline?: string[];
  code?: string;
}

export interface FunctionSpec {
  /** Also the file name: `resolvers/functions/<name>.ts`, unless `code` says otherwise. */
  name: string;
  dataSource: string;
  /** The function's code, relative to the repository, when one file serves several functions. */
  code?: string;
}

export interface ResolverSpec {
  typeName: 'Query' | 'Mutation' | 'Subscription';
  fieldName: string;
  /** Pipeline functions, in order. The resolver's own file holds the before/after handlers. */
  pipeline: string[];
  /** The resolver's code, relative to the repository, when it is not `resolvers/<Type>.<field>.ts`. */
  code?: string;
}

export interface UnwiredField {
  typeName: 'Query' | 'Mutation' | 'Subscription';
  fieldName: string;
  why: string;
}

/** A model's table: records by id, a GSI per reference (`by<Target>`, newest first). */
function modelTable(m: (typeof MODELS)[number]): TableSpec<ForemanTableId> {
  return {
    id: m.table as ModelTable,
    envVar: m.tableEnvVar,
    localName: `foreman-${m.plural.toLowerCase()}`,
    partitionKey: { name: 'id', type: 'S' },
    globalSecondaryIndexes: m.refs.map((r) => ({
      indexName: r.index,
      partitionKey: { name: r.field, type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
    })),
  };
}

export const tables: TableSpec<ForemanTableId>[] = [
  ...MODELS.map(modelTable),
  {
    // Unique-value claims: `<model>.<field>#<normalised value>` → owning record (docs/models.md),
    // `file#<sha256>` → ingestion.
    id: 'Uniques',
    envVar: 'UNIQUES_TABLE',
    localName: 'foreman-uniques',
    partitionKey: { name: 'key', type: 'S' },
    globalSecondaryIndexes: [],
  },
  {
    // One partition per ingestion: `META`, batch markers `BATCH#…`, row errors `ROW#…`.
    id: 'Ingestions',
    envVar: 'INGESTIONS_TABLE',
    localName: 'foreman-ingestions',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalSecondaryIndexes: [
      {
        // Sparse: only META items carry `kind`, so this lists ingestions newest first.
        indexName: 'byStartedAt',
        partitionKey: { name: 'kind', type: 'S' },
        sortKey: { name: 'startedAt', type: 'S' },
      },
      {
        // Sparse too (only META carries `owner`): a user's own ingestions, newest first (docs/auth.md).
        indexName: 'byOwner',
        partitionKey: { name: 'owner', type: 'S' },
        sortKey: { name: 'startedAt', type: 'S' },
      },
    ],
    // Row errors and batch markers carry it (never META): see infra/retention.ts.
    timeToLiveAttribute: 'expiresAt',
  },
  {
    // Saved column mappings (docs/mappings.md): one partition per owner (the caller, so a resolver can
    // address only the caller's own), `<ModelName>#<fingerprint>` within it; newest first by updatedAt.
    id: 'Mappings',
    envVar: 'MAPPINGS_TABLE',
    localName: 'foreman-mappings',
    partitionKey: { name: 'owner', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalSecondaryIndexes: [],
    localSecondaryIndexes: [{ indexName: 'byUpdatedAt', sortKey: { name: 'updatedAt', type: 'S' } }],
  },
];

export const dataSources: DataSourceSpec[] = [
  // A model's data source also reaches the claims, the ingestions and the tables it references.
  ...MODELS.map(
    (m): DataSourceSpec => ({
      name: `${m.table}Table`,
      kind: 'AMAZON_DYNAMODB',
      table: m.table as ModelTable,
      alsoTouches: [...new Set(m.refs.map((r) => MODELS.find((t) => t.name === r.model)!.table as ModelTable)), 'Uniques', 'Ingestions'],
      access: 'readWrite',
    }),
  ),
  { name: 'UniquesTable', kind: 'AMAZON_DYNAMODB', table: 'Uniques', alsoTouches: ['Customers', 'Ingestions'], access: 'readWrite' },
  // The generic import pipeline runs here: it reads and writes every model's table in its batches.
  { name: 'IngestionsTable', kind: 'AMAZON_DYNAMODB', table: 'Ingestions', alsoTouches: [...MODELS.map((m) => m.table as ModelTable), 'Uniques'], access: 'readWrite' },
  // Saved mappings reach their own table only.
  { name: 'MappingsTable', kind: 'AMAZON_DYNAMODB', table: 'Mappings', alsoTouches: [], access: 'readWrite' },
  // The read-only checks (checkFile, check<Plural>): what the import pipeline reads, with no write
  // action at all (docs/ingestion.md, "The dry run asks the server").
  { name: 'ImportChecks', kind: 'AMAZON_DYNAMODB', table: 'Ingestions', alsoTouches: [...MODELS.map((m) => m.table as ModelTable), 'Uniques'], access: 'read' },
  { name: 'None', kind: 'NONE' },
  { name: 'IngestionEvents', kind: 'AMAZON_EVENTBRIDGE' },
  // Presigned uploads into the ingestion bucket (functions/upload-url, docs/upload.md).
  { name: 'UploadUrls', kind: 'AWS_LAMBDA', handler: 'functions/upload-url/handler.ts' },
];

/** Filled in by the resolvers: every function a pipeline names must be listed here. */
export const functions: FunctionSpec[] = [
  // --- customers and projects -----------------------------------------------------------------
  { name: 'getCustomerById', dataSource: 'CustomersTable' },
  { name: 'getEmailClaim', dataSource: 'UniquesTable' },
  { name: 'scanCustomers', dataSource: 'CustomersTable' },
  { name: 'putCustomerWithEmailClaim', dataSource: 'CustomersTable' },
  { name: 'putCustomerWithEmailClaimRetry', dataSource: 'CustomersTable' },
  { name: 'updateCustomerWithEmailClaim', dataSource: 'CustomersTable' },
  { name: 'deleteCustomerWithEmailClaim', dataSource: 'CustomersTable' },
  { name: 'getProjectById', dataSource: 'ProjectsTable' },
  { name: 'scanProjects', dataSource: 'ProjectsTable' },
  { name: 'queryProjectsByCustomer', dataSource: 'ProjectsTable' },
  { name: 'putProjectForCustomer', dataSource: 'ProjectsTable' },
  { name: 'updateProjectById', dataSource: 'ProjectsTable' },
  { name: 'deleteProjectById', dataSource: 'ProjectsTable' },
  // --- end of customers and projects ----------------------------------------------------------
  // --- ingestion ------------------------------------------------------------------------------
  { name: 'claimFile', dataSource: 'IngestionsTable' },
  { name: 'readFileClaim', dataSource: 'UniquesTable' },
  { name: 'getIngestionMeta', dataSource: 'IngestionsTable' },
  { name: 'reopenIngestion', dataSource: 'IngestionsTable' },
  // The one import pipeline of every model (resolvers/Mutation.importRows.ts).
  { name: 'readImportRefs', dataSource: 'IngestionsTable' },
  { name: 'readImportBatch', dataSource: 'IngestionsTable' },
  { name: 'writeImportBatch', dataSource: 'IngestionsTable' },
  { name: 'writeImportBatchRetry', dataSource: 'IngestionsTable' },
  { name: 'readRejectBatch', dataSource: 'IngestionsTable' },
  { name: 'writeRejectBatch', dataSource: 'IngestionsTable' },
  { name: 'writeRejectBatchRetry', dataSource: 'IngestionsTable' },
  { name: 'readBatchMarker', dataSource: 'IngestionsTable' },
  // The read-only checks (resolvers/Query.checkRows.ts, Query.checkFile.ts), on ImportChecks.
  { name: 'checkImportRefs', dataSource: 'ImportChecks', code: 'resolvers/functions/readImportRefs.ts' },
  { name: 'checkImportRows', dataSource: 'ImportChecks' },
  { name: 'getFileClaim', dataSource: 'ImportChecks' },
  { name: 'getCheckedIngestion', dataSource: 'ImportChecks', code: 'resolvers/functions/getIngestionMeta.ts' },
  { name: 'closeIngestion', dataSource: 'IngestionsTable' },
  { name: 'queryIngestions', dataSource: 'IngestionsTable' },
  { name: 'queryRowErrors', dataSource: 'IngestionsTable' },
  { name: 'queryBatchMarkers', dataSource: 'IngestionsTable' },
  { name: 'acceptSubscription', dataSource: 'None' },
  { name: 'publishIngestionEvent', dataSource: 'IngestionEvents' },
  // --- end of ingestion -----------------------------------------------------------------------
  // --- hand-written import hooks (@importable(hook:), docs/models.md): on the model's table -----
  ...MODELS.flatMap((m): FunctionSpec[] => (m.hook ? [{ name: m.hook, dataSource: `${m.table}Table` }] : [])),
  // --- referrer checks of the deletes: one per @ref, on the referring model's table -----------
  ...MODELS.flatMap((m) => referrersOf([m], null).map((r): FunctionSpec => ({ name: r.fn, dataSource: `${m.table}Table`, code: 'resolvers/functions/findReferrers.ts' }))),
  // --- generated get/list queries: one file each, a function per model on its table -----------
  ...MODELS.flatMap((m): FunctionSpec[] => [
    ...(m.generatedGet ? [{ name: `get${m.name}Item`, dataSource: `${m.table}Table`, code: 'resolvers/functions/getModelItem.ts' }] : []),
    ...(m.generatedList ? [{ name: `scan${m.plural}`, dataSource: `${m.table}Table`, code: 'resolvers/functions/scanModel.ts' }] : []),
  ]),
  // --- erasure (docs/operations.md) -----------------------------------------------------------
  { name: 'readErasureClaim', dataSource: 'UniquesTable' },
  { name: 'deleteErasedCustomer', dataSource: 'CustomersTable' },
  { name: 'scanForErasure', dataSource: 'IngestionsTable' },
  { name: 'redactErasedValues', dataSource: 'IngestionsTable' },
  // --- end of erasure -------------------------------------------------------------------------
  // --- saved column mappings (docs/mappings.md) -----------------------------------------------
  { name: 'putMapping', dataSource: 'MappingsTable' },
  { name: 'getMappingItem', dataSource: 'MappingsTable' },
  { name: 'deleteMappingItem', dataSource: 'MappingsTable' },
  { name: 'queryMappings', dataSource: 'MappingsTable' },
  // --- uploads (docs/upload.md) ---------------------------------------------------------------
  { name: 'presignUpload', dataSource: 'UploadUrls' },
  { name: 'multipartUpload', dataSource: 'UploadUrls' },
];

/** Filled in by the resolvers: every Query/Mutation field of the schema appears here or in `unwired`. */
export const resolvers: ResolverSpec[] = [
  // --- customers and projects -----------------------------------------------------------------
  { typeName: 'Query', fieldName: 'getCustomer', pipeline: ['getCustomerById'] },
  { typeName: 'Query', fieldName: 'customerByEmail', pipeline: ['getEmailClaim', 'getCustomerById'] },
  { typeName: 'Query', fieldName: 'listCustomers', pipeline: ['scanCustomers'] },
  { typeName: 'Query', fieldName: 'getProject', pipeline: ['getProjectById'] },
  { typeName: 'Query', fieldName: 'listProjects', pipeline: ['scanProjects'] },
  { typeName: 'Query', fieldName: 'listProjectsByCustomer', pipeline: ['queryProjectsByCustomer'] },
  { typeName: 'Mutation', fieldName: 'createCustomer', pipeline: ['putCustomerWithEmailClaim', 'putCustomerWithEmailClaimRetry'] },
  { typeName: 'Mutation', fieldName: 'updateCustomer', pipeline: ['getCustomerById', 'updateCustomerWithEmailClaim'] },
  // A record that others still name is not deleted (resolvers/lib/referrers.ts).
  { typeName: 'Mutation', fieldName: 'deleteCustomer', pipeline: ['getCustomerById', ...referrersOf(MODELS, 'Customer').map((r) => r.fn), 'deleteCustomerWithEmailClaim'] },
  { typeName: 'Mutation', fieldName: 'createProject', pipeline: ['putProjectForCustomer'] },
  { typeName: 'Mutation', fieldName: 'updateProject', pipeline: ['getProjectById', 'updateProjectById'] },
  { typeName: 'Mutation', fieldName: 'deleteProject', pipeline: ['getProjectById', ...referrersOf(MODELS, 'Project').map((r) => r.fn), 'deleteProjectById'] },
  // --- end of customers and projects ----------------------------------------------------------
  // --- ingestion ------------------------------------------------------------------------------
  { typeName: 'Mutation', fieldName: 'startIngestion', pipeline: ['claimFile', 'readFileClaim', 'getIngestionMeta', 'reopenIngestion'] },
  // Every model's import field: one pipeline (a model without references skips readImportRefs).
  ...MODELS.map(
    (m): ResolverSpec => ({
      typeName: 'Mutation',
      fieldName: m.importField,
      code: 'resolvers/Mutation.importRows.ts',
      pipeline: [
        ...(m.hook ? [m.hook] : []),
        ...(m.refs.length > 0 ? ['readImportRefs'] : []),
        'readImportBatch',
        'writeImportBatch',
        'writeImportBatchRetry',
        'readBatchMarker',
      ],
    }),
  ),
  // Every model's check query: the import's reads, read-only (the hook first, as in the import).
  ...MODELS.map(
    (m): ResolverSpec => ({
      typeName: 'Query',
      fieldName: m.checkField,
      code: 'resolvers/Query.checkRows.ts',
      pipeline: [...(m.hook ? [m.hook] : []), ...(m.refs.length > 0 ? ['checkImportRefs'] : []), 'checkImportRows'],
    }),
  ),
  { typeName: 'Query', fieldName: 'checkFile', pipeline: ['getFileClaim', 'getCheckedIngestion'] },
  { typeName: 'Mutation', fieldName: 'recordRejectedRows', pipeline: ['readRejectBatch', 'writeRejectBatch', 'writeRejectBatchRetry', 'readBatchMarker'] },
  { typeName: 'Mutation', fieldName: 'finishIngestion', pipeline: ['getIngestionMeta', 'closeIngestion', 'publishIngestionEvent'] },
  { typeName: 'Mutation', fieldName: 'failIngestion', pipeline: ['getIngestionMeta', 'closeIngestion', 'publishIngestionEvent'] },
  { typeName: 'Query', fieldName: 'getIngestion', pipeline: ['getIngestionMeta'] },
  { typeName: 'Query', fieldName: 'listIngestions', pipeline: ['queryIngestions'] },
  { typeName: 'Query', fieldName: 'listIngestionRowErrors', pipeline: ['getIngestionMeta', 'queryRowErrors'] },
  { typeName: 'Query', fieldName: 'listIngestionBatches', pipeline: ['getIngestionMeta', 'queryBatchMarkers'] },
  // Real-time: only what the subscriber may read (owner filter, docs/auth.md).
  { typeName: 'Subscription', fieldName: 'onIngestionProgress', pipeline: ['acceptSubscription'] },
  { typeName: 'Subscription', fieldName: 'onIngestionsChanged', pipeline: ['acceptSubscription'] },
  // --- end of ingestion -----------------------------------------------------------------------
  ...MODELS.flatMap((m): ResolverSpec[] => [
    ...(m.generatedGet ? [{ typeName: 'Query' as const, fieldName: m.generatedGet, code: 'resolvers/Query.getModel.ts', pipeline: [`get${m.name}Item`] }] : []),
    ...(m.generatedList ? [{ typeName: 'Query' as const, fieldName: m.generatedList, code: 'resolvers/Query.listModels.ts', pipeline: [`scan${m.plural}`] }] : []),
  ]),
  {
    typeName: 'Mutation',
    fieldName: 'eraseCustomer',
    pipeline: ['readErasureClaim', 'getCustomerById', 'deleteErasedCustomer', 'scanForErasure', 'redactErasedValues'],
  },
  // Saved column mappings: each keyed by the caller (docs/auth.md).
  { typeName: 'Mutation', fieldName: 'saveMapping', pipeline: ['putMapping'] },
  { typeName: 'Mutation', fieldName: 'deleteMapping', pipeline: ['deleteMappingItem'] },
  { typeName: 'Query', fieldName: 'getMapping', pipeline: ['getMappingItem'] },
  { typeName: 'Query', fieldName: 'listMappings', pipeline: ['queryMappings'] },
  // A presigned PUT into the caller's uploads/<sub>/ (the S3 processor ingests it on their behalf).
  { typeName: 'Mutation', fieldName: 'createUpload', pipeline: ['presignUpload'] },
  // Multipart uploads: complete or abandon the caller's own (the same Lambda).
  { typeName: 'Mutation', fieldName: 'completeUpload', pipeline: ['multipartUpload'] },
  { typeName: 'Mutation', fieldName: 'abortUpload', pipeline: ['multipartUpload'] },
];

export const unwired: UnwiredField[] = [];

/** `ctx.env` for a given table naming (physical names by table id). */
export function environmentFor(physicalNames: Record<string, string>): Record<string, string> {
  return Object.fromEntries(tables.map((t) => [t.envVar, physicalNames[t.id] ?? t.localName]));
}

export const localEnvironment: Record<string, string> = environmentFor(
  Object.fromEntries(tables.map((t) => [t.id, t.localName])),
);

/** A resolver's code: its spec's `code`, else the convention. */
export function resolverCodePath(r: Pick<ResolverSpec, 'typeName' | 'fieldName' | 'code'>): string {
  return r.code ?? `resolvers/${r.typeName}.${r.fieldName}.ts`;
}

/** A function's code by the convention (a spec's own `code` comes first: `functionCode`). */
export function functionCodePath(name: string): string {
  return `resolvers/functions/${name}.ts`;
}

export function functionCode(f: Pick<FunctionSpec, 'name' | 'code'>): string {
  return f.code ?? functionCodePath(f.name);
}
