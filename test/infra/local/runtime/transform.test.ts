/**
 * util.transform filter/condition rendering. AWS's pages document only the shape; the exact
 * strings expected here are EvaluateCode answers recorded against AWS in
 * localstack/appsync-utils (__tests__/__snapshots__/transform.test.js.snap), which is the best
 * public record of what AWS produces.
 */
import { describe, expect, it } from 'vitest';
import { conditionExpression, filterExpression } from '../../../../infra/local/runtime/transform';
import { createGlobals, newRunState } from '../../../../infra/local/runtime/util';

const { util } = createGlobals(() => newRunState());

describe('toDynamoDBFilterExpression / toDynamoDBConditionExpression', () => {
  it('answers a JSON string', () => {
    expect(util.transform.toDynamoDBFilterExpression({ content: { contains: 'foo' } })).toBe(
      '{"expression":"(contains(#content,:content_contains))","expressionNames":{"#content":"content"},"expressionValues":{":content_contains":{"S":"foo"}}}',
    );
    expect(util.transform.toDynamoDBConditionExpression({ and: [{ id: { attributeExists: false } }] })).toBe(
      '{"expression":"(attribute_not_exists(#id))","expressionNames":{"#id":"id"},"expressionValues":{}}',
    );
  });

  it.each([
    [{ v: { ne: 'x' } }, '(#v <> :v_ne)'],
    [{ v: { le: 'x' } }, '(#v <= :v_le)'],
    [{ v: { notContains: 'x' } }, '(NOT contains(#v,:v_notContains))'],
    [{ v: { beginsWith: 'x' } }, '(begins_with(#v,:v_beginsWith))'],
    [{ v: { between: ['1', '9'] } }, '(#v BETWEEN :v_between_start AND :v_between_end)'],
    [{ v: { in: ['a', 'b'] } }, '(#v IN (:v_in_0, :v_in_1))'],
    [{ v: { in: [] } }, '(null)'],
    [{ a: { eq: 1 }, b: { eq: 2 } }, '(#a = :a_eq) AND (#b = :b_eq)'],
    [{ v: { ge: 1, le: 5 } }, '((#v >= :v_ge) AND (#v <= :v_le))'],
    [{ and: [{ a: { eq: 1 } }] }, '(#a = :and_0_a_eq)'],
    [{ or: [{ and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }, { c: { eq: 3 } }] }, '(((#a = :or_0_and_0_a_eq) AND (#b = :or_0_and_1_b_eq)) OR (#c = :or_1_c_eq))'],
    [{ not: { and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] } }, '(NOT ((#a = :not_and_0_a_eq) AND (#b = :not_and_1_b_eq)))'],
    [{ not: { not: { a: { eq: 1 } } } }, '(NOT (NOT (#a = :not_not_a_eq)))'],
    [{ a: { eq: 1 }, and: [{ b: { eq: 2 } }] }, '(#a = :a_eq) AND (#b = :and_0_b_eq)'],
    [{ and: [{ a: { eq: 1 } }, {}] }, '((#a = :and_0_a_eq) AND )'],
    [{ not: {} }, '(NOT )'],
    [{ v: { size: { gt: 2, lt: 5 } } }, '((size(#v) > :v_size_gt) AND (size(#v) < :v_size_lt))'],
    [{ v: { size: { contains: 'x' } } }, '(contains(size(#v),:v_size_contains))'],
    [{ v: { size: { attributeExists: true } } }, '(attribute_exists(size(#v)))'],
    [{ v: { size: { size: { gt: 1 } } } }, '(size(#v) > :v_size_size_gt)'],
    [{ 'a.b': { eq: 1 } }, '(#a.b = :a.b_eq)'],
  ])('renders %j as %s', (input, expression) => {
    expect(filterExpression(input)?.expression).toBe(expression);
  });

  it('names between bounds start/end and ignores a third bound', () => {
    expect(filterExpression({ v: { between: [1, 9, 3] } })?.expressionValues).toEqual({ ':v_between_start': { N: 1 }, ':v_between_end': { N: 9 } });
  });

  it('maps attributeType names to DynamoDB type codes', () => {
    expect(filterExpression({ a: { attributeType: '_null' }, b: { attributeType: 'numberSet' } })).toEqual({
      expression: '(attribute_type(#a,:a_attributeType)) AND (attribute_type(#b,:b_attributeType))',
      expressionNames: { '#a': 'a', '#b': 'b' },
      expressionValues: { ':a_attributeType': { S: 'NULL' }, ':b_attributeType': { S: 'NS' } },
    });
  });

  it('keeps the name of a field that has no operators and renders an empty filter as an empty expression', () => {
    expect(filterExpression({ v: {} })).toEqual({ expression: '', expressionNames: { '#v': 'v' }, expressionValues: {} });
    expect(filterExpression({})).toEqual({ expression: '', expressionNames: {}, expressionValues: {} });
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'string'],
    ['an unknown operator', { v: { foo: 1 } }],
    ['a field holding a value', { v: 'x' }],
    ['a field nested in a field', { a: { b: { eq: 1 } } }],
    ['an and given a map', { and: { a: { eq: 1 } } }],
    ['an and given null', { and: null }],
    ['a group holding a null member', { and: [{ a: { eq: 1 } }, null] }],
    ['a not given a list', { not: [{ a: { eq: 1 } }] }],
    ['a range with a single bound', { v: { between: [1] } }],
    ['a list of values that is not a list', { v: { in: 'x' } }],
    ['attributeExists given a string', { v: { attributeExists: 'yes' } }],
    ['attributeType given a type code', { v: { attributeType: 'S' } }],
    ['size given a value', { v: { size: 3 } }],
  ])('answers null for %s', (_name, input) => {
    expect(util.transform.toDynamoDBFilterExpression(input)).toBeNull();
    expect(conditionExpression(input)).toBeNull();
  });
});
