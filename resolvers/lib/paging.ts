/**
 * Page size and token handling shared by the list resolvers. APPSYNC_JS-safe.
 */

/** Without a `limit` a page holds this many items. */
export const DEFAULT_PAGE_SIZE = 20;
/** A larger `limit` is capped to this. */
export const MAX_PAGE_SIZE = 100;

export interface Page {
  limit: number;
  nextToken: string | null;
}

export interface PageStash {
  page: Page;
}

/** The page a list field asked for: `limit` defaults to 20 and is held within 1..100. */
export function pageOf(args: { limit?: number | null; nextToken?: string | null }): Page {
  return pageWithin(args, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
}

/** The page a list field asked for: `limit` defaults to `fallback` and is held within 1..`max`. */
export function pageWithin(args: { limit?: number | null; nextToken?: string | null }, fallback: number, max: number): Page {
  const asked = typeof args.limit === 'number' ? args.limit : fallback;
  return { limit: Math.min(Math.max(asked, 1), max), nextToken: args.nextToken || null };
}
