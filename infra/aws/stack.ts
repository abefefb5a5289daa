/**
 * Foreman on AWS: the AppSync API, its tables, data sources, functions and resolvers — all read
 * from the one wiring table (infra/wiring.ts) that the local stack also reads — plus the S3
 * ingestion bucket, the csv-processor Lambda, the Step Functions Distributed Map for big files,
 * and the web page on CloudFront.
 *
 * The constructor is synchronous and takes already-bundled resolver code (`code`), so tests can
 * hand it any wiring; `app.ts` bundles first (esbuild is async) and then builds the stack.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { repoRoot } from '../bundle';
import { MODELS } from '../../schema/generated/models';
import { APPSYNC_SCHEMA, functionCode, resolverCodePath, type DataSourceSpec, type KeySpec, type ForemanTableId as TableId } from '../wiring';
import { assertWiring, readSchema, type Wiring } from './checkWiring';
import { ForemanUserPool } from './auth';
import { attachWebAcls, DEFAULT_API_RATE_LIMIT, DEFAULT_WEB_RATE_LIMIT } from './waf';
import { assertAppSyncLimits, QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../limits';
import { PREFIXES } from '../../functions/csv-processor/keys';
import { powertoolsEnvironment } from '../../functions/telemetry';
import { DEFAULT_ROW_ERROR_RETENTION_DAYS, parseRetentionDays, retentionEnvironment } from '../retention';
import { TableBackup } from './backup';
import { ProcessorFailures } from './failures';
import { Notifications } from './notifications';
import { Observability } from './observability';
import { addFileLifecycle, MAP_RESULTS_PREFIX, type FileRetention } from './retention';

export type Stage = 'dev' | 'prod';

/** Files above this size go to the Distributed Map instead of one Lambda run (see README-aws). */
export const DEFAULT_LARGE_FILE_THRESHOLD_BYTES = 50 * 1024 * 1024;

/** Rows a Distributed Map child receives at once; the import Lambda splits them into mutation batches. */
export const MAP_ITEMS_PER_BATCH = 490;

export interface ForemanStackProps extends StackProps {
  stage: Stage;
  /** The wiring table: `import * as wiring from '../wiring'`, or a test's own. */
  wiring: Wiring;
  /** Bundled APPSYNC_JS code by repository-relative path (`resolvers/Query.getCustomer.ts` → code). */
  code: ReadonlyMap<string, string>;
  /** Default `schema/generated/appsync.graphql` (the file AppSync receives; AWS scalars are implicit there). */
  schemaFile?: string;
  /** AppSync's queryDepthLimit (1–75) and resolverCountLimit (1–10000). Default infra/limits.ts, as the local stack. */
  queryDepthLimit?: number;
  resolverCountLimit?: number;
  /** WAF rate limits, requests per client IP per 5 minutes (infra/aws/waf.ts). */
  apiRateLimit?: number;
  webRateLimit?: number;
  /** The CloudFront-scope web ACL from ForemanEdgeStack, when this stack is not in us-east-1. */
  cloudFrontWebAclArn?: string;
  /** Default DEFAULT_LARGE_FILE_THRESHOLD_BYTES. */
  largeFileThresholdBytes?: number;
  /** Directory holding the built web page; default: the first of clients/web/dist, clients/web/public, clients/web that has an index.html. */
  webDir?: string;
  /** `-c notifyEmail=…`: an email subscription to the notification topic (docs/operations.md). */
  notifyEmail?: string;
  /** `-c rowErrorRetentionDays` (default 30): row errors and batch markers expire by DynamoDB TTL. */
  rowErrorRetentionDays?: number;
  /** Lifecycle of processed/ and failed/ (infra/aws/retention.ts). */
  fileRetention?: FileRetention;
  /** Share of the Distributed Map's batches that may fail before the whole map fails; the last step reports them. Default 10. */
  mapToleratedFailurePercentage?: number;
}

/** DynamoDB actions a data source may perform, per wiring `access` (what APPSYNC_JS DynamoDB requests map to). */
export const DYNAMODB_ACTIONS: Record<'read' | 'readWrite', string[]> = {
  // GetItem also covers TransactGetItems; ConditionCheckItem is the ConditionCheck of a transaction.
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** The GraphQL fields each Lambda calls: exactly these become its appsync:GraphQL resources. */
export const IMPORTER_FIELDS = {
  Mutation: [...MODELS.map((m) => m.importField), 'recordRejectedRows', 'finishIngestion', 'failIngestion'],
  Query: ['listIngestionRowErrors'],
};
export const PROCESSOR_FIELDS = {
  Mutation: ['startIngestion', ...IMPORTER_FIELDS.Mutation],
  Query: IMPORTER_FIELDS.Query,
};

/** config.json next to the deployed page. `cognitoEndpoint` exists only on the local stack. */
export interface WebConfig {
  graphqlUrl: string;
  realtimeUrl: string;
  region: string;
  authMode: 'AMAZON_COGNITO_USER_POOLS';
  userPoolId: string;
  userPoolClientId: string;
  /** The local stack's user pool endpoint (`<origin>/cognito/`); absent = Cognito's regional endpoint. */
  cognitoEndpoint?: string;
}

export class MissingCodeError extends Error {
  override name = 'MissingCodeError';
}

/** A DynamoDB data source whose role gets exactly the grants we add, not the construct's defaults. */
class ScopedDynamoDbDataSource extends appsync.BackedDataSource {
  constructor(scope: Construct, id: string, api: appsync.IGraphqlApi, name: string, table: dynamodb.ITable, role: iam.IRole) {
    super(scope, id, { api, name, serviceRole: role }, {
      type: 'AMAZON_DYNAMODB',
      dynamoDbConfig: { tableName: table.tableName, awsRegion: Stack.of(scope).region },
    });
  }
}

export class ForemanStack extends Stack {
  readonly api: appsync.GraphqlApi;
  readonly auth: ForemanUserPool;
  /** The web page's config.json (the contract in clients/web: no key, ever). */
  readonly webConfig: WebConfig;
  readonly tables: Record<TableId, dynamodb.Table>;
  readonly bucket: s3.Bucket;
  readonly processor: nodejs.NodejsFunction;
  /** The upload-url function behind createUpload (a wiring data source of kind AWS_LAMBDA). */
  uploadFunction?: nodejs.NodejsFunction;
  readonly importer: nodejs.NodejsFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly notifications: Notifications;
  readonly failures: ProcessorFailures;
  readonly observability: Observability;
  readonly backup?: TableBackup;

  constructor(scope: Construct, id: string, props: ForemanStackProps) {
    super(scope, id, props);
    // Render the Map's ResultWriter as ResultWriterV2 (the flag must be set before any child exists).
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    const { wiring, stage } = props;
    const prod = stage === 'prod';
    const schemaFile = props.schemaFile ?? path.join(repoRoot, APPSYNC_SCHEMA);
    // Fail before creating anything when the wiring and the schema disagree.
    assertWiring(wiring, readSchema(schemaFile));

    // ---------------------------------------------------------------- tables
    const tables = {} as Record<TableId, dynamodb.Table>;
    for (const spec of wiring.tables) {
      const table = new dynamodb.Table(this, `${spec.id}Table`, {
        partitionKey: attr(spec.partitionKey),
        sortKey: spec.sortKey ? attr(spec.sortKey) : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        deletionProtection: prod,
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        timeToLiveAttribute: spec.timeToLiveAttribute,
      });
      for (const index of spec.globalSecondaryIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attr(index.partitionKey),
          sortKey: index.sortKey ? attr(index.sortKey) : undefined,
          projectionType: dynamodb.ProjectionType.ALL,
        });
      }
      for (const index of spec.localSecondaryIndexes ?? []) {
        table.addLocalSecondaryIndex({ indexName: index.indexName, sortKey: attr(index.sortKey), projectionType: dynamodb.ProjectionType.ALL });
      }
      tables[spec.id] = table;
    }
    this.tables = tables;
    // ctx.env for the given wiring's tables (environmentFor() in infra/wiring.ts is bound to the real table list).
    const tableEnvironment = Object.fromEntries(wiring.tables.map((t) => [t.envVar, tables[t.id].tableName]));

    // ---------------------------------------------------------------- events and notifications
    const rowErrorRetentionDays = parseRetentionDays(props.rowErrorRetentionDays ?? DEFAULT_ROW_ERROR_RETENTION_DAYS);
    this.notifications = new Notifications(this, 'Notifications', { stage, notifyEmail: props.notifyEmail });

    // ---------------------------------------------------------------- API
    // People sign in to the user pool (the default mode); machines sign with IAM. No API key.
    this.auth = new ForemanUserPool(this, 'Auth', { prod });
    const limits = { queryDepthLimit: props.queryDepthLimit ?? QUERY_DEPTH_LIMIT, resolverCountLimit: props.resolverCountLimit ?? RESOLVER_COUNT_LIMIT };
    assertAppSyncLimits(limits);
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: `foreman-${stage}`,
      definition: appsync.Definition.fromFile(schemaFile),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: appsync.AuthorizationType.USER_POOL,
          userPoolConfig: { userPool: this.auth.userPool, defaultAction: appsync.UserPoolDefaultAction.ALLOW },
        },
        additionalAuthorizationModes: [{ authorizationType: appsync.AuthorizationType.IAM }],
      },
      // The schema stays private in production; dev keeps it for consoles and codegen.
      introspectionConfig: prod ? appsync.IntrospectionConfig.DISABLED : appsync.IntrospectionConfig.ENABLED,
      queryDepthLimit: limits.queryDepthLimit,
      resolverCountLimit: limits.resolverCountLimit,
      // Resolvers read the physical table names (and the row-error retention) from ctx.env, exactly as in the local stack.
      environmentVariables: { ...tableEnvironment, ...retentionEnvironment(rowErrorRetentionDays) },
    });
    const api = this.api;
    // Field logging at ERROR: failing fields only; ALL would log every resolver's ctx (row data,
    // emails). Configured on the L1 with our own log group and a role limited to it, because the
    // L2 `logConfig` adds the CDK's LogRetention custom resource, whose role may change the
    // retention of every log group in the account ("*").
    const apiLogs = new logs.LogGroup(this, 'ApiLogs', {
      logGroupName: `/aws/appsync/apis/${api.apiId}`,
      retention: prod ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.TWO_WEEKS,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const apiLogsRole = new iam.Role(this, 'ApiLogsRole', {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
      description: 'AppSync field logs to its own log group only',
    });
    apiLogsRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [apiLogs.logGroupArn, `${apiLogs.logGroupArn}:log-stream:*`] }),
    );
    const cfnApi = api.node.defaultChild as appsync.CfnGraphQLApi;
    cfnApi.logConfig = { cloudWatchLogsRoleArn: apiLogsRole.roleArn, fieldLogLevel: 'ERROR', excludeVerboseContent: true };

    // ---------------------------------------------------------------- ingestion bucket
    this.bucket = new s3.Bucket(this, 'IngestBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !prod,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    const bucket = this.bucket;
    const objectsUnder = (prefix: string) => bucket.arnForObjects(`${prefix}*`);

    // ---------------------------------------------------------------- data sources, least privilege
    const dataSources = new Map<string, appsync.BaseDataSource>();
    for (const ds of wiring.dataSources) {
      if (ds.kind === 'NONE') {
        dataSources.set(ds.name, new appsync.NoneDataSource(this, `${ds.name}DataSource`, { api, name: ds.name }));
        continue;
      }
      if (ds.kind === 'AWS_LAMBDA') {
        // functions/upload-url: presigns PUTs (and multipart parts) into uploads/ with its own role,
        // which may do nothing else: s3:PutObject covers CreateMultipartUpload, UploadPart and
        // CompleteMultipartUpload; abortUpload needs s3:AbortMultipartUpload.
        const fn = new nodejs.NodejsFunction(this, `${ds.name}Function`, {
          entry: path.join(repoRoot, ds.handler),
          handler: 'handler',
          runtime: lambda.Runtime.NODEJS_22_X,
          architecture: lambda.Architecture.ARM_64,
          projectRoot: repoRoot,
          depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
          bundling: { forceDockerBundling: false, format: nodejs.OutputFormat.ESM, target: 'node22', minify: true },
          memorySize: 256,
          timeout: Duration.seconds(10),
          description: `Foreman: AppSync data source ${ds.name} (presigned uploads into uploads/)`,
          environment: { FOREMAN_UPLOAD_BUCKET: bucket.bucketName },
        });
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [bucket.arnForObjects(`${PREFIXES.uploads}*`)] }));
        this.uploadFunction = fn;
        dataSources.set(ds.name, api.addLambdaDataSource(`${ds.name}DataSource`, fn, { name: ds.name }));
        continue;
      }
      if (ds.kind === 'AMAZON_EVENTBRIDGE') {
        // The construct grants events:PutEvents on this bus only.
        dataSources.set(ds.name, api.addEventBridgeDataSource(`${ds.name}DataSource`, this.notifications.bus, { name: ds.name }));
        continue;
      }
      const role = new iam.Role(this, `${ds.name}DataSourceRole`, {
        assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
        description: `AppSync data source ${ds.name}: ${ds.access} on ${[ds.table, ...ds.alsoTouches].join(', ')}`,
      });
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: DYNAMODB_ACTIONS[ds.access], resources: tableResources(ds, wiring, tables) }),
      );
      dataSources.set(ds.name, new ScopedDynamoDbDataSource(this, `${ds.name}DataSource`, api, ds.name, tables[ds.table], role));
    }

    // ---------------------------------------------------------------- functions and resolvers
    const codeFor = (file: string): appsync.Code => {
      const code = props.code.get(file);
      if (code === undefined) throw new MissingCodeError(`No bundled code for ${file}: bundle every file the wiring names before building the stack.`);
      return appsync.Code.fromInline(code);
    };
    const fns = new Map<string, appsync.AppsyncFunction>();
    for (const fn of wiring.functions) {
      fns.set(
        fn.name,
        new appsync.AppsyncFunction(this, `Function_${fn.name}`, {
          api,
          name: fn.name,
          dataSource: dataSources.get(fn.dataSource)!,
          runtime: appsync.FunctionRuntime.JS_1_0_0,
          code: codeFor(functionCode(fn)),
        }),
      );
    }
    for (const r of wiring.resolvers) {
      new appsync.Resolver(this, `Resolver_${r.typeName}_${r.fieldName}`, {
        api,
        typeName: r.typeName,
        fieldName: r.fieldName,
        pipelineConfig: r.pipeline.map((name) => fns.get(name)!),
        runtime: appsync.FunctionRuntime.JS_1_0_0,
        code: codeFor(resolverCodePath(r)),
      });
    }

    // ---------------------------------------------------------------- Lambdas
    const lambdaDefaults: Partial<nodejs.NodejsFunctionProps> = {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      // X-Ray; Powertools' tracer adds the SDK calls as subsegments.
      tracing: lambda.Tracing.ACTIVE,
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      bundling: {
        // esbuild from node_modules, never Docker: synthesis works offline on a fresh clone.
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // Some dependencies are CommonJS and call require(); give ESM output a require.
        banner: "import { createRequire as __foremanCreateRequire } from 'node:module'; const require = __foremanCreateRequire(import.meta.url);",
      },
      logGroup: new logs.LogGroup(this, 'FunctionLogs', {
        retention: prod ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.TWO_WEEKS,
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      }),
    };

    this.importer = new nodejs.NodejsFunction(this, 'CsvImportFunction', {
      ...lambdaDefaults,
      entry: path.join(repoRoot, 'functions/csv-import/handler.ts'),
      handler: 'handler',
      description: 'Foreman: one Distributed Map batch of CSV rows → import mutations (IAM-signed); finish/fail steps',
      memorySize: 512,
      // Inside the Map's EXPRESS child workflows, which may run 5 minutes at most.
      timeout: Duration.minutes(2),
      environment: { FOREMAN_GRAPHQL_URL: api.graphqlUrl, ...powertoolsEnvironment('csv-import') },
    });
    grantFields(api, this.importer, IMPORTER_FIELDS);
    // The finish/fail steps move the object out of uploads/ and write the report.
    this.importer.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:DeleteObject'], resources: [objectsUnder(PREFIXES.uploads)] }));
    // The finish step reads the Map's failure record (manifest and FAILED result files).
    this.importer.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objectsUnder(MAP_RESULTS_PREFIX)] }));
    this.importer.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [objectsUnder(PREFIXES.processed), objectsUnder(PREFIXES.failed)] }),
    );

    // ---------------------------------------------------------------- Distributed Map for big files
    const mapTolerance = props.mapToleratedFailurePercentage ?? 10;
    if (!(mapTolerance >= 0 && mapTolerance <= 100)) throw new RangeError(`mapToleratedFailurePercentage must be from 0 to 100, not ${mapTolerance}.`);
    const importRows = new sfn.DistributedMap(this, 'ImportRows', {
      comment: 'Reads the CSV straight from S3; each child imports one batch of rows',
      itemReader: new sfn.S3CsvItemReader({
        bucketNamePath: sfn.JsonPath.stringAt('$.bucket'),
        key: sfn.JsonPath.stringAt('$.key'),
        csvHeaders: sfn.CsvHeaders.useFirstRow(),
      }),
      // ItemSelector runs per item before batching, so each row keeps its position in the file
      // (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-fields-dist-map.html).
      itemSelector: { index: sfn.JsonPath.stringAt('$$.Map.Item.Index'), row: sfn.JsonPath.stringAt('$$.Map.Item.Value') },
      itemBatcher: new sfn.ItemBatcher({
        maxItemsPerBatch: MAP_ITEMS_PER_BATCH,
        // A child's input may hold 256 KiB: rows with huge cells make smaller batches instead of failing.
        maxInputBytesPerBatch: 200 * 1024,
        // Rendered as written: keys ending in `.$` are paths into the state input.
        batchInput: { 'ingestionId.$': '$.ingestionId', 'model.$': '$.model', 'raggedRows.$': '$.raggedRows' },
      }),
      // A few children at once: each runs several transactions in flight already.
      maxConcurrency: 8,
      // Batches that fail after their retries are tolerated up to this share and written to the
      // failure record under map-results/, which the last step (finish) reports.
      toleratedFailurePercentage: mapTolerance,
      resultWriterV2: new PrefixResultWriter(bucket, MAP_RESULTS_PREFIX),
      resultPath: '$.mapResult',
      mapExecutionType: sfn.StateMachineType.EXPRESS,
    });
    const importBatch = new tasks.LambdaInvoke(this, 'ImportBatch', {
      lambdaFunction: this.importer,
      payload: sfn.TaskInput.fromObject({ action: 'importBatch', 'batch.$': '$' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    // Batches are idempotent on the server (batch markers), so a failed one can simply run again.
    importBatch.addRetry({ errors: ['States.TaskFailed'], maxAttempts: 4, interval: Duration.seconds(2), backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    importRows.itemProcessor(importBatch);
    const finish = new tasks.LambdaInvoke(this, 'FinishIngestion', {
      lambdaFunction: this.importer,
      payload: sfn.TaskInput.fromObject({ action: 'finish', 'job.$': '$', 'startedAt.$': '$$.Execution.StartTime' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const fail = new tasks.LambdaInvoke(this, 'FailIngestion', {
      lambdaFunction: this.importer,
      payload: sfn.TaskInput.fromObject({ action: 'fail', 'job.$': '$.job', 'error.$': '$.error' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    }).next(new sfn.Fail(this, 'IngestionFailed', { error: 'IngestionFailed', cause: 'See the FailIngestion step and failed/ in the bucket' }));
    const keepJob = new sfn.Pass(this, 'KeepJob', { parameters: { 'job.$': '$$.Execution.Input', 'error.$': '$.error' } });
    importRows.addCatch(keepJob.next(fail), { resultPath: '$.error' });
    finish.addCatch(keepJob, { resultPath: '$.error' });

    this.stateMachine = new sfn.StateMachine(this, 'LargeFileImport', {
      definitionBody: sfn.DefinitionBody.fromChainable(importRows.next(finish)),
      timeout: Duration.hours(24),
      comment: 'Foreman: CSV files too big for one Lambda run',
      tracingEnabled: true,
    });
    // The item reader names the bucket by path, so the CDK adds no S3 grant: add exactly uploads/.
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objectsUnder(PREFIXES.uploads)] }));

    // ---------------------------------------------------------------- the processor
    const threshold = props.largeFileThresholdBytes ?? DEFAULT_LARGE_FILE_THRESHOLD_BYTES;
    this.processor = new nodejs.NodejsFunction(this, 'CsvProcessorFunction', {
      ...lambdaDefaults,
      entry: path.join(repoRoot, 'functions/csv-processor/handler.ts'),
      handler: 'handler',
      description: 'Foreman: S3 uploads/ → ingestion engine (IAM-signed GraphQL) → processed/ | failed/',
      // 1,769 MB is one full vCPU: parsing is CPU-bound, and big files are scanned whole here.
      memorySize: 1769,
      timeout: Duration.minutes(15),
      environment: {
        FOREMAN_GRAPHQL_URL: api.graphqlUrl,
        FOREMAN_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
        FOREMAN_LARGE_FILE_BYTES: String(threshold),
        ...powertoolsEnvironment('csv-processor'),
      },
    });
    // Bounded retries, then the dead-letter queue (infra/aws/failures.ts).
    this.failures = new ProcessorFailures(this, 'ProcessorFailures', { processor: this.processor });
    grantFields(api, this.processor, PROCESSOR_FIELDS);
    this.processor.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:DeleteObject'], resources: [objectsUnder(PREFIXES.uploads)] }));
    this.processor.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [objectsUnder(PREFIXES.processed), objectsUnder(PREFIXES.failed)] }),
    );
    this.stateMachine.grantStartExecution(this.processor);
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(this.processor), { prefix: PREFIXES.uploads });

    // ---------------------------------------------------------------- retention, observability, backup
    addFileLifecycle(bucket, props.fileRetention ?? {}, rowErrorRetentionDays);
    this.observability = new Observability(this, 'Observability', {
      stage,
      api,
      processor: this.processor,
      importer: this.importer,
      stateMachine: this.stateMachine,
      deadLetterQueue: this.failures.deadLetterQueue,
      tables: Object.values(tables),
      topic: this.notifications.topic,
    });
    if (prod) this.backup = new TableBackup(this, 'Backup', { stage, tables: Object.values(tables) });

    // ---------------------------------------------------------------- web page
    const realtimeUrl = cfnApi.attrRealtimeUrl;
    const webBucket = new s3.Bucket(this, 'WebBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    // Short TTLs instead of an invalidation per deploy: the BucketDeployment would otherwise need
    // cloudfront:CreateInvalidation on every distribution ("*").
    const pageCache = new cloudfront.CachePolicy(this, 'WebCachePolicy', {
      comment: 'Foreman web page: 5 minutes',
      defaultTtl: Duration.minutes(5),
      maxTtl: Duration.minutes(5),
      minTtl: Duration.seconds(0),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const webOrigin = origins.S3BucketOrigin.withOriginAccessControl(webBucket);
    // WAF on the API (REGIONAL) and the page (CLOUDFRONT, us-east-1 only): infra/aws/waf.ts.
    const waf = attachWebAcls(this, {
      apiArn: api.arn,
      apiRateLimit: props.apiRateLimit ?? DEFAULT_API_RATE_LIMIT,
      webRateLimit: props.webRateLimit ?? DEFAULT_WEB_RATE_LIMIT,
      cloudFrontWebAclArn: props.cloudFrontWebAclArn,
      metricName: `foreman-${stage}`,
    });
    const distribution = new cloudfront.Distribution(this, 'WebDistribution', {
      comment: `Foreman ${stage} web page`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: webOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: pageCache,
      },
      additionalBehaviors: {
        // The runtime config changes with every deploy: never cache it.
        '/config.json': {
          origin: webOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        },
      },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      webAclId: waf.cloudFrontWebAclArn,
    });
    // The page PUTs uploads straight to the ingestion bucket (createUpload's presigned URLs): from its origin only.
    bucket.addCorsRule({
      allowedMethods: [s3.HttpMethods.PUT],
      allowedOrigins: [`https://${distribution.distributionDomainName}`],
      allowedHeaders: ['content-type', 'x-amz-meta-*'],
      exposedHeaders: ['ETag'],
      maxAge: 3000,
    });
    // Public by nature: endpoints and the user pool's public ids, never a key (docs/security.md).
    this.webConfig = {
      graphqlUrl: api.graphqlUrl,
      realtimeUrl,
      region: this.region,
      authMode: 'AMAZON_COGNITO_USER_POOLS',
      userPoolId: this.auth.userPool.userPoolId,
      userPoolClientId: this.auth.webClient.userPoolClientId,
    };
    const webDir = props.webDir ?? findWebDir();
    new s3deploy.BucketDeployment(this, 'WebDeployment', {
      destinationBucket: webBucket,
      sources: [
        webDir ? s3deploy.Source.asset(webDir) : s3deploy.Source.data('index.html', PLACEHOLDER_PAGE),
        s3deploy.Source.jsonData('config.json', this.webConfig),
      ],
    });

    // ---------------------------------------------------------------- outputs (write-env.ts reads these)
    new CfnOutput(this, 'GraphqlUrl', { value: api.graphqlUrl, description: 'FOREMAN_GRAPHQL_URL' });
    new CfnOutput(this, 'RealtimeUrl', { value: realtimeUrl, description: 'FOREMAN_REALTIME_URL' });
    new CfnOutput(this, 'Region', { value: this.region, description: 'FOREMAN_REGION and AWS_REGION' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId, description: 'FOREMAN_USER_POOL_ID' });
    new CfnOutput(this, 'WebClientId', { value: this.auth.webClient.userPoolClientId, description: 'The web page app client (config.json userPoolClientId)' });
    new CfnOutput(this, 'CliClientId', { value: this.auth.cliClient.userPoolClientId, description: 'FOREMAN_USER_POOL_CLIENT_ID (foreman login)' });
    new CfnOutput(this, 'IngestBucketName', { value: bucket.bucketName, description: `Upload CSV files under s3://<bucket>/${PREFIXES.uploads}` });
    new CfnOutput(this, 'WebUrl', { value: `https://${distribution.distributionDomainName}`, description: 'The web page' });
    new CfnOutput(this, 'NotificationTopicArn', { value: this.notifications.topic.topicArn, description: 'Ingestion outcomes and alarms (subscribe with -c notifyEmail=…)' });
    new CfnOutput(this, 'EventBusName', { value: this.notifications.bus.eventBusName, description: 'IngestionFinished / IngestionFailed events' });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.failures.deadLetterQueue.queueUrl, description: 'FOREMAN_DLQ_URL for npm run dlq:replay' });
    new CfnOutput(this, 'ProcessorFunctionName', { value: this.processor.functionName, description: 'FOREMAN_PROCESSOR_FUNCTION for npm run dlq:replay' });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName, description: 'CloudWatch dashboard' });
    new CfnOutput(this, 'LargeFileStateMachineArn', { value: this.stateMachine.stateMachineArn, description: 'Distributed Map for big files' });
  }
}

/**
 * The Map's ResultWriter, granted only its prefix: the CDK's own grants PutObject on the whole
 * bucket, which would let the state machine write into uploads/ (and trigger the processor).
 */
class PrefixResultWriter extends sfn.ResultWriterV2 {
  constructor(
    private readonly resultBucket: s3.IBucket,
    prefix: string,
  ) {
    super({ bucket: resultBucket, prefix: prefix.replace(/\/$/, '') });
  }
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.resultBucket.arnForObjects(`${MAP_RESULTS_PREFIX}*`)],
      }),
    ];
  }
}

function attr(key: KeySpec): dynamodb.Attribute {
  return { name: key.name, type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER };
}

/** The ARNs a DynamoDB data source may touch: its tables and exactly their declared indexes. */
function tableResources(ds: Extract<DataSourceSpec, { kind: 'AMAZON_DYNAMODB' }>, wiring: Wiring, tables: Record<TableId, dynamodb.Table>): string[] {
  const ids = [...new Set([ds.table, ...ds.alsoTouches])];
  return ids.flatMap((tableId) => {
    const spec = wiring.tables.find((t) => t.id === tableId)!;
    const arn = tables[tableId].tableArn;
    return [arn, ...[...spec.globalSecondaryIndexes, ...(spec.localSecondaryIndexes ?? [])].map((i) => `${arn}/index/${i.indexName}`)];
  });
}

function grantFields(api: appsync.GraphqlApi, grantee: iam.IGrantable, fields: { Mutation: readonly string[]; Query: readonly string[] }): void {
  api.grantMutation(grantee, ...fields.Mutation);
  api.grantQuery(grantee, ...fields.Query);
}

function findWebDir(): string | undefined {
  return ['clients/web/dist', 'clients/web/public', 'clients/web']
    .map((d) => path.join(repoRoot, d))
    .find((d) => existsSync(path.join(d, 'index.html')));
}

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Foreman</title></head>
<body><h1>Foreman</h1>
<p>The web page was not built when this stack was deployed (no clients/web/dist, clients/web/public or clients/web with an index.html).
The API is up: <a href="config.json">config.json</a> holds its endpoint, region and user pool ids.</p>
</body></html>
`;
