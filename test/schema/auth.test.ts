// Who may reach what, read from the schema's directives with AppSync's rules (the local
// authenticator's rule table, the same the CDK deploys: stack.test.ts checks the deployed definition
// is schema/generated/appsync.graphql, generated from schema/schema.graphql). Expected values come from issue 8's group table, not from the schema.
import { readFileSync } from 'node:fs';
import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createAuthenticator, LOCAL_IAM } from '../../infra/local/auth';
import { buildApiSchema } from '../../infra/local/appsync';

const schema = buildApiSchema(readFileSync('schema/generated/appsync.graphql', 'utf8'));
// Every mode switched on, so each field's own rule decides (the deployed API has no API key at all).
const auth = createAuthenticator({ schema, apiKey: 'da2-k', iam: LOCAL_IAM, defaultMode: 'AMAZON_COGNITO_USER_POOLS', additionalModes: ['API_KEY', 'AWS_IAM'] });
const user = (...groups: string[]) => ({ sub: 's', groups: groups.length ? groups : null });

const fieldsOf = (typeName: string): string[] => {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return Object.keys(type.getFields());
};
const allFields = Object.values(schema.getTypeMap())
  .filter((t) => isObjectType(t) && !t.name.startsWith('__'))
  .flatMap((t) => fieldsOf(t.name).map((f) => [t.name, f] as const));

describe('schema auth rules (issue 8)', () => {
  it('lets an API key reach no field at all, personal data or not', () => {
    expect(allFields.length).toBeGreaterThan(100);
    expect(allFields.filter(([t, f]) => auth.isFieldAllowed(t, f, 'API_KEY', null)).map(([t, f]) => `${t}.${f}`)).toEqual([]);
    expect(readFileSync('schema/generated/appsync.graphql', 'utf8')).not.toContain('@aws_api_key');
  });

  it('lets the back end (IAM) reach every root field', () => {
    for (const root of ['Query', 'Mutation', 'Subscription']) {
      for (const f of fieldsOf(root)) expect(auth.isFieldAllowed(root, f, 'AWS_IAM', null), `${root}.${f}`).toBe(true);
    }
  });

  it('gives viewers reads only, importers reads and their ingestions and customer/project writes, admins everything', () => {
    const mutations = fieldsOf('Mutation');
    const allowed = (groups: string[], root: string) => fieldsOf(root).filter((f) => auth.isFieldAllowed(root, f, 'AMAZON_COGNITO_USER_POOLS', user(...groups)));
    expect(allowed(['viewers'], 'Mutation')).toEqual([]);
    // Every query but the import's dry run (checkFile, a check query per model: that is importing)
    // and the saved mappings (issue 10: they belong to those who import).
    const checks = ['checkFile', 'checkCustomers', 'checkProjects', 'checkInvoices'];
    const importing = [...checks, 'getMapping', 'listMappings'];
    expect(allowed(['viewers'], 'Query')).toEqual(fieldsOf('Query').filter((f) => !importing.includes(f)));
    expect(allowed(['importers'], 'Query')).toEqual(fieldsOf('Query'));
    expect(fieldsOf('Query')).toEqual(expect.arrayContaining(checks));
    // including the generated reads of a model declared only in the schema
    expect(allowed(['viewers'], 'Query')).toEqual(expect.arrayContaining(['getInvoice', 'listInvoices']));
    expect(allowed(['viewers'], 'Subscription')).toEqual(fieldsOf('Subscription'));
    expect(new Set(allowed(['importers'], 'Mutation'))).toEqual(
      new Set(['createCustomer', 'updateCustomer', 'createProject', 'updateProject', 'startIngestion', 'importCustomers', 'importProjects', 'importInvoices', 'recordRejectedRows', 'finishIngestion', 'failIngestion', 'saveMapping', 'deleteMapping', 'createUpload', 'completeUpload', 'abortUpload']),
    );
    expect(allowed(['admins'], 'Mutation')).toEqual(mutations);
    expect(allowed(['admins'], 'Query')).toEqual(fieldsOf('Query'));
    // A signed-in user in no group reaches no root field.
    for (const root of ['Query', 'Mutation', 'Subscription']) expect(allowed([], root)).toEqual([]);
  });

  it('lets any signed-in user read the fields of the returned types (the root fields decide)', () => {
    for (const type of ['Customer', 'Project', 'Invoice', 'Ingestion', 'IngestionProgress', 'SavedMapping']) {
      for (const f of fieldsOf(type)) expect(auth.isFieldAllowed(type, f, 'AMAZON_COGNITO_USER_POOLS', user('viewers')), `${type}.${f}`).toBe(true);
    }
  });
});
