/**
 * AppSync's views of a selection set: `ctx.info.selectionSetList` / `selectionSetGraphQL`
 * (resolver-context-reference-js.html, "info") and the payload subscribers receive (only what the
 * mutation selected, keyed by field name).
 */
import { Kind, print, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

type Fragments = Record<string, FragmentDefinitionNode>;

/** Field nodes of a selection set, fragments flattened; spreads on another type are skipped. */
export function flattenFields(selectionSet: SelectionSetNode | undefined, fragments: Fragments, typeName: string | null): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) out.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition?.name.value;
        if (!on || typeName === null || on === typeName) visit(selection.selectionSet);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment && (typeName === null || fragment.typeCondition.name.value === typeName)) visit(fragment.selectionSet);
      }
    }
  };
  visit(selectionSet);
  return out;
}

/**
 * `selectionSetList`: every selected field below the resolved field, aliased fields by their alias
 * only, nested entries as `author/name`, fragments flattened; `__typename` is not listed.
 * @param typeOf the named return type of a field path (to follow fragments on the right type)
 */
export function selectionSetList(
  field: FieldNode,
  fragments: Fragments,
  typeName: string | null,
  typeOf: (parentType: string | null, fieldName: string) => string | null,
): string[] {
  const list: string[] = [];
  const walk = (set: SelectionSetNode | undefined, parentType: string | null, prefix: string): void => {
    for (const f of flattenFields(set, fragments, parentType)) {
      if (f.name.value === '__typename') continue;
      const name = f.alias?.value ?? f.name.value;
      const full = prefix ? `${prefix}/${name}` : name;
      list.push(full);
      if (f.selectionSet) walk(f.selectionSet, typeOf(parentType, f.name.value), full);
    }
  };
  walk(field.selectionSet, typeName, '');
  return [...new Set(list)];
}

/** `selectionSetGraphQL`: the field's selection set printed as GraphQL, fragments not merged. */
export function selectionSetGraphQL(field: FieldNode): string {
  return field.selectionSet ? print(field.selectionSet) : '';
}

/** flattenFields(set, fragments, null) per selection set node (a node belongs to one document). */
const flattenedUntyped = new WeakMap<SelectionSetNode, FieldNode[]>();

/**
 * Restricts an executed (aliased) response value to what was selected, keyed by field name:
 * aliases undone, fragments flattened. What subscribers of a mutation receive.
 */
export function unalias(value: unknown, selectionSet: SelectionSetNode | undefined, fragments: Fragments): unknown {
  if (value === null || value === undefined || !selectionSet) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => unalias(v, selectionSet, fragments));
  if (typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // A list of 49 row outcomes flattened the same selection set 49 times per mutation; documents
  // are cached, so their selection sets (and the fragments they spread) can be flattened once.
  let fields = flattenedUntyped.get(selectionSet);
  if (!fields) {
    fields = flattenFields(selectionSet, fragments, null);
    flattenedUntyped.set(selectionSet, fields);
  }
  for (const f of fields) {
    const key = f.alias?.value ?? f.name.value;
    if (!(key in source)) continue;
    const nested = unalias(source[key], f.selectionSet, fragments);
    const existing = out[f.name.value];
    // The same field selected twice (aliases, fragments): merge what each selected.
    out[f.name.value] =
      existing && typeof existing === 'object' && nested && typeof nested === 'object' && !Array.isArray(nested) ? { ...(existing as object), ...(nested as object) } : nested;
  }
  return out;
}
