/**
 * Enhanced subscription filter evaluation, per
 * https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-enhanced-filtering.html:
 * a filterGroup ORs its filters, a filter ANDs its rules, fieldName may be a dotted path.
 */
import { describe, expect, it } from 'vitest';
import { InvalidSubscriptionFilterError, matchesFilter, parseSubscriptionFilter, type FilterRule } from '../../../../infra/local/realtime/filters';

const payload = { severity: 5, priority: 'high', group: 'Admin', tags: ['a', 'b'], content: 'disk full on node-7', meta: { region: { code: 'eu' } }, none: null };

function one(rule: FilterRule): boolean {
  return matchesFilter(parseSubscriptionFilter({ filterGroup: [{ filters: [rule] }] }), payload);
}

describe('enhanced subscription filters', () => {
  it.each([
    ['eq', 'priority', 'high', true],
    ['eq', 'priority', 'low', false],
    ['ne', 'priority', 'low', true],
    ['ne', 'priority', 'high', false],
    ['gt', 'severity', 4, true],
    ['gt', 'severity', 5, false],
    ['ge', 'severity', 5, true],
    ['lt', 'severity', 5, false],
    ['le', 'severity', 5, true],
    ['contains', 'content', 'full', true],
    ['contains', 'tags', 'b', true],
    ['contains', 'tags', 'c', false],
    ['notContains', 'content', 'empty', true],
    ['notContains', 'tags', 'a', false],
    ['beginsWith', 'content', 'disk', true],
    ['beginsWith', 'content', 'full', false],
    ['in', 'group', ['Admin', 'Developer'], true],
    ['in', 'group', ['Developer'], false],
    ['notIn', 'group', ['Developer'], true],
    ['notIn', 'group', ['Admin'], false],
    ['between', 'severity', [1, 5], true],
    ['between', 'severity', [6, 9], false],
    ['containsAny', 'tags', ['z', 'a'], true],
    ['containsAny', 'tags', ['z', 'y'], false],
    ['eq', 'meta.region.code', 'eu', true],
    ['eq', 'missing.path', 'eu', false],
  ] as const)('%s on %s with %j is %s', (operator, fieldName, value, expected) => {
    expect(one({ operator, fieldName, value } as FilterRule)).toBe(expected);
  });

  it('ANDs the rules of one filter and ORs the filters of a group', () => {
    const and = parseSubscriptionFilter({
      filterGroup: [{ filters: [{ fieldName: 'severity', operator: 'ge', value: 5 }, { fieldName: 'priority', operator: 'eq', value: 'low' }] }],
    });
    expect(matchesFilter(and, payload)).toBe(false);
    const or = parseSubscriptionFilter({
      filterGroup: [
        { filters: [{ fieldName: 'priority', operator: 'eq', value: 'low' }] },
        { filters: [{ fieldName: 'group', operator: 'in', value: ['Admin'] }] },
      ],
    });
    expect(matchesFilter(or, payload)).toBe(true);
  });

  it('refuses filters beyond AppSync’s documented limits', () => {
    const rule = { fieldName: 'a', operator: 'eq', value: 1 };
    expect(() => parseSubscriptionFilter({ filterGroup: Array.from({ length: 11 }, () => ({ filters: [rule] })) })).toThrow(InvalidSubscriptionFilterError);
    expect(() => parseSubscriptionFilter({ filterGroup: [{ filters: Array.from({ length: 6 }, () => rule) }] })).toThrow(InvalidSubscriptionFilterError);
    expect(() => parseSubscriptionFilter({ filterGroup: [{ filters: [{ fieldName: 'a', operator: 'in', value: [1, 2, 3, 4, 5, 6] }] }] })).toThrow(InvalidSubscriptionFilterError);
    expect(() => parseSubscriptionFilter({ filterGroup: [{ filters: [{ fieldName: 'a', operator: 'containsAny', value: Array.from({ length: 21 }, (_, i) => i) }] }] })).toThrow(InvalidSubscriptionFilterError);
    expect(() => parseSubscriptionFilter({ filterGroup: [{ filters: [{ fieldName: 'a.b.c.d.e.f', operator: 'eq', value: 1 }] }] })).toThrow(InvalidSubscriptionFilterError);
    expect(() => parseSubscriptionFilter({ filterGroup: [{ filters: [{ fieldName: 'a', operator: 'like', value: 1 }] }] })).toThrow(InvalidSubscriptionFilterError);
  });
});
