import type { z } from 'zod';
import { didYouMean } from './errors.js';

/**
 * zod's verdict on a scenario, as sentences a user acts on: each names the field by its dotted
 * path, an unknown field gets the closest known one ("did you mean"), and a value that fits none
 * of a union's forms is described by the form it came closest to.
 */
export interface FieldProblem {
  /** the field's path, as keys */
  at: PropertyKey[];
  /** dotted path of the field, `(top level)` for the scenario itself */
  path: string;
  message: string;
}

export function fieldProblems(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): FieldProblem[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, at);
      return issue.keys.map((key) => ({
        at: [...at, key],
        path: dotted([...at, key]),
        message: `unknown field${known.length > 0 ? didYouMean(key, known) : ''}`,
      }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // The form whose complaints go deepest is the one the user meant (an object with a bad
      // field rather than "expected an array").
      const depth = (branch: readonly z.core.$ZodIssue[]): number =>
        Math.max(...branch.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
      if (depth(best) > 0) return fieldProblems(schema, best, at);
      return [{ at, path: dotted(at), message: `expected ${issue.errors.map(expectedOf).join(' or ')}` }];
    }
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      return [{ at, path: dotted(at), message: 'missing' }];
    }
    return [{ at, path: dotted(at), message: issue.message }];
  });
}

/** The problems as one sentence: `a.b: message; c: message`, at most `max` of them. */
export function describeProblems(problems: readonly FieldProblem[], max = 3): string {
  const shown = problems.slice(0, max).map((p) => `${p.path}: ${p.message}`);
  if (problems.length > max) shown.push(`and ${problems.length - max} more`);
  return shown.join('; ');
}

function dotted(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

function expectedOf(branch: readonly z.core.$ZodIssue[]): string {
  const first = branch[0];
  return first?.code === 'invalid_type' ? `${first.expected}` : 'another form';
}

/** The field names an object schema at `path` accepts; [] where the path leads to no object. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let nodes: z.core.$ZodType[] = [schema];
  for (const key of path) nodes = nodes.flatMap((n) => childrenAt(n, key));
  return [...new Set(nodes.flatMap((n) => objectKeys(n)))];
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.core.$ZodType): Def => s._zod.def as unknown as Def;

/** Unwraps defaults, optionals and pipes; a union gives all its forms. */
function forms(s: z.core.$ZodType): z.core.$ZodType[] {
  const def = defOf(s);
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return forms(def['innerType'] as z.core.$ZodType);
    case 'pipe':
      return forms(def['in'] as z.core.$ZodType);
    case 'union':
      return (def['options'] as z.core.$ZodType[]).flatMap(forms);
    default:
      return [s];
  }
}

function childrenAt(s: z.core.$ZodType, key: PropertyKey): z.core.$ZodType[] {
  return forms(s).flatMap((f) => {
    const def = defOf(f);
    if (def.type === 'object') {
      const child = (def['shape'] as Record<string, z.core.$ZodType>)[String(key)];
      return child ? [child] : [];
    }
    if (def.type === 'record') return [def['valueType'] as z.core.$ZodType];
    if (def.type === 'array' && typeof key === 'number') return [def['element'] as z.core.$ZodType];
    return [];
  });
}

function objectKeys(s: z.core.$ZodType): string[] {
  return forms(s).flatMap((f) => {
    const def = defOf(f);
    if (def.type === 'object') return Object.keys(def['shape'] as object);
    if (def.type === 'record') {
      const keyDef = defOf(def['keyType'] as z.core.$ZodType);
      if (keyDef.type === 'enum') return Object.keys(keyDef['entries'] as object);
    }
    return [];
  });
}
