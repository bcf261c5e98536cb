import type * as v from "valibot";

/** The parts of a valibot schema the walk below reads; all of them are public fields. */
interface SchemaNode {
  readonly type: string;
  readonly entries?: Record<string, SchemaNode>;
  readonly wrapped?: SchemaNode;
  readonly item?: SchemaNode;
  readonly options?: readonly SchemaNode[];
  readonly pipe?: readonly SchemaNode[];
}

/**
 * The keys an object schema knows at `path` below `schema` (through optional, pipe, union
 * and array), to suggest the one a misspelt key meant. Undefined where the walk finds no
 * object schema: then no suggestion is made.
 *
 * @example
 * keysAt(PatchTokenParamsSchema, ["apiToken"]); // ["name", "description", ...]
 */
export function keysAt(
  schema: v.GenericSchema,
  path: readonly unknown[],
): string[] | undefined {
  let node: SchemaNode | undefined = schema as unknown as SchemaNode;
  for (const key of path) {
    node = node === undefined ? undefined : child(node, key);
  }
  const entries = node === undefined ? undefined : objectOf(node)?.entries;
  return entries === undefined ? undefined : Object.keys(entries);
}

function child(node: SchemaNode, key: unknown): SchemaNode | undefined {
  for (const candidate of shapes(node)) {
    if (typeof key === "string" && candidate.entries && Object.hasOwn(candidate.entries, key)) {
      return candidate.entries[key];
    }
    if (typeof key === "number" && candidate.item !== undefined) return candidate.item;
  }
  return undefined;
}

function objectOf(node: SchemaNode): SchemaNode | undefined {
  return shapes(node).find((s) => s.entries !== undefined);
}

/** What a schema may be underneath its wrappers: itself, or each option of a union. */
function shapes(node: SchemaNode, depth = 0): SchemaNode[] {
  if (depth > 8) return [];
  if (node.wrapped !== undefined) return shapes(node.wrapped, depth + 1);
  if (node.entries !== undefined || node.item !== undefined) return [node];
  if (node.options !== undefined) return node.options.flatMap((o) => shapes(o, depth + 1));
  // A piped schema is a copy of its first item with the pipe added, so the walk goes on
  // into every item: the first (the schema before piping) and any schema piped after it.
  if (node.pipe !== undefined) return node.pipe.flatMap((p) => shapes(p, depth + 1));
  return [];
}
