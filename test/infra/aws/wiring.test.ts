/**
 * Synthesis refuses a wiring table that does not match the schema. Small injected wiring tables
 * against a small schema, and the real schema with a wrong field.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WiringError, wiringProblems, type Wiring } from '../../../infra/aws/checkWiring';
import { ForemanStack } from '../../../infra/aws/stack';
import * as realWiring from '../../../infra/wiring';
import { PLACEHOLDER_CODE } from './fixtures';

const SCHEMA = `
  schema { query: Query mutation: Mutation subscription: Subscription }
  type Thing { id: ID! }
  type Query { getThing(id: ID!): Thing }
  type Mutation { putThing(id: ID!): Thing }
  type Subscription {
    onPut: Thing @aws_subscribe(mutations: ["putThing"])
    onCustom: Thing
  }
`;

function small(overrides: Partial<Wiring> = {}): Wiring {
  return {
    tables: [{ id: 'Customers', envVar: 'THINGS_TABLE', localName: 'things', partitionKey: { name: 'id', type: 'S' }, globalSecondaryIndexes: [] }],
    dataSources: [{ name: 'Things', kind: 'AMAZON_DYNAMODB', table: 'Customers', alsoTouches: [], access: 'read' }],
    functions: [{ name: 'getThing', dataSource: 'Things' }],
    resolvers: [
      { typeName: 'Query', fieldName: 'getThing', pipeline: ['getThing'] },
      { typeName: 'Mutation', fieldName: 'putThing', pipeline: ['getThing'] },
      { typeName: 'Subscription', fieldName: 'onCustom', pipeline: [] },
    ],
    unwired: [],
    ...overrides,
  };
}

describe('wiringProblems', () => {
  it('accepts a wiring that covers every field, with @aws_subscribe fields left to AppSync', () => {
    // GIVEN a complete wiring WHEN checked THEN no problems (onPut needs no resolver)
    expect(wiringProblems(small(), SCHEMA)).toEqual([]);
  });

  it('names a wired field the schema lacks', () => {
    const wiring = small({ resolvers: [...small().resolvers, { typeName: 'Query', fieldName: 'getNothing', pipeline: [] }] });
    // THEN the missing field is named
    expect(wiringProblems(wiring, SCHEMA)).toEqual(['resolver Query.getNothing names a field the schema lacks']);
  });

  it('names a field left neither wired nor unwired, including a subscription without @aws_subscribe', () => {
    const wiring = small({ resolvers: small().resolvers.filter((r) => r.fieldName === 'getThing') });
    // THEN each uncovered field is named
    expect(wiringProblems(wiring, SCHEMA)).toEqual([
      'Mutation.putThing is in the schema but neither wired in `resolvers` nor listed in `unwired`',
      'Subscription.onCustom is in the schema but neither wired in `resolvers` nor listed in `unwired`',
    ]);
  });

  it('accepts a field deliberately unwired but refuses one both wired and unwired', () => {
    const unwiredOnly = small({
      resolvers: small().resolvers.filter((r) => r.fieldName !== 'putThing'),
      unwired: [{ typeName: 'Mutation', fieldName: 'putThing', why: 'not yet' }],
    });
    // an unwired entry covers the field
    expect(wiringProblems(unwiredOnly, SCHEMA)).toEqual([]);
    const both = small({ unwired: [{ typeName: 'Mutation', fieldName: 'putThing', why: 'oops' }] });
    // being on both lists is a mistake
    expect(wiringProblems(both, SCHEMA)).toEqual(['Mutation.putThing is both wired and listed in `unwired`']);
  });

  it('names a pipeline function that is not declared and a data source that is not declared', () => {
    const wiring = small({
      functions: [{ name: 'getThing', dataSource: 'Nowhere' }],
      resolvers: [...small().resolvers.filter((r) => r.fieldName !== 'putThing'), { typeName: 'Mutation', fieldName: 'putThing', pipeline: ['missingFn'] }],
    });
    // THEN both dangling names are reported
    expect(wiringProblems(wiring, SCHEMA)).toEqual([
      'function getThing names data source Nowhere, which is not in `dataSources`',
      'resolver Mutation.putThing runs function missingFn, which is not in `functions`',
    ]);
  });
});

describe('ForemanStack', () => {
  it('synthesises any wiring it is given: a small schema with its own table, function and resolvers', () => {
    // GIVEN the small schema in a file and a wiring table that covers it
    const schemaFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'foreman-small-schema-')), 'schema.graphql');
    writeFileSync(schemaFile, SCHEMA);
    const wiring = small();
    const code = new Map<string, string>([
      ['resolvers/functions/getThing.ts', PLACEHOLDER_CODE],
      ...wiring.resolvers.map((r) => [`resolvers/${r.typeName}.${r.fieldName}.ts`, PLACEHOLDER_CODE] as [string, string]),
    ]);
    // WHEN synthesised (Lambda bundling skipped: not under test here)
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const template = Template.fromStack(new ForemanStack(app, 'Small', { stage: 'dev', wiring, code, schemaFile }));
    // THEN exactly its one table, one function and three resolvers exist
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::AppSync::FunctionConfiguration', 1);
    template.resourceCountIs('AWS::AppSync::Resolver', 3);
    // its table's name reaches the resolvers under the env var the wiring names
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', { EnvironmentVariables: { THINGS_TABLE: Match.objectLike({ Ref: Match.stringLikeRegexp('^CustomersTable') }) } });
    // the function runs on the wired data source, and the read-only source cannot write
    template.hasResourceProperties('AWS::AppSync::FunctionConfiguration', { Name: 'getThing', DataSourceName: 'Things' });
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('ThingsDataSourceRole'));
    expect(JSON.stringify(policies)).not.toContain('dynamodb:PutItem');
    expect(JSON.stringify(policies)).toContain('dynamodb:GetItem');
  });

  it('refuses to synthesise a wiring that names a field the real schema lacks, before bundling anything', () => {
    // GIVEN the real wiring plus a resolver for a field that does not exist
    const wiring: Wiring = {
      ...realWiring,
      resolvers: [...realWiring.resolvers, { typeName: 'Mutation', fieldName: 'launchRocket', pipeline: [] }],
    };
    // WHEN the stack is built THEN a WiringError names the field
    const build = () => new ForemanStack(new App(), 'Bad', { stage: 'dev', wiring, code: new Map([['resolvers/Mutation.launchRocket.ts', PLACEHOLDER_CODE]]) });
    expect(build).toThrow(WiringError);
    expect(build).toThrow(/resolver Mutation\.launchRocket names a field the schema lacks/);
  });

  it('refuses a wiring that leaves a real schema field uncovered, naming it', () => {
    // GIVEN the real wiring with every Mutation resolver removed
    const wiring: Wiring = { ...realWiring, resolvers: realWiring.resolvers.filter((r) => r.typeName !== 'Mutation') };
    // THEN createCustomer (a field every version of the schema has) is named as uncovered
    expect(() => new ForemanStack(new App(), 'Uncovered', { stage: 'dev', wiring, code: new Map() })).toThrow(
      /Mutation\.createCustomer is in the schema but neither wired/,
    );
  });
});
