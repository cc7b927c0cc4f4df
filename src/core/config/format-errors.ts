// zod issues → problems a technician can act on. Field checks built in schema.ts carry their
// own reason (custom issues); the generic kinds — missing, wrong type, unknown key — are
// worded here, using the value actually found in the file and what the schema expects there.

import type { z } from 'zod';
import { describeValue, formatPath, say, type Finding, type PathSegment } from './messages.js';
import { suggest } from './suggest.js';

// Just enough of zod's schema internals to walk from the root to the schema at a path.
interface SchemaNode {
  readonly def: {
    readonly type: string;
    readonly innerType?: SchemaNode;
    readonly in?: SchemaNode;
    readonly out?: SchemaNode;
    readonly shape?: Record<string, SchemaNode>;
    readonly element?: SchemaNode;
    readonly valueType?: SchemaNode;
  };
  meta?(): Record<string, unknown> | undefined;
  safeParse(value: unknown): { success: boolean };
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The schema at `path`, wrappers removed, and the nearest `expects` text met on the way in. */
function schemaAt(root: z.ZodType, path: readonly PathSegment[]): { node?: SchemaNode; expects?: string } {
  let node: SchemaNode | undefined = root as unknown as SchemaNode;
  let expects: string | undefined;
  const unwrap = () => {
    expects = undefined;
    while (node) {
      const e = node.meta?.()?.expects;
      if (typeof e === 'string' && expects === undefined) expects = e;
      if (WRAPPERS.has(node.def.type) && node.def.innerType) node = node.def.innerType;
      else if (node.def.type === 'pipe' && node.def.in) {
        // z.preprocess is a pipe from a transform into the real schema.
        node = node.def.in.def.type === 'transform' ? node.def.out : node.def.in;
      }
      else break;
    }
  };
  unwrap();
  for (const segment of path) {
    if (!node) break;
    if (node.def.type === 'object' && typeof segment === 'string') node = node.def.shape?.[segment];
    else if (node.def.type === 'array' && typeof segment === 'number') node = node.def.element;
    else if (node.def.type === 'record' && typeof segment === 'string') node = node.def.valueType;
    else node = undefined;
    unwrap();
  }
  return { node, expects };
}

/** The keys an object schema at `path` knows, in schema order; [] when it is not an object. */
export function knownKeysAt(root: z.ZodType, path: readonly PathSegment[]): string[] {
  const { node } = schemaAt(root, path);
  return node?.def.type === 'object' && node.def.shape ? Object.keys(node.def.shape) : [];
}

function requiredKeysOf(node: SchemaNode): string[] {
  const shape = node.def.shape ?? {};
  return Object.keys(shape).filter((k) => !shape[k]!.safeParse(undefined).success);
}

/** What is at `path` in the parsed YAML, and whether the key is there at all. */
function valueAt(data: unknown, path: readonly PathSegment[]): { present: boolean; value: unknown } {
  let value: unknown = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) {
      return { present: false, value: undefined };
    }
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return { present: true, value };
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  object: 'a section of key: value settings',
  array: 'a list (one entry per line, each starting with "- ")',
};

function segments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((p) => (typeof p === 'symbol' ? String(p) : p));
}

/** One zod issue → one or more findings (an unrecognized_keys issue may name several keys). */
export function issueToFindings(root: z.ZodType, data: unknown, issue: z.core.$ZodIssue): Finding[] {
  const path = segments(issue.path);
  const at = path;

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(root, path);
      return issue.keys.map((key) => {
        const meant = suggest(key, known);
        return { at: [...path, key], reason: say.unknownKey(key, known, path.length === 0, meant), meant };
      });
    }

    case 'invalid_type': {
      const { present, value } = valueAt(data, path);
      const { node, expects: metaExpects } = schemaAt(root, path);
      const expects = metaExpects ?? TYPE_WORDS[issue.expected] ?? issue.expected;
      if (!present || value === null) {
        if (node?.def.type === 'object' && metaExpects === undefined) {
          const required = requiredKeysOf(node);
          return [{ at, reason: present ? say.emptySection(required, knownKeysAt(root, path)) : say.missingSection(required), missing: !present }];
        }
        return [{ at, reason: present ? say.empty(expects) : say.missing(expects), missing: !present }];
      }
      if (typeof value === 'number' && !Number.isFinite(value)) return [{ at, reason: say.notFinite(value) }];
      return [{ at, reason: say.wrongType(expects, value, issue.expected) }];
    }

    case 'custom':
      return [{ at, reason: issue.message }];

    default: {
      // Kinds the schema does not produce today; still name the field and the value.
      const { value } = valueAt(data, path);
      return [{ at, reason: `${issue.message.replace(/^Invalid input: /, '')} (found ${describeValue(value)})` }];
    }
  }
}

/** A missing key next to an unknown key that is its misspelling (`chanels` for `channels`)
 *  is one mistake: keep the "did you mean" and drop the "is missing". */
export function dropMisspeltMissing(findings: readonly Finding[]): Finding[] {
  const meant = new Set(findings.filter((f) => f.meant).map((f) => formatPath([...f.at.slice(0, -1), f.meant!])));
  return findings.filter((f) => !(f.missing && meant.has(formatPath(f.at))));
}

/** Sort problems into the order the fields appear in the schema (the order of the docs and of
 *  a well-kept file), array entries by index; unknown keys after the known ones. */
export function sortKey(root: z.ZodType, path: readonly PathSegment[]): number[] {
  const key: number[] = [];
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (typeof segment === 'number') key.push(segment);
    else {
      const index = knownKeysAt(root, path.slice(0, i)).indexOf(segment);
      key.push(index === -1 ? 1e6 : index);
    }
  }
  return key;
}

export function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
