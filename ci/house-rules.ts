/**
 * The house rules that a reader of docs/architecture.md ("Layers" and "Determinism") can check
 * by eye, checked by machine over every source file: who may import whom, and that nothing
 * outside sim/ reads the system clock, sets a real timer or draws an unseeded random number.
 *
 * Both checks read the syntax tree (oxc-parser), not the text, so a rule named in a comment or a
 * string is not a violation and `import type` is told apart from a value import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'oxc-parser';

/** One broken rule, located: `file:line: what; the rule`. */
export interface Violation {
  file: string;
  line: number;
  message: string;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: ${v.message}`;
}

// ---------------------------------------------------------------------------------------------
// Walking the tree

/** Directories of the repository whose sources the rules read (the layers, plus bench/ and ci/). */
export const SOURCE_DIRS = ['sim', 'opennebula', 'adapters', 'stack', 'harness', 'reports', 'suites', 'cli', 'bench', 'ci'];
const SOURCE_FILE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;

/** Every source file under the layer directories and at the root, as repository-relative posix paths. */
export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE_FILE.test(entry.name)) files.push(relative(root, path).split(sep).join('/'));
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(root, dir));
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isFile() && SOURCE_FILE.test(entry.name)) files.push(entry.name);
  }
  return files.sort();
}

export function readSource(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

interface Node {
  type: string;
  start: number;
  [key: string]: unknown;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Calls `visit` on every node of the tree with its parent, depth first. */
function walkTree(node: Node, visit: (node: Node, parent: Node | undefined) => void, parent?: Node): void {
  visit(node, parent);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walkTree(item, visit, node);
    } else if (isNode(value)) {
      walkTree(value, visit, node);
    }
  }
}

function parseWithComments(file: string, source: string): { program: Node; comments: Array<{ value: string; start: number }> } {
  const result = parseSync(file, source);
  const error = result.errors[0];
  if (error) throw new Error(`${file}: cannot be parsed: ${error.message}`);
  return { program: result.program as unknown as Node, comments: result.comments };
}

function parse(file: string, source: string): Node {
  return parseWithComments(file, source).program;
}

function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < source.length; i++) if (source.charCodeAt(i) === 10) line += 1;
  return line;
}

// ---------------------------------------------------------------------------------------------
// Layers

/** An import found in a file: where it points, where it stands, and whether it only names types. */
export interface ImportEdge {
  specifier: string;
  line: number;
  /** `import type`, `export type ... from`, or `import('x').T` in a type: erased from the build */
  typeOnly: boolean;
  kind: 'static' | 'dynamic' | 'require';
}

/**
 * Every import of a file: static imports and re-exports, `import type`, dynamic `import()` with a
 * literal specifier, `import x = require()`, `require()`, and `import('x')` in types. An
 * `import { type A }` counts as a value import: under verbatimModuleSyntax the module is still
 * loaded.
 */
export function importsOf(file: string, source: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const literal = (node: unknown): string | undefined => {
    if (!isNode(node)) return undefined;
    if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
    if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
      const quasi = (node.quasis as Array<{ value: { cooked: string } }>)[0];
      return quasi?.value.cooked;
    }
    return undefined;
  };
  const add = (specifier: string | undefined, at: Node, typeOnly: boolean, kind: ImportEdge['kind']): void => {
    if (specifier !== undefined) edges.push({ specifier, line: lineAt(source, at.start), typeOnly, kind });
  };
  walkTree(parse(file, source), (node) => {
    switch (node.type) {
      case 'ImportDeclaration':
        add(literal(node.source), node, node.importKind === 'type', 'static');
        break;
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (node.source) add(literal(node.source), node, node.exportKind === 'type', 'static');
        break;
      case 'ImportExpression':
        add(literal(node.source), node, false, 'dynamic');
        break;
      case 'TSImportType':
        add(literal(node.source) ?? literal((node.argument as Node | undefined)?.literal), node, true, 'static');
        break;
      case 'TSImportEqualsDeclaration': {
        const ref = node.moduleReference as Node;
        if (ref.type === 'TSExternalModuleReference') add(literal(ref.expression), node, node.importKind === 'type', 'require');
        break;
      }
      case 'CallExpression': {
        const callee = node.callee as Node;
        if (callee.type === 'Identifier' && callee.name === 'require') add(literal((node.arguments as unknown[])[0]), node, false, 'require');
        break;
      }
    }
  });
  return edges;
}

/** The part of the tree a file belongs to: its top-level directory, or `root` for files at the root. */
export function layerOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? 'root' : file.slice(0, slash);
}

interface LayerRule {
  /** layers this one may import values (and types) from, besides itself */
  imports: readonly string[];
  /** layers this one may import types from, and nothing else */
  typesFrom?: readonly string[];
  /** the rule in words, as docs/architecture.md states it */
  says: string;
}

/**
 * Who may import whom (docs/architecture.md, "Layers"). Tests obey the rule of the layer they sit
 * in: a test reaches only what its code may reach. `root` is package.json (the version string).
 */
export const LAYER_RULES: Readonly<Record<string, LayerRule>> = {
  sim: { imports: [], says: 'sim/ imports nothing of ours' },
  opennebula: { imports: [], says: 'opennebula/ imports nothing of ours' },
  adapters: { imports: ['sim', 'opennebula'], says: 'adapters/ imports only sim/ and opennebula/' },
  stack: { imports: ['sim', 'opennebula'], says: 'stack/ imports only sim/ and opennebula/, never adapters/ or harness/' },
  harness: { imports: ['sim', 'opennebula', 'adapters', 'stack', 'root'], says: 'harness/ imports sim/, opennebula/, adapters/ and stack/, never reports/ or cli/' },
  reports: { imports: [], typesFrom: ['harness'], says: 'reports/ imports harness/ types only (import type), nothing else of ours' },
  suites: { imports: ['harness', 'reports'], says: 'suites/ imports only harness/ and reports/' },
  cli: { imports: ['harness', 'reports', 'root'], says: 'cli/ imports only harness/ and reports/' },
  // bench/ times the harness and everything under it; ci/ holds these checks.
  bench: { imports: ['sim', 'opennebula', 'adapters', 'stack', 'harness', 'reports', 'root'], says: 'bench/ may import every layer but cli/' },
  ci: { imports: [], says: 'ci/ imports nothing of ours' },
  root: { imports: [], says: 'files at the root import nothing of ours' },
};

/** Resolves a relative specifier to the repository path it names, or undefined for a package or `node:` module. */
export function resolveSpecifier(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(file), specifier));
  return target.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts').replace(/\.cjs$/, '.cts');
}

/** The layering rules broken by one file's imports. */
export function layerViolations(file: string, source: string): Violation[] {
  const from = layerOf(file);
  const rule = LAYER_RULES[from];
  const out: Violation[] = [];
  for (const edge of importsOf(file, source)) {
    const target = resolveSpecifier(file, edge.specifier);
    if (target === undefined) continue;
    if (target.startsWith('../')) {
      out.push({ file, line: edge.line, message: `imports ${edge.specifier}, outside the repository; sources import only what the repository or its packages hold` });
      continue;
    }
    const to = layerOf(target);
    if (to === from && from !== 'root') continue;
    const what = `${edge.typeOnly ? 'imports types from' : edge.kind === 'dynamic' ? 'dynamically imports' : 'imports'} ${target}`;
    if (to === 'cli') {
      out.push({ file, line: edge.line, message: `${what}; nothing imports cli/ but cli/ itself` });
      continue;
    }
    if (!rule) {
      out.push({ file, line: edge.line, message: `${what}; ${from}/ is not a layer that docs/architecture.md names, so it has no import rule` });
      continue;
    }
    const allowed = rule.imports.includes(to) || (edge.typeOnly && (rule.typesFrom ?? []).includes(to));
    if (!allowed) {
      const hint = !edge.typeOnly && (rule.typesFrom ?? []).includes(to) ? ' (a type-only import, `import type`, would be allowed)' : '';
      out.push({ file, line: edge.line, message: `${what}; ${rule.says}${hint}` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Time and randomness

/** What must go through a Clock or sim/random.ts, and how to say so. */
const FORBIDDEN_GLOBALS: Readonly<Record<string, string>> = {
  setTimeout: 'a real timer; wait through a Clock (timer, sleep)',
  setInterval: 'a real timer; repeat through a Clock (every)',
};
const FORBIDDEN_MEMBERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Date: { now: 'reads the system clock; take the time from a Clock (now, epochMs)' },
  performance: { now: 'reads the system clock; take the time from a Clock (now)' },
  Math: { random: 'an unseeded random number; draw from sim/random.ts' },
  process: { hrtime: 'reads the system clock; take the time from a Clock (now)' },
};
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window']);
/** Modules whose only purpose is real timers: importing one is setting a timer by another name. */
const FORBIDDEN_MODULES: Readonly<Record<string, string>> = {
  'node:timers': 'real timers; wait through a Clock',
  'node:timers/promises': 'real timers; wait through a Clock',
  timers: 'real timers; wait through a Clock',
  'timers/promises': 'real timers; wait through a Clock',
};

/**
 * Where the system clock, real timers and unseeded randomness may be used: sim/, which builds the
 * clocks and the generator on them. bench/ may read `performance.now()`: it times the harness
 * itself from outside, in real time by definition, and drives nothing emulated; a timer or
 * Math.random there is still refused. Tests get no exception: a test that waits on real time is
 * slow and flaky, one that draws unseeded numbers cannot be replayed (use VirtualClock and
 * sim/random.ts).
 */
export function timeRuleExempt(file: string, what: string): boolean {
  const layer = layerOf(file);
  if (layer === 'sim') return true;
  return layer === 'bench' && what === 'performance.now';
}

const RULE = 'only sim/ may (docs/architecture.md, "Determinism")';

/** Uses of real time or unseeded randomness in one file, unless the file is exempt. */
export function timeViolations(file: string, source: string): Violation[] {
  const out: Violation[] = [];
  const flag = (at: Node, what: string, why: string): void => {
    if (!timeRuleExempt(file, what)) out.push({ file, line: lineAt(source, at.start), message: `${what}: ${why}; ${RULE}` });
  };
  const program = parse(file, source);
  walkTree(program, (node, parent) => {
    if (node.type === 'ImportDeclaration' || node.type === 'ImportExpression') {
      const spec = (node.source as Node | undefined)?.value;
      if (typeof spec === 'string' && FORBIDDEN_MODULES[spec]) flag(node, `import of ${spec}`, FORBIDDEN_MODULES[spec]);
      return;
    }
    if (node.type === 'MemberExpression' && !node.computed) {
      const object = node.object as Node;
      const property = (node.property as Node).name as string;
      const objectName = object.type === 'Identifier' ? (object.name as string) : undefined;
      if (objectName && GLOBAL_OBJECTS.has(objectName) && FORBIDDEN_GLOBALS[property]) {
        flag(node, `${objectName}.${property}`, FORBIDDEN_GLOBALS[property]);
      }
      if (objectName && FORBIDDEN_MEMBERS[objectName]?.[property]) {
        flag(node, `${objectName}.${property}`, FORBIDDEN_MEMBERS[objectName][property]);
      }
      return;
    }
    if (node.type === 'NewExpression') {
      const callee = node.callee as Node;
      if (callee.type === 'Identifier' && callee.name === 'Date' && (node.arguments as unknown[]).length === 0) {
        flag(node, 'new Date()', 'reads the system clock; take the time from a Clock (epochMs)');
      }
      return;
    }
    if (node.type === 'Identifier' && FORBIDDEN_GLOBALS[node.name as string] && isReference(node, parent)) {
      flag(node, node.name as string, FORBIDDEN_GLOBALS[node.name as string]!);
    }
  });
  return out;
}

/** Whether an identifier names a binding (a call, a value) rather than a property key or a type. */
function isReference(node: Node, parent: Node | undefined): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object === node || Boolean(parent.computed);
    case 'Property':
    case 'PropertyDefinition':
    case 'MethodDefinition':
    case 'TSPropertySignature':
    case 'TSMethodSignature':
      return parent.key !== node || Boolean(parent.computed);
    case 'TSTypeQuery':
    case 'TSQualifiedName':
    case 'ImportSpecifier':
    case 'ExportSpecifier':
      return false;
    default:
      return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Citations

/**
 * What a comment may not cite: the design notes and research folder the project was started
 * from live outside the repository, where a reader of the code cannot follow them.
 */
const OUTSIDE_CITATIONS: ReadonlyArray<[RegExp, string]> = [
  [/DESIGN\.md/, 'DESIGN.md'],
  [/\bresearch\/|\(research \d|\bresearch \d+\.\d/, 'the research notes'],
  [/\bshared\/|\.\.\/shared\b/, 'shared/'],
];

/** Comments that cite a file outside the repository; cite docs/architecture.md or OpenNebula's own sources instead. */
export function citationViolations(file: string, source: string): Violation[] {
  const out: Violation[] = [];
  for (const comment of parseWithComments(file, source).comments) {
    for (const [pattern, what] of OUTSIDE_CITATIONS) {
      const match = pattern.exec(comment.value);
      if (!match) continue;
      const line = lineAt(source, comment.start + 2 + match.index);
      out.push({ file, line, message: `a comment cites ${what}, outside the repository; cite docs/architecture.md, or OpenNebula's own source for a fact about OpenNebula` });
    }
  }
  return out;
}

/** Runs every check over every source file of the repository at `root`. */
export function houseRuleViolations(root: string): { layers: Violation[]; time: Violation[]; citations: Violation[] } {
  const layers: Violation[] = [];
  const time: Violation[] = [];
  const citations: Violation[] = [];
  for (const file of sourceFiles(root)) {
    const source = readSource(root, file);
    layers.push(...layerViolations(file, source));
    time.push(...timeViolations(file, source));
    if (file !== 'ci/house-rules.ts' && file !== 'ci/house-rules.test.ts') citations.push(...citationViolations(file, source));
  }
  return { layers, time, citations };
}

/** The repository this file sits in. */
export const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
