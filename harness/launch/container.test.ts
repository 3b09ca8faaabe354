import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { STAGES } from '../stages.js';
import { UserError } from '../errors.js';
import { stageAgreement } from '../test-support/stage-agreement.js';
import { wallClock } from '../wall-clock.js';
import { run } from '../run.js';
import { resolveScenario } from '../scenario.js';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { buildImage, CONTAINER_LABEL, CONTAINER_LOG, CONTAINER_OWNER_LABEL, contextTag, pruneImages, testcontainers } from './container.js';

/**
 * Why the container suite cannot run here, or undefined when it can: an engine must answer, and
 * the Dockerfile's base must be on it (STAMPEDE_IMAGE_BASE, the official node:22-slim, or the
 * offline base ci/offline-base-image.sh builds). ci/setup-docker.sh provides both in CI.
 */
async function unavailable(): Promise<{ reason: string } | { base: string | undefined }> {
  const tc = await testcontainers();
  let client;
  try {
    client = await tc.getContainerRuntimeClient();
  } catch {
    return { reason: 'no Docker engine answers (ci/setup-docker.sh starts one)' };
  }
  const wanted = process.env['STAMPEDE_IMAGE_BASE']?.trim();
  const offline = `stampede-base:bookworm-node${process.versions.node.split('.')[0]}`;
  for (const base of wanted ? [wanted] : ['node:22-slim', offline]) {
    if (await client.image.exists(tc.ImageName.fromString(base))) return { base: base === 'node:22-slim' ? undefined : base };
  }
  return { reason: `the engine has no base image ${wanted ?? `node:22-slim or ${offline}`} (ci/offline-base-image.sh builds one)` };
}

const probe = await unavailable();
const skip = 'reason' in probe ? probe.reason : undefined;
const base = 'base' in probe ? probe.base : undefined;
if (skip) console.log(`launch mode container: skipped: ${skip}`);
else if (process.env['STAMPEDE_CONTAINER_PARITY'] === '0') console.log('launch mode container: the 64-VM parity with process mode skipped: STAMPEDE_CONTAINER_PARITY=0');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
// testcontainers takes a file lock in the temporary directory (its reaper's, even when disabled)
afterAll(() => {
  for (const name of readdirSync(tmpdir())) if (/^testcontainers-node-.*\.lock$/.test(name)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'stampede-container-'));
  dirs.push(d);
  return d;
};

/** Containers this process's runs left on the engine: none once a run has ended, whichever way (other test runs may share the engine). */
async function leftContainers(): Promise<number> {
  const tc = await testcontainers();
  const client = await tc.getContainerRuntimeClient();
  const list = await client.container.list();
  return list.filter((c) => c.Labels?.[CONTAINER_LABEL] === 'stack' && c.Labels?.[CONTAINER_OWNER_LABEL] === String(process.pid)).length;
}

const checkout = new URL('../../', import.meta.url).pathname;

describe.skipIf(skip !== undefined)('launch mode container', () => {
  it('builds the image once per source: its tag is a hash of the build context, and `stampede stack --help` runs in it', async () => {
    const tag = await buildImage(checkout, base);
    expect(tag).toBe(contextTag(checkout, base));
    expect(contextTag(checkout, 'another-base:1')).not.toBe(tag);
    const tc = await testcontainers();
    const started = await new tc.GenericContainer(tag)
      .withNetworkMode('host')
      .withCommand(['stampede', 'stack', '--help'])
      .withWaitStrategy(tc.Wait.forOneShotStartup())
      .start();
    const output = await new Promise<string>((done) => {
      let text = '';
      void started.logs().then((s) => s.on('data', (d: Buffer) => (text += d.toString())).on('end', () => done(text)));
    });
    await started.stop();
    expect(output).toContain('Usage: stampede stack [options]');
    expect(output).toContain('--farm <url>');
  }, 1_200_000);

  it('prunes its own older images after a build: keeps the current and the newest, leaves other repositories alone', () => {
    const repo = `stampede-prune-test-${process.pid}`;
    const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
    const images = () => docker('image', 'ls', repo, '--format', '{{.Repository}}:{{.Tag}}').stdout.split('\n').filter(Boolean).sort();
    const context = tempDir();
    try {
      for (const tag of ['a', 'b', 'c']) {
        // distinct labels: three images, not one image tagged three times
        writeFileSync(join(context, 'Dockerfile'), `FROM scratch\nLABEL ${CONTAINER_LABEL}=image dev.stampede.test=${tag}\n`);
        expect(docker('build', '-q', '-t', `${repo}:${tag}`, context).status).toBe(0);
      }
      writeFileSync(join(context, 'Dockerfile'), `FROM scratch\nLABEL dev.stampede.test=unlabelled\n`);
      expect(docker('build', '-q', '-t', `${repo}:not-ours`, context).status).toBe(0);
      const { removed } = pruneImages(`${repo}:a`, 2);
      expect(removed).toHaveLength(1);
      const left = images();
      expect(left).toHaveLength(3);
      expect(left).toContain(`${repo}:a`);
      expect(left).toContain(`${repo}:not-ours`);
      expect(left).not.toContain(removed[0]);
    } finally {
      for (const name of images()) docker('image', 'rm', '-f', name);
    }
  });

  // Both runs' bounds count what the harness and the stack's own process lost (a loaded machine's
  // lateness); STAMPEDE_CONTAINER_PARITY=0 leaves it out (two minutes of a quiet machine).
  it.skipIf(process.env['STAMPEDE_CONTAINER_PARITY'] === '0')('runs 64 VMs with the stack in the container, every stage observed, stage means within the reported lag of process mode (and a scheduling cycle\'s phase)', async () => {
    const scenario = (launch: unknown) =>
      resolveScenario({ launch, clock: 'scaled:2', hosts: { count: 8 }, vms: { count: 64 }, seed: 3, budgets: { failed: '== 0' } });
    const out = tempDir();
    const inContainer = await run(scenario({ mode: 'container', ...(base ? { base } : {}) }), { out });
    const inProcess = await run(scenario('process'));
    expect(await leftContainers()).toBe(0);
    for (const r of [inContainer, inProcess]) {
      expect(r.vms).toMatchObject({ requested: 64, up: 64, failed: 0 });
      for (const stage of STAGES) expect(r.stages[stage].count, stage).toBe(64);
    }
    // the container's log is in the report
    expect(readFileSync(join(out, CONTAINER_LOG), 'utf8')).toMatch(/stampede stack: the reference stack \(profile optimized\) serves http:\/\/127\.0\.0\.1:\d+\/RPC2/);
    const rows = stageAgreement(inContainer, inProcess, scenario('process').profile.scheduler.SCHED_INTERVAL);
    console.log(`container (a) vs process (b), 64 VMs on 8 hosts at scaled:2 (emulated s): ${JSON.stringify(rows)}`);
    for (const row of rows) expect(row.difference, row.stage).toBeLessThanOrEqual(row.allowed);
  }, 1_800_000);

  it('saves the log of a stack that does not start into the report, says so in one sentence, and removes the container', async () => {
    const out = tempDir();
    const resolved = resolveScenario({
      launch: { mode: 'container', ...(base ? { base } : {}), command: ['stampede', 'stack', '--profile', 'no-such-profile'] },
      clock: 'scaled:20',
      vms: { count: 1 },
    });
    const failed = run(resolved, { out });
    await expect(failed).rejects.toThrow(UserError);
    await expect(failed).rejects.toThrow(/^launch mode container: the stack in stampede:src-\w+ did not answer XML-RPC .*the container exited with code 2.*no-such-profile/);
    expect(readFileSync(join(out, CONTAINER_LOG), 'utf8')).toContain('no-such-profile');
    expect(await leftContainers()).toBe(0);
  }, 1_200_000);

  it('ends an interrupted run as at its deadline and removes the container', async () => {
    const abort = new AbortController();
    const resolved = resolveScenario({ launch: { mode: 'container', ...(base ? { base } : {}) }, clock: 'scaled:5', hosts: { count: 2 }, vms: { count: 16 } });
    const result = await run(resolved, {
      signal: abort.signal,
      watch: (probe) => {
        const look = wallClock().every(100, () => {
          if (probe().counts.up > 0) {
            look.cancel();
            abort.abort('SIGINT');
          }
        });
      },
    });
    expect(result.interrupted).toEqual({ signal: 'SIGINT' });
    expect(await leftContainers()).toBe(0);
  }, 1_200_000);
});

describe('launch mode container, refusals', () => {
  it('is refused on the virtual clock, and asks for the port of a user image', async () => {
    await expect(run(resolveScenario({ launch: 'container', vms: { count: 1 } }))).rejects.toThrow(
      'launch mode container cannot run on the virtual clock (it takes scaled)',
    );
    await expect(run(resolveScenario({ launch: { mode: 'container', image: 'my/opennebula:7' }, clock: 'scaled:5', vms: { count: 1 } }))).rejects.toThrow(
      "launch mode container: with launch.image, give launch.port, the XML-RPC port your image's stack listens on",
    );
  });
});
