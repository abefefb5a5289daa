/**
 * Who may point at a record: every @ref of every model whose target is that record's model
 * (schema/generated/models.ts). A record that is still referenced is not deleted, so nothing is left
 * pointing at nobody. Read by the wiring (one findReferrers function per referrer, in this order)
 * and by the delete resolvers (which check them in the same order). APPSYNC_JS-safe.
 */
import type { ModelMeta } from '../../schema/models';

export interface Referrer {
  /** The AppSync function that looks for one: `find<Plural>By<Target>` (resolvers/functions/findReferrers.ts). */
  fn: string;
  /** The referring model's table (logical id) and label. */
  table: string;
  plural: string;
  /** Its index on the reference (`by<Target>`, infra/wiring.ts) and the attribute holding the target's id. */
  index: string;
  field: string;
}

/** The references of `models` to `target` (every reference when `target` is null). */
export function referrersOf(models: ModelMeta[], target: string | null): Referrer[] {
  const found: Referrer[] = [];
  for (const m of models) {
    for (const r of m.refs) {
      if (target === null || r.model === target) {
        // byCustomer → findInvoicesByCustomer: one function per reference, even two to one model.
        found.push({ fn: `find${m.plural}${r.index.charAt(0).toUpperCase()}${r.index.slice(1)}`, table: m.table, plural: m.plural, index: r.index, field: r.field });
      }
    }
  }
  return found;
}

/** What the delete resolvers leave in the stash for the findReferrers functions. */
export interface ReferrerStash {
  /** The record about to be deleted. */
  targetId: string;
  referrers: Referrer[];
  /** The next referrer to look at. */
  referrerAt: number;
  /** The first referrer that holds a reference: the delete is refused. */
  referencedBy: Referrer | null;
}

/** `Customer` + referrer Projects → the error `CustomerHasProjects`, "Customer c1 still has projects; delete them first". */
export function referencedError(target: string, id: string, by: Referrer): { message: string; type: string } {
  return { message: `${target} ${id} still has ${by.plural.toLowerCase()}; delete them first`, type: `${target}Has${by.plural}` };
}
