/**
 * The CDK side of "Upload and walk away" (docs/upload.md): createUpload's Lambda data source, a
 * role that may only put objects (multipart too) and abort multipart uploads under uploads/, and
 * bucket CORS for the page's origin only, exposing the ETag the page completes parts with.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { ForemanStack } from '../../../infra/aws/stack';
import { completedRealWiring, synth } from './fixtures';

let template: Template;
let stack: ForemanStack;

beforeAll(async () => {
  const s = await completedRealWiring();
  // Lambda assets are not bundled: these tests look at roles, data sources and the bucket.
  ({ template, stack } = synth({ wiring: s.wiring, code: s.code }, 'UploadTest', { bundleLambdas: false }));
}, 240_000);

const ref = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as import('aws-cdk-lib').CfnElement);

describe('createUpload in the CDK stack', () => {
  it('wires createUpload through an AWS_LAMBDA data source on the upload-url function, which knows the bucket', () => {
    const fn = stack.uploadFunction!;
    expect(fn).toBeDefined();
    template.hasResourceProperties('AWS::AppSync::DataSource', { Name: 'UploadUrls', Type: 'AWS_LAMBDA', LambdaConfig: { LambdaFunctionArn: { 'Fn::GetAtt': [ref(fn), 'Arn'] } } });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { FOREMAN_UPLOAD_BUCKET: { Ref: ref(stack.bucket) } } } });
    for (const field of ['createUpload', 'completeUpload', 'abortUpload']) {
      template.hasResourceProperties('AWS::AppSync::Resolver', { TypeName: 'Mutation', FieldName: field, Kind: 'PIPELINE' });
    }
  });

  it('lets the function put objects (multipart parts included) and abort multipart uploads under uploads/, and nothing else', () => {
    const fn = stack.uploadFunction!;
    const roleId = stack.getLogicalId(fn.role!.node.defaultChild as import('aws-cdk-lib').CfnElement);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ref(stack.bucket), 'Arn'] }, '/uploads/*']] } },
    ]);
  });

  it('lets only the web page’s origin PUT into the bucket from a browser', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          {
            AllowedMethods: ['PUT'],
            AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }]] }],
            AllowedHeaders: ['content-type', 'x-amz-meta-*'],
            ExposedHeaders: ['ETag'],
            MaxAge: 3000,
          },
        ],
      },
    });
  });
});
