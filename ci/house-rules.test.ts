import { describe, expect, it } from 'vitest';
import {
  citationViolations,
  formatViolation,
  houseRuleViolations,
  importsOf,
  layerViolations,
  REPO_ROOT,
  sourceFiles,
  timeViolations,
} from './house-rules.js';

describe('the house rules, over the whole tree', () => {
  const found = houseRuleViolations(REPO_ROOT);

  it('reads the sources of every layer, tests included', () => {
    const files = sourceFiles(REPO_ROOT);
    for (const layer of ['sim', 'opennebula', 'adapters', 'stack', 'harness', 'reports', 'suites', 'cli']) {
      expect(files.some((f) => f.startsWith(`${layer}/`) && !f.endsWith('.test.ts')), layer).toBe(true);
      expect(files.some((f) => f.startsWith(`${layer}/`) && f.endsWith('.test.ts')), `${layer} tests`).toBe(true);
    }
  });

  it('no import crosses a layer the wrong way', () => {
    expect(found.layers.map(formatViolation).join('\n')).toBe('');
  });

  it('nothing outside sim/ sets a real timer, reads the system clock or draws an unseeded number', () => {
    expect(found.time.map(formatViolation).join('\n')).toBe('');
  });

  it('no comment cites a file outside the repository', () => {
    expect(found.citations.map(formatViolation).join('\n')).toBe('');
  });
});

describe('citationViolations', () => {
  it('names the comments that cite what a reader of the repository cannot open', () => {
    const source = ['/**', ' * The stages (DESIGN.md, "Stages").', ' */', '// as one_tm does (research 5.5)', "const s = 'DESIGN.md in a string is not a comment';", '// docs/architecture.md, "Layers"'].join('\n');
    expect(citationViolations('harness/x.ts', source).map(formatViolation)).toEqual([
      "harness/x.ts:2: a comment cites DESIGN.md, outside the repository; cite docs/architecture.md, or OpenNebula's own source for a fact about OpenNebula",
      "harness/x.ts:4: a comment cites the research notes, outside the repository; cite docs/architecture.md, or OpenNebula's own source for a fact about OpenNebula",
    ]);
  });
});

describe('importsOf', () => {
  it('finds static, type-only, re-exported, dynamic, require and type-position imports with their lines', () => {
    const source = [
      "import type { A } from './a.js';",
      "import { type B, C } from './b.js';",
      "export * from './c.js';",
      "export type { D } from './d.js';",
      "const m = await import('./e.js');",
      "type T = import('./f.js').T;",
      "import g = require('./g.js');",
      "const h = require(`./h.js`);",
      "import 'node:fs';",
      '// import { x } from "./comment.js"',
      "const s = \"import('./string.js')\";",
    ].join('\n');
    expect(importsOf('x/y.ts', source).map((e) => [e.specifier, e.line, e.typeOnly, e.kind])).toEqual([
      ['./a.js', 1, true, 'static'],
      ['./b.js', 2, false, 'static'],
      ['./c.js', 3, false, 'static'],
      ['./d.js', 4, true, 'static'],
      ['./e.js', 5, false, 'dynamic'],
      ['./f.js', 6, true, 'static'],
      ['./g.js', 7, false, 'require'],
      ['./h.js', 8, false, 'require'],
      ['node:fs', 9, false, 'static'],
    ]);
  });
});

describe('layerViolations', () => {
  const check = (file: string, line: string): string[] => layerViolations(file, line).map(formatViolation);

  it('keeps sim/ and opennebula/ free of the rest of the tree', () => {
    expect(check('sim/x.ts', "import { run } from '../harness/run.js';")).toEqual([
      'sim/x.ts:1: imports harness/run.ts; sim/ imports nothing of ours',
    ]);
    expect(check('opennebula/x.test.ts', "import type { Clock } from '../sim/clock.js';")).toEqual([
      'opennebula/x.test.ts:1: imports types from sim/clock.ts; opennebula/ imports nothing of ours',
    ]);
    expect(check('sim/x.ts', "import { Sample } from './stats.js'; import { z } from 'zod';")).toEqual([]);
  });

  it('keeps the stack from the farm and the harness', () => {
    expect(check('stack/x.ts', "import { HostFarm } from '../adapters/host-farm.js';")).toEqual([
      'stack/x.ts:1: imports adapters/host-farm.ts; stack/ imports only sim/ and opennebula/, never adapters/ or harness/',
    ]);
    expect(check('stack/deep/x.ts', "import type { Clock } from '../../sim/clock.js';")).toEqual([]);
  });

  it('lets reports/ take harness types and nothing else', () => {
    expect(check('reports/x.ts', "import type { Result } from '../harness/result.js';")).toEqual([]);
    expect(check('reports/x.ts', "import { type Result } from '../harness/result.js';")).toEqual([
      'reports/x.ts:1: imports harness/result.ts; reports/ imports harness/ types only (import type), nothing else of ours (a type-only import, `import type`, would be allowed)',
    ]);
    expect(check('reports/x.ts', "import type { Clock } from '../sim/clock.js';")).toHaveLength(1);
  });

  it('lets nothing import cli/, dynamically or not', () => {
    expect(check('harness/x.ts', "const cli = await import('../cli/main.js');")).toEqual([
      'harness/x.ts:1: dynamically imports cli/main.ts; nothing imports cli/ but cli/ itself',
    ]);
    expect(check('suites/x.test.ts', "import type { Options } from '../cli/main.js';")).toHaveLength(1);
    expect(check('cli/x.test.ts', "import { main } from './main.js';")).toEqual([]);
  });

  it('holds tests to the rule of the layer they sit in', () => {
    expect(check('harness/x.test.ts', "import { resultJson } from '../reports/json.js';")).toEqual([
      'harness/x.test.ts:1: imports reports/json.ts; harness/ imports sim/, opennebula/, adapters/ and stack/, never reports/ or cli/',
    ]);
    expect(check('suites/pr/x.test.ts', "import { runSuite } from '../support/run-suite.js';")).toEqual([]);
  });
});

describe('timeViolations', () => {
  const check = (file: string, source: string): string[] => timeViolations(file, source).map(formatViolation);

  it('names each use of real time or unseeded randomness outside sim/, with its line', () => {
    const source = [
      'setTimeout(() => {}, 10);',
      'const t = Date.now();',
      "import { performance } from 'node:perf_hooks';",
      'const p = performance.now();',
      'const r = Math.random();',
      'globalThis.setInterval(() => {}, 5);',
      "import { setTimeout as sleep } from 'node:timers/promises';",
      'const d = new Date();',
    ].join('\n');
    const found = check('harness/x.ts', source);
    expect(found.map((v) => v.slice(0, v.indexOf(':', 'harness/x.ts:'.length)))).toEqual([
      'harness/x.ts:1',
      'harness/x.ts:2',
      'harness/x.ts:4',
      'harness/x.ts:5',
      'harness/x.ts:6',
      'harness/x.ts:7',
      'harness/x.ts:8',
    ]);
    expect(found[0]).toBe(
      'harness/x.ts:1: setTimeout: a real timer; wait through a Clock (timer, sleep); only sim/ may (docs/architecture.md, "Determinism")',
    );
  });

  it('reads code, not words: keys, type queries, comments and strings are not uses', () => {
    const source = [
      '// setTimeout and Date.now() are named here only',
      "const s = 'Math.random()';",
      'const o = { setTimeout: 1 };',
      'const f = clock.setTimeout;',
      'type H = ReturnType<typeof setTimeout>;',
      'interface I { setInterval(): void }',
      'const d = new Date(0);',
    ].join('\n');
    expect(check('stack/x.ts', source)).toEqual([]);
  });

  it('allows sim/ everything, bench/ only performance.now(), and tests nothing', () => {
    expect(check('sim/x.ts', 'setTimeout(() => {}, Date.now() * Math.random());')).toEqual([]);
    expect(check('bench/x.ts', 'const t = performance.now();')).toEqual([]);
    expect(check('bench/x.ts', 'const r = Math.random();')).toHaveLength(1);
    expect(check('harness/x.test.ts', 'await new Promise((r) => setTimeout(r, 5));')).toHaveLength(1);
  });
});
