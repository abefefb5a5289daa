// checkOperationLimits: AppSync's queryDepthLimit / resolverCountLimit measured on the document,
// with the examples of AWS's configuration-limits page as expected values.
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkOperationLimits } from '../../../../infra/local/graphql/limits';

// The schema of AWS's examples: a recursive `nextLayer` and a wired `resolver` field.
const schema = buildSchema(`
  type Layer { nextLayer: Layer value: Int }
  type Query { nextLayer: Layer resolver: Int other: Int }
`);
const wired = (type: string, field: string): boolean => type === 'Query' && field === 'resolver';

function check(query: string, limits: { queryDepthLimit?: number; resolverCountLimit?: number }, operationName?: string) {
  return checkOperationLimits(parse(query), operationName, schema, wired, { queryDepthLimit: limits.queryDepthLimit ?? 75, resolverCountLimit: limits.resolverCountLimit ?? 10_000 });
}

const AWS_DEPTH_EXAMPLE = `query MyQuery {
  L1: nextLayer {
    L2: nextLayer {
      L3: nextLayer {
        L4: value
      }
    }
  }
}`;

describe('query depth', () => {
  it('refuses the AWS example (4 levels) at limit 2, naming L3, the first level past it', () => {
    expect(check(AWS_DEPTH_EXAMPLE, { queryDepthLimit: 2 })).toEqual({
      path: ['L1', 'L2', 'L3'],
      data: null,
      errorType: 'QueryDepthLimitReached',
      errorInfo: null,
      locations: [{ line: 4, column: 7, sourceName: null }],
      message: 'Query depth limit of 2 reached: L1/L2/L3 is nested 3 levels deep.',
    });
  });

  it('counts the scalar leaf as a level: the example passes at 4 and fails at 3', () => {
    expect(check(AWS_DEPTH_EXAMPLE, { queryDepthLimit: 4 })).toBeNull();
    expect(check(AWS_DEPTH_EXAMPLE, { queryDepthLimit: 3 })?.path).toEqual(['L1', 'L2', 'L3', 'L4']);
  });

  it('counts levels inside fragments and inline fragments as if written out', () => {
    const query = `{ nextLayer { ...Deeper } } fragment Deeper on Layer { ... on Layer { nextLayer { nextLayer { value } } } }`;
    expect(check(query, { queryDepthLimit: 4 })).toBeNull();
    expect(check(query, { queryDepthLimit: 3 })?.errorType).toBe('QueryDepthLimitReached');
  });

  it('measures only the operation that runs', () => {
    const query = `query Shallow { other } query Deep { nextLayer { nextLayer { value } } }`;
    expect(check(query, { queryDepthLimit: 1 }, 'Shallow')).toBeNull();
    expect(check(query, { queryDepthLimit: 1 }, 'Deep')?.path).toEqual(['nextLayer', 'nextLayer']);
  });

  it('refuses 500 levels, naming the path up to the limit', () => {
    const query = `{ ${'nextLayer { '.repeat(499)}value${' }'.repeat(499)} }`;
    const error = check(query, { queryDepthLimit: 20 });
    expect(error?.errorType).toBe('QueryDepthLimitReached');
    expect(error?.path).toHaveLength(21);
  });
});

describe('resolver count', () => {
  const AWS_COUNT_EXAMPLE = `query MyQuery {
  resolver1: resolver
  resolver2: resolver
  resolver3: resolver
}`;

  it('refuses the AWS example (three resolvers) at limit 2, naming the third', () => {
    expect(check(AWS_COUNT_EXAMPLE, { resolverCountLimit: 2 })).toEqual({
      path: ['resolver3'],
      data: null,
      errorType: 'ResolverExecutionLimitReached',
      errorInfo: null,
      locations: [{ line: 4, column: 3, sourceName: null }],
      message: 'Resolver count limit of 2 reached: resolver3 was not resolved.',
    });
    expect(check(AWS_COUNT_EXAMPLE, { resolverCountLimit: 3 })).toBeNull();
  });

  it('does not count fields without a resolver', () => {
    const query = `{ ${Array.from({ length: 50 }, (_, i) => `o${i}: other`).join(' ')} }`;
    expect(check(query, { resolverCountLimit: 1 })).toBeNull();
  });

  it('counts a fragment once per spread', () => {
    const query = `{ ...R ...R2 } fragment R on Query { a: resolver } fragment R2 on Query { ...R b: resolver }`;
    expect(check(query, { resolverCountLimit: 3 })).toBeNull();
    expect(check(query, { resolverCountLimit: 2 })?.path).toEqual(['b']);
  });

  it('refuses 10,000 aliases', () => {
    const query = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: resolver`).join(' ')} }`;
    expect(check(query, { resolverCountLimit: 100 })?.path).toEqual(['a100']);
  });

  it('measures fragments that double at every level (2^40 fields written out) without expanding them', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ${i === levels - 1 ? 'x: resolver y: resolver' : `...F${i + 1} ...F${i + 1}`} }`);
    const error = check(`{ ...F0 } ${fragments.join(' ')}`, { resolverCountLimit: 10_000 });
    expect(error?.errorType).toBe('ResolverExecutionLimitReached');
  });

  it('leaves a cyclic fragment to validation (no error, no endless walk)', () => {
    expect(check(`{ ...A } fragment A on Query { resolver ...A }`, { resolverCountLimit: 5 })).toBeNull();
  });
});
