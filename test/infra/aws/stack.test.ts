/**
 * The CDK stack synthesised from the real wiring table (completed with placeholders for fields
 * other helpers have not wired yet), asserted with aws-cdk-lib/assertions. Synthesis bundles two
 * Lambdas with esbuild, so it runs once for the file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import * as realWiring from '../../../infra/wiring';
import { rootFields } from '../../../infra/aws/checkWiring';
import { IMPORTER_FIELDS, PROCESSOR_FIELDS, type ForemanStack } from '../../../infra/aws/stack';
import { ensureTables } from '../../../infra/local/dynamodb/tables';
import { completedRealWiring, schemaSource, synth, type Synthesised } from './fixtures';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

let s: Pick<Synthesised, 'wiring' | 'code' | 'placeholderFields'>;
let template: Template;
let stack: ForemanStack;
let resources: Resources;

beforeAll(async () => {
  // GIVEN the real wiring table and real resolver bundles
  s = await completedRealWiring();
  // WHEN the stack is synthesised (dev stage, no AWS environment: as `npm run synth` offline)
  ({ template, stack } = synth({ wiring: s.wiring, code: s.code }));
  resources = template.toJSON().Resources as Resources;
  // Bundling every resolver and two Lambdas takes a while on a busy 2-core machine.
}, 240_000);

function ofType(type: string): [string, Resources[string]][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function logicalIdOf(construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as import('aws-cdk-lib').CfnElement);
}

function statementsOf(policyId: string): Statement[] {
  const doc = resources[policyId]!.Properties.PolicyDocument as { Statement: Statement[] };
  return doc.Statement;
}

/** Every policy statement in the template, from AWS::IAM::Policy and inline role policies. */
function allStatements(): { id: string; statement: Statement }[] {
  const out: { id: string; statement: Statement }[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Policy') for (const st of statementsOf(id)) out.push({ id, statement: st });
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of (r.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []) {
        for (const st of p.PolicyDocument.Statement) out.push({ id, statement: st });
      }
    }
  }
  return out;
}

const asArray = <T,>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

describe('the API', () => {
  it('serves the schema from schema/generated/appsync.graphql with the Cognito user pool by default and IAM as well', () => {
    // THEN the API's default mode is the stack's user pool and IAM is the only additional mode
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      UserPoolConfig: Match.objectLike({ UserPoolId: { Ref: logicalIdOf(stack.auth.userPool) }, DefaultAction: 'ALLOW' }),
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      // field logs at ERROR only, and without request/response bodies
      LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: true, CloudWatchLogsRoleArn: Match.anyValue() },
    });
    // the schema definition is the file's text, AWS scalars left to AppSync
    template.hasResourceProperties('AWS::AppSync::GraphQLSchema', { Definition: schemaSource });
  });

  it('hands every table name to the resolvers as an AppSync environment variable', () => {
    const api = ofType('AWS::AppSync::GraphQLApi')[0]![1];
    const env = api.Properties.EnvironmentVariables as Record<string, { Ref: string }>;
    for (const t of realWiring.tables) {
      // ctx.env.<envVar> is the physical name of exactly that table
      expect(env[t.envVar]).toEqual({ Ref: logicalIdOf(stack.tables[t.id]) });
    }
  });

  it('has no API key at all: no key resource, no API_KEY mode, nothing in the outputs', () => {
    // a key would reach every field the schema still marks @aws_api_key
    expect(ofType('AWS::AppSync::ApiKey')).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('API_KEY');
    expect(Object.keys(template.toJSON().Outputs as object).filter((o) => /apikey/i.test(o))).toEqual([]);
  });
});

describe('resolvers and functions from the wiring table', () => {
  it('wires every Query, Mutation and Subscription field of the schema with APPSYNC_JS pipeline code', () => {
    const resolvers = ofType('AWS::AppSync::Resolver').map(([, r]) => r.Properties);
    const expected = rootFields(schemaSource).filter((f) => !(f.typeName === 'Subscription' && f.subscribed));
    // the schema has fields to wire at all (a vacuous pass is impossible)
    expect(expected.length).toBeGreaterThan(15);
    for (const f of expected) {
      const r = resolvers.find((p) => p.TypeName === f.typeName && p.FieldName === f.fieldName);
      // each field has exactly one pipeline resolver running APPSYNC_JS 1.0.0 with inline code
      expect(r, `${f.typeName}.${f.fieldName}`).toMatchObject({ Kind: 'PIPELINE', Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' }, Code: expect.any(String) });
    }
    // and nothing else is wired: one resolver per wired field
    expect(resolvers).toHaveLength(s.wiring.resolvers.length);
  });

  it('deploys the very bundles the local stack runs: ESM, inline source map without sources', () => {
    const resolvers = ofType('AWS::AppSync::Resolver').map(([, r]) => r.Properties);
    for (const r of realWiring.resolvers) {
      const code = resolvers.find((p) => p.TypeName === r.typeName && p.FieldName === r.fieldName)!.Code as string;
      // byte-for-byte the bundle of resolvers/<Type>.<field>.ts
      expect(code).toBe(s.code.get(realWiring.resolverCodePath(r)));
      // an inline source map whose JSON carries no sourcesContent
      const map = code.match(/sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/);
      expect(map, r.fieldName).not.toBeNull();
      expect(JSON.parse(Buffer.from(map![1]!, 'base64').toString('utf8'))).not.toHaveProperty('sourcesContent');
      // @aws-appsync/* stays an import for AppSync to provide
      expect(code).not.toMatch(/node_modules\/@aws-appsync/);
    }
  });

  it('creates each pipeline function on its wired data source, in pipeline order', () => {
    const fns = ofType('AWS::AppSync::FunctionConfiguration');
    // one function configuration per wiring function
    expect(fns).toHaveLength(realWiring.functions.length);
    for (const fn of realWiring.functions) {
      const [, cfg] = fns.find(([, f]) => f.Properties.Name === fn.name)!;
      // APPSYNC_JS code, on the data source the wiring names
      expect(cfg.Properties).toMatchObject({ Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' }, Code: s.code.get(realWiring.functionCode(fn)) });
      expect(cfg.Properties.DataSourceName).toBe(fn.dataSource);
    }
    const fnIds = new Map(fns.map(([id, f]) => [id, f.Properties.Name as string]));
    for (const r of realWiring.resolvers.filter((x) => x.pipeline.length)) {
      const props = ofType('AWS::AppSync::Resolver').find(([, x]) => x.Properties.TypeName === r.typeName && x.Properties.FieldName === r.fieldName)![1].Properties;
      const order = (props.PipelineConfig as { Functions: { 'Fn::GetAtt': [string, string] }[] }).Functions.map((f) => fnIds.get(f['Fn::GetAtt'][0]));
      // the pipeline runs the wired functions in the wired order
      expect(order).toEqual(r.pipeline);
    }
  });
});

describe('tables', () => {
  it('creates the tables, keys and indexes the local stack creates, on demand with point-in-time recovery', async () => {
    // GIVEN what the local stack sends to DynamoDB Local for the same wiring
    const ddb = mockClient(DynamoDBClient);
    ddb.on(DescribeTableCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    ddb.on(CreateTableCommand).resolves({});
    const names = Object.fromEntries(realWiring.tables.map((t) => [t.id, t.localName])) as Record<realWiring.ForemanTableId, string>;
    await ensureTables(new DynamoDBClient({}), realWiring.tables, names);
    const local = ddb.commandCalls(CreateTableCommand).map((c) => c.args[0].input as CreateTableCommandInput);
    ddb.restore();
    // the local stack created every table
    expect(local).toHaveLength(realWiring.tables.length);

    for (const t of realWiring.tables) {
      const mine = local.find((l) => l.TableName === t.localName)!;
      const cfn = resources[logicalIdOf(stack.tables[t.id])]!.Properties;
      // THEN the same key schema and attribute types
      expect(cfn.KeySchema).toEqual(mine.KeySchema);
      expect(new Set(cfn.AttributeDefinitions as unknown[])).toEqual(new Set(mine.AttributeDefinitions));
      // the same global secondary indexes, keys and projection
      const gsis = ((cfn.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[] | undefined) ?? []).map((g) => ({
        IndexName: g.IndexName,
        KeySchema: g.KeySchema,
        Projection: g.Projection,
      }));
      expect(gsis).toEqual(mine.GlobalSecondaryIndexes ?? []);
      // and the same local secondary indexes (the Mappings table's byUpdatedAt)
      const lsis = ((cfn.LocalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[] | undefined) ?? []).map((l) => ({
        IndexName: l.IndexName,
        KeySchema: l.KeySchema,
        Projection: l.Projection,
      }));
      expect(lsis).toEqual(mine.LocalSecondaryIndexes ?? []);
      // on-demand (no provisioned capacity) and point-in-time recovery
      expect(cfn).toMatchObject({ BillingMode: 'PAY_PER_REQUEST', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    }
  });

  it('lets a dev stack be destroyed with its data', () => {
    for (const t of realWiring.tables) {
      const r = resources[logicalIdOf(stack.tables[t.id])]!;
      // dev: no deletion protection, deleted with the stack
      expect(r.DeletionPolicy).toBe('Delete');
      expect(r.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });
});

describe('least privilege', () => {
  it('gives each DynamoDB data source exactly its tables and their indexes, with the actions of its access', () => {
    for (const ds of realWiring.dataSources) {
      if (ds.kind !== 'AMAZON_DYNAMODB') continue;
      const [policyId] = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith(`${ds.name}DataSourceRole`))!;
      const statements = statementsOf(policyId);
      // one statement, no wildcards
      expect(statements).toHaveLength(1);
      const st = statements[0]!;
      const expected = [ds.table, ...ds.alsoTouches].flatMap((id) => {
        const tableId = logicalIdOf(stack.tables[id]);
        const arn = { 'Fn::GetAtt': [tableId, 'Arn'] };
        const spec = realWiring.tables.find((t) => t.id === id)!;
        return [arn, ...[...spec.globalSecondaryIndexes, ...(spec.localSecondaryIndexes ?? [])].map((i) => ({ 'Fn::Join': ['', [arn, `/index/${i.indexName}`]] }))];
      });
      // THEN the resources are exactly the wired tables (and their named indexes), no more
      expect(new Set(asArray(st.Resource))).toEqual(new Set(expected));
      // and the actions are item-level reads (and writes for readWrite), never dynamodb:*
      expect(asArray(st.Action)).toContain('dynamodb:GetItem');
      expect(asArray(st.Action).includes('dynamodb:PutItem')).toBe(ds.access === 'readWrite');
      expect(asArray(st.Action)).not.toContain('dynamodb:DeleteTable');
    }
  });

  it('lets the processor call only the GraphQL fields it uses and touch only its prefixes', () => {
    const [policyId] = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith('CsvProcessorFunctionServiceRole'))!;
    const text = JSON.stringify(statementsOf(policyId));
    const graphql = statementsOf(policyId).filter((st) => st.Action === 'appsync:GraphQL');
    const fields = graphql.flatMap((st) => asArray(st.Resource)).map((r) => JSON.stringify(r).match(/\/types\/(\w+)\/fields\/(\w+)/)!.slice(1).join('.'));
    // appsync:GraphQL on exactly the fields the processor calls, each by its own ARN
    // (every model's import mutation: Customer, Project, Invoice are the schema's @importable types)
    const processorFields = ['Mutation.startIngestion', 'Mutation.importCustomers', 'Mutation.importProjects', 'Mutation.importInvoices', 'Mutation.recordRejectedRows', 'Mutation.finishIngestion', 'Mutation.failIngestion', 'Query.listIngestionRowErrors'];
    expect(fields.sort()).toEqual(processorFields.sort());
    expect([...PROCESSOR_FIELDS.Mutation.map((f) => `Mutation.${f}`), ...PROCESSOR_FIELDS.Query.map((f) => `Query.${f}`)].sort()).toEqual(processorFields.sort());
    // S3 only under uploads/, processed/ and failed/ of the ingestion bucket
    const s3Resources = statementsOf(policyId).filter((st) => asArray(st.Action).some((a) => a.startsWith('s3:'))).flatMap((st) => asArray(st.Resource)).map((r) => JSON.stringify(r));
    expect(s3Resources.map((r) => r.match(/"\/(\w+)\/\*"/)?.[1]).sort()).toEqual(['failed', 'processed', 'uploads']);
    // it may start the big-file state machine and nothing else in Step Functions
    expect(text).toContain('"states:StartExecution"');
  });

  it('lets the import Lambda call only its GraphQL fields', () => {
    const [policyId] = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith('CsvImportFunctionServiceRole'))!;
    const fields = statementsOf(policyId)
      .filter((st) => st.Action === 'appsync:GraphQL')
      .flatMap((st) => asArray(st.Resource))
      .map((r) => JSON.stringify(r).match(/\/types\/(\w+)\/fields\/(\w+)/)!.slice(1).join('.'));
    // no startIngestion: only the processor claims files
    expect(fields.sort()).toEqual(['Mutation.importCustomers', 'Mutation.importProjects', 'Mutation.importInvoices', 'Mutation.recordRejectedRows', 'Mutation.finishIngestion', 'Mutation.failIngestion', 'Query.listIngestionRowErrors'].sort());
    expect(IMPORTER_FIELDS.Mutation.length + IMPORTER_FIELDS.Query.length).toBe(fields.length);
  });

  it('grants no "*" action or resource anywhere, except the X-Ray trace uploads that support no resource', () => {
    // The Service Authorization Reference lists no resource type for these X-Ray actions, so IAM
    // requires "*" for them (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).
    const xrayWrites = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets']);
    const statements = allStatements().filter(({ statement }) => statement.Effect === 'Allow');
    // there are statements to inspect
    expect(statements.length).toBeGreaterThan(8);
    let xrayStatements = 0;
    for (const { id, statement } of statements) {
      // no action is a bare or service-wide wildcard
      for (const action of asArray(statement.Action)) expect(action, id).not.toMatch(/^\*$|:\*$/);
      if (asArray(statement.Resource).includes('*')) {
        // a "*" resource only on a statement made of X-Ray trace uploads and nothing else
        xrayStatements++;
        for (const action of asArray(statement.Action)) expect(xrayWrites.has(action), `${id}: ${action} on "*"`).toBe(true);
      }
    }
    // both Lambdas and the state machine trace, so there are three such statements
    expect(xrayStatements).toBe(3);
  });
});

describe('the ingestion bucket', () => {
  it('is encrypted, blocks all public access and refuses plain HTTP', () => {
    const bucketId = logicalIdOf(stack.bucket);
    // THEN server-side encryption and all four public-access blocks
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      }),
    });
    // and a bucket policy denying every request without TLS
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('notifies the processor of objects created under uploads/ only', () => {
    // THEN the notification names the processor, ObjectCreated, and the uploads/ prefix
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalIdOf(stack.bucket) },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
            LambdaFunctionArn: { 'Fn::GetAtt': [logicalIdOf(stack.processor), 'Arn'] },
          },
        ],
      },
    });
  });

  it('runs the processor on Node.js 22, ARM, signing its calls to the API with IAM', () => {
    const fn = resources[logicalIdOf(stack.processor)]!.Properties;
    // Node.js 22 on Graviton
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    // the endpoint, the state machine and the size threshold reach the function
    expect(Object.keys(env).sort()).toEqual([
      'FOREMAN_GRAPHQL_URL',
      'FOREMAN_LARGE_FILE_BYTES',
      'FOREMAN_STATE_MACHINE_ARN',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_FUNCTION_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
    ]);
    expect(env.FOREMAN_LARGE_FILE_BYTES).toBe(String(50 * 1024 * 1024));
  });
});

describe('the Distributed Map for big files', () => {
  function definition(): Record<string, unknown> {
    const [, sm] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    // Fn::Join of strings and tokens: replace the tokens by a marker to read it as JSON
    const parts = (sm.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('')) as Record<string, unknown>;
  }

  it('reads the CSV straight from S3, header from the first line, in batches for the import Lambda', () => {
    const states = definition().States as Record<string, Record<string, unknown>>;
    const map = Object.values(states).find((st) => st.Type === 'Map')!;
    // a Distributed Map (child workflows), not an inline one
    expect(map.ItemProcessor).toMatchObject({ ProcessorConfig: { Mode: 'DISTRIBUTED' } });
    // the S3 getObject item reader, CSV, headers from the first row, bucket and key from the input
    expect(map.ItemReader).toEqual({
      Resource: 'arn:TOKEN:states:::s3:getObject',
      ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
      Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.key' },
    });
    // each item keeps its position in the file; batches carry the ingestion and the model
    expect(map.ItemSelector).toEqual({ 'index.$': '$$.Map.Item.Index', 'row.$': '$$.Map.Item.Value' });
    // (and the rows the processor found ragged, which the reader would pad or cut without a word)
    expect(map.ItemBatcher).toEqual({
      MaxItemsPerBatch: 490,
      MaxInputBytesPerBatch: 200 * 1024,
      BatchInput: { 'ingestionId.$': '$.ingestionId', 'model.$': '$.model', 'raggedRows.$': '$.raggedRows' },
    });
    // the child runs the import Lambda's importBatch step
    const child = Object.values((map.ItemProcessor as { States: Record<string, Record<string, unknown>> }).States)[0]!;
    expect(child.Parameters).toEqual({ action: 'importBatch', 'batch.$': '$' });
  });

  it('finishes the ingestion after the map and fails it when the map fails', () => {
    const states = definition().States as Record<string, Record<string, unknown>>;
    const map = Object.values(states).find((st) => st.Type === 'Map')!;
    // success goes on to the finish step
    expect(states[map.Next as string]!.Parameters).toMatchObject({ action: 'finish' });
    // any error is caught and ends in the fail step
    const caught = (map.Catch as { ErrorEquals: string[]; Next: string }[])[0]!;
    expect(caught.ErrorEquals).toEqual(['States.ALL']);
    const keep = states[caught.Next]!;
    expect(states[keep.Next as string]!.Parameters).toMatchObject({ action: 'fail' });
  });

  it('may read only uploads/ of the ingestion bucket and write only its results under map-results/', () => {
    const [policyId] = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith('LargeFileImportRole'))!;
    const s3 = statementsOf(policyId).filter((st) => asArray(st.Action).some((a) => a.startsWith('s3:')));
    const under = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(stack.bucket), 'Arn'] }, `/${prefix}/*`]] });
    // GetObject on uploads/* for the item reader; the ResultWriter's writes on map-results/* only
    expect(s3).toEqual([
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'], Resource: under('map-results') },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: under('uploads') },
    ]);
  });
});

describe('web hosting and outputs', () => {
  it('serves the page from a private bucket through CloudFront with origin access control', () => {
    // an OAC for S3 and a distribution using it, HTTPS enforced
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }) });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ DefaultRootObject: 'index.html', DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }) }),
    });
    // the page and its runtime config (config.json) are deployed together
    const deployment = ofType('Custom::CDKBucketDeployment')[0]![1].Properties;
    expect(deployment.SourceObjectKeys).toHaveLength(2);
    expect(JSON.stringify(deployment.SourceMarkers)).toContain('GraphQLUrl');
  });

  it('writes a config.json with the user pool ids and no API key (the contract of clients/web)', () => {
    // exactly the contract's keys: no apiKey, no cognitoEndpoint (that one is local only)
    expect(Object.keys(stack.webConfig).sort()).toEqual(['authMode', 'graphqlUrl', 'realtimeUrl', 'region', 'userPoolClientId', 'userPoolId']);
    expect(stack.webConfig.authMode).toBe('AMAZON_COGNITO_USER_POOLS');
    // the ids are the stack's user pool and its web client, not the CLI's
    expect(stack.resolve(stack.webConfig.userPoolId)).toEqual({ Ref: logicalIdOf(stack.auth.userPool) });
    expect(stack.resolve(stack.webConfig.userPoolClientId)).toEqual({ Ref: logicalIdOf(stack.auth.webClient) });
    // and what is deployed is made of those values only: no marker points at a key
    const deployment = ofType('Custom::CDKBucketDeployment')[0]![1].Properties;
    expect(JSON.stringify(deployment.SourceMarkers)).not.toMatch(/ApiKey/i);
    expect(JSON.stringify(deployment.SourceMarkers)).toContain(logicalIdOf(stack.auth.webClient));
  });

  it('outputs what write-env needs: GraphQL URL, real-time URL, region, user pool and client ids, bucket, web URL, state machine', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    // every output write-env.ts reads is there
    expect(Object.keys(outputs).sort()).toEqual([
      'CliClientId',
      'DashboardName',
      'DeadLetterQueueUrl',
      'EventBusName',
      'GraphqlUrl',
      'IngestBucketName',
      'LargeFileStateMachineArn',
      'NotificationTopicArn',
      'ProcessorFunctionName',
      'RealtimeUrl',
      'Region',
      'UserPoolId',
      'WebClientId',
      'WebUrl',
    ]);
    expect(outputs.UserPoolId!.Value).toEqual({ Ref: logicalIdOf(stack.auth.userPool) });
    expect(outputs.CliClientId!.Value).toEqual({ Ref: logicalIdOf(stack.auth.cliClient) });
    expect(outputs.WebClientId!.Value).toEqual({ Ref: logicalIdOf(stack.auth.webClient) });
    // the URLs come from the API's attributes, not from guesses
    expect(outputs.GraphqlUrl!.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.api), 'GraphQLUrl'] });
    expect(outputs.RealtimeUrl!.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.api), 'RealtimeUrl'] });
  });
});
