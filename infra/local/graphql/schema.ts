/**
 * The executable schema of the local AppSync: schema/aws.graphql (what AppSync provides
 * implicitly) + schema/generated/appsync.graphql (what AppSync receives), with the AWS scalars
 * behaving as AppSync's do.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../bundle';
import { APPSYNC_SCHEMA } from '../../wiring';
import { installAwsScalars } from './scalars';

/** Builds the schema from SDL texts (defaults: the repository's two schema files). */
export function buildLocalSchema(sdl?: string): GraphQLSchema {
  const text =
    sdl ??
    [path.join(repoRoot, 'schema/aws.graphql'), path.join(repoRoot, APPSYNC_SCHEMA)].map((file) => readFileSync(file, 'utf8')).join('\n');
  const schema = buildSchema(text);
  installAwsScalars(schema);
  return schema;
}
