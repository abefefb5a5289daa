/**
 * codegen's loader for schema/schema.graphql: the schema with every @importable model's generated
 * definitions (./expand.ts), so the TypeScript types and typed documents cover them too.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import { expandSchema } from './expand';

export default function load(pointer: string): DocumentNode {
  return expandSchema(parse(readFileSync(pointer, 'utf8')));
}
