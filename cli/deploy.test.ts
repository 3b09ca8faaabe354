import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { listenAddress, shardSlice } from './farm.js';
import { main, type CliDeps } from './main.js';
import type { RunOverrides } from './options.js';
import { parseHostRange } from '../harness/farm-shard.js';
import { loadScenario, type ResolvedScenario } from '../harness/scenario.js';
import pkg from '../package.json' with { type: 'json' };

/**
 * The deployment files name images, commands, ports and flags that must exist: this test reads
 * every one of them (deploy/kubernetes/*.yaml, deploy/compose.yaml) and checks each against the
 * image the Dockerfile builds and the CLI's own options, so a renamed flag breaks here, not in a
 * user's cluster.
 */
const root = new URL('../', import.meta.url).pathname;
const IMAGE = `stampede:${pkg.version}`;

type Doc = Record<string, any>;
function docs(file: string): Doc[] {
  return parseAllDocuments(readFileSync(join(root, file), 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return d.toJS() as Doc;
  });
}
const kubeFiles = readdirSync(join(root, 'deploy/kubernetes')).filter((f) => f.endsWith('.yaml')).map((f) => `deploy/kubernetes/${f}`);
const kube = kubeFiles.flatMap(docs);
const compose = docs('deploy/compose.yaml')[0]!;

/** `stampede SUB --help`, through the real CLI. */
async function help(sub: string): Promise<string> {
  let out = '';
  const deps: CliDeps = { run: async () => Promise.reject(new Error('no run')), stdout: { isTTY: false, write: (s: string) => (out += s) }, stderr: { write: () => true } };
  expect(await main([sub, '--help'], deps), `stampede ${sub} is a command`).toBe(0);
  return out;
}

/** The scenario `stampede run ARGS` would run, read by the real CLI (no run happens). */
async function runScenario(args: string[]): Promise<ResolvedScenario> {
  let seen: RunOverrides | undefined;
  let err = '';
  const deps: CliDeps = {
    run: async (overrides) => {
      seen = overrides;
      throw new Error('stop: read only');
    },
    stdout: { isTTY: false, write: () => true },
    stderr: { write: (s: string) => (err += s) },
    checkOutDir: async () => undefined,
    clearReports: async () => undefined,
  };
  await main(args, deps).catch(() => 2);
  expect(seen, `stampede ${args.join(' ')} was refused: ${err}`).toBeDefined();
  const { scenarioFile, ...overrides } = seen!;
  return loadScenario(scenarioFile, overrides);
}

/** Every --flag in a command line is an option of that stampede command. */
async function checkFlags(argv: string[]): Promise<void> {
  expect(argv[0], `${argv.join(' ')} runs stampede`).toBe('stampede');
  const text = await help(argv[1]!);
  for (const flag of argv.slice(2).filter((a) => a.startsWith('--'))) expect(text, `stampede ${argv[1]} ${flag}`).toMatch(new RegExp(`${flag}\\b`));
}

const flag = (argv: string[], name: string): string => {
  const i = argv.indexOf(name);
  expect(i, `${argv.join(' ')} gives ${name}`).toBeGreaterThan(0);
  return argv[i + 1]!;
};

describe('deploy/kubernetes', () => {
  const service = kube.find((d) => d.kind === 'Service')!;
  const shards = kube.find((d) => d.kind === 'StatefulSet')!;
  const job = kube.find((d) => d.kind === 'Job')!;
  const farm = shards?.spec.template.spec.containers[0];
  const harness = job?.spec.template.spec.containers[0];
  const argvOf = (c: Doc): string[] => [...c.command, ...c.args];

  it('has the farm shards as a StatefulSet behind a headless Service, and the harness as a Job writing to a volume', () => {
    expect(service.spec.clusterIP).toBe('None');
    expect(shards.spec.serviceName).toBe(service.metadata.name);
    expect(shards.spec.selector.matchLabels).toEqual(service.spec.selector);
    const mount = harness.volumeMounts[0];
    const volume = job.spec.template.spec.volumes.find((v: Doc) => v.name === mount.name);
    expect(kube.find((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === volume.persistentVolumeClaim.claimName)).toBeDefined();
    expect(flag(argvOf(harness), '--out')).toBe(mount.mountPath);
  });

  it('names only the image the Dockerfile builds, and commands and flags the CLI has', async () => {
    for (const c of [farm, harness]) {
      expect(c.image).toBe(IMAGE);
      await checkFlags(argvOf(c));
    }
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toContain(`ARG VERSION=${pkg.version}`);
  });

  it('gives every pod a slice of the hosts, on the port the Service and the harness use, and the harness every pod', async () => {
    const argv = argvOf(farm);
    const replicas = shards.spec.replicas as number;
    const port = farm.ports.find((p: Doc) => p.name === 'farm').containerPort;
    expect(listenAddress(flag(argv, '--listen'))).toEqual({ host: '0.0.0.0', port });
    expect(service.spec.ports[0]).toMatchObject({ port, targetPort: 'farm' });
    expect(farm.readinessProbe.httpGet).toEqual({ path: '/shard', port: 'farm' });
    // --shard $(POD_INDEX)/N: the index from the pod's label, N the replicas
    const env = farm.env.find((e: Doc) => flag(argv, '--shard').startsWith(`$(${e.name})/`));
    expect(env.valueFrom.fieldRef.fieldPath).toBe("metadata.labels['apps.kubernetes.io/pod-index']");
    const all = parseHostRange(flag(argv, '--hosts'));
    const slices = Array.from({ length: replicas }, (_, i) => shardSlice(all, flag(argv, '--shard').replace(/^\$\(\w+\)/, String(i))));
    expect(slices.flat()).toEqual(all);

    const scenario = await runScenario(argvOf(harness).slice(1));
    expect(scenario.scenario.farm.shards).toEqual(Array.from({ length: replicas }, (_, i) => `http://${shards.metadata.name}-${i}.${service.metadata.name}:${port}`));
    expect(scenario.hosts.map((h) => h.name)).toEqual(all);
  });
});

describe('deploy/compose.yaml', () => {
  const services = compose.services as Record<string, Doc>;
  const farms = Object.entries(services).filter(([, s]) => s.command[1] === 'farm');

  it('runs the image the Dockerfile builds on the host network, with commands and flags the CLI has', async () => {
    for (const s of Object.values(services)) {
      expect(s.image).toBe(IMAGE);
      expect(s.network_mode).toBe('host');
      await checkFlags(s.command);
    }
  });

  it('lists every farm service in the run, on 127.0.0.1 at the ports they listen on and are health-checked at, each host on one shard', async () => {
    const listens = farms.map(([, s]) => listenAddress(flag(s.command, '--listen')));
    for (const [i, [, s]] of farms.entries()) expect(s.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${listens[i]!.port}/shard`);
    const harness = services['harness']!;
    expect(Object.keys(harness.depends_on).sort()).toEqual(farms.map(([name]) => name).sort());
    const scenario = await runScenario(harness.command.slice(1));
    expect(scenario.scenario.farm.shards).toEqual(listens.map((l) => `http://${l.host}:${l.port}`));
    const played = farms.flatMap(([, s]) => shardSlice(parseHostRange(flag(s.command, '--hosts')), flag(s.command, '--shard')));
    expect(played.sort()).toEqual(scenario.hosts.map((h) => h.name).sort());
  });
});
