/**
 * codegen's loader of the generated client operations: one import mutation per @importable model
 * (./expand.ts `importOperations`), typed like the hand-written ones in clients/api/operations.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import { importOperations } from './expand';

export default function load(pointer: string): DocumentNode {
  return parse(importOperations(parse(readFileSync(pointer, 'utf8'))));
}
