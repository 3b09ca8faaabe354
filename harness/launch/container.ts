import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StartedTestContainer, WaitStrategy } from 'testcontainers';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { serveFarm } from '../farm-server.js';
import { readStackLostTime } from '../remote-clock.js';
import { wallClock } from '../wall-clock.js';
import { XmlRpcClient } from '../xmlrpc-client.js';
import { stackArguments } from './process.js';
import type { LaunchMode } from './types.js';

/** Real seconds the stack in the container gets to answer XML-RPC (it starts its drivers first). */
const DEFAULT_START_TIMEOUT_S = 300;
/** The container's log kept for the report: its last this many bytes. */
const LOG_KEEP = 1 << 20;
/** The file in the report directory the container's log goes to. */
export const CONTAINER_LOG = 'container.log';
/** The label every container of this mode carries (CI removes any a killed run left: ci/setup-docker.sh). */
export const CONTAINER_LABEL = 'dev.stampede.launch';
/** The label naming the process that started a container (its pid). */
export const CONTAINER_OWNER_LABEL = 'dev.stampede.owner';

export const ContainerOptionsSchema = z.strictObject({
  /** an image to run; default: the image built from the Dockerfile in `context` */
  image: z.string().min(1).optional(),
  /** the directory holding the Dockerfile; default: this stampede's checkout */
  context: z.string().min(1).optional(),
  /** the Dockerfile's BASE build argument; default: STAMPEDE_IMAGE_BASE, else the Dockerfile's own (node:22-slim) */
  base: z.string().min(1).optional(),
  /**
   * The container's command; default `stampede stack ...` (the reference stack, drivers
   * inside). With a user's image, what starts its oned (or the image's own command when absent).
   */
  command: z.array(z.string().min(1)).min(1).optional(),
  /** the XML-RPC port the stack listens on (host network, 127.0.0.1); 0: a free one, passed as --port */
  port: z.int().min(0).max(65_535).default(0),
  /** files or directories mounted in, e.g. an oned.conf that names `stampede driver` as its MADs */
  mounts: z.array(z.strictObject({ source: z.string().min(1), target: z.string().min(1), readOnly: z.boolean().default(true) })).default([]),
  /** environment of the container; STAMPEDE_FARM (the farm's URL, for `stampede driver`) is always set */
  env: z.record(z.string(), z.string()).default({}),
  /** `user:password` for every call */
  session: z.string().regex(/^[^:\s]+:.+$/, 'user:password').default('oneadmin:oneadmin'),
  /** real seconds to wait for the XML-RPC API to answer */
  startTimeoutS: z.number().positive().default(DEFAULT_START_TIMEOUT_S),
});
export type ContainerOptions = z.infer<typeof ContainerOptionsSchema>;

/** This checkout's root, where the Dockerfile is (absent from an installed package). */
const checkout = (): string => fileURLToPath(new URL(existsSync(fileURLToPath(new URL('../../Dockerfile', import.meta.url))) ? '../../' : '../../../', import.meta.url));

/**
 * The tag of the image built from `context`: named by a hash of every file the build can read (the
 * Dockerfile, .dockerignore and whatever it lets in, a superset of what the build copies) and the
 * base, so an image built once serves every run and test until a source changes, and a stale one
 * is never used.
 */
export function contextTag(context: string, base: string | undefined): string {
  const hash = createHash('sha256');
  hash.update(`base=${base ?? ''}\n`);
  const ignore = readFileSync(join(context, '.dockerignore'), 'utf8');
  const entries = ['Dockerfile', '.dockerignore', ...ignore.split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''))];
  const walk = (rel: string): void => {
    const abs = join(context, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (name !== 'node_modules') walk(join(rel, name));
      return;
    }
    hash.update(`${rel}\n`);
    hash.update(readFileSync(abs));
  };
  for (const e of entries.sort()) walk(e);
  return `stampede:src-${hash.digest('hex').slice(0, 16)}`;
}

/** A port free on 127.0.0.1 now (the stack in the container will listen on it). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

type Testcontainers = typeof import('testcontainers');
let loaded: Promise<Testcontainers> | undefined;
/** testcontainers on first use: the other modes never pay for loading it. */
export function testcontainers(): Promise<Testcontainers> {
  // the reaper's image needs a registry; this mode removes its containers itself
  process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  // every container of this mode is on the host network: the engine's host is this one, which
  // testcontainers would otherwise look up through the bridge network (an engine may have none)
  process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
  return (loaded ??= import('testcontainers'));
}

/** A Docker engine to talk to, or one sentence saying there is none. */
async function engine(tc: Testcontainers): Promise<Awaited<ReturnType<Testcontainers['getContainerRuntimeClient']>>> {
  try {
    return await tc.getContainerRuntimeClient();
  } catch (error) {
    const why = (error as Error).message.split('\n')[0];
    throw new UserError(`launch mode container needs a Docker engine, and none answered (${why}); start dockerd or set DOCKER_HOST`);
  }
}

/** The image built from the Dockerfile in `context` (host network: the build's npm ci needs no bridge), once per source. */
export async function buildImage(context: string, base: string | undefined): Promise<string> {
  if (!existsSync(join(context, 'Dockerfile'))) {
    throw new UserError(`launch mode container: no Dockerfile in ${context}; name an image with launch.image or a directory with launch.context`);
  }
  const tc = await testcontainers();
  const client = await engine(tc);
  const tag = contextTag(context, base);
  if (await client.image.exists(tc.ImageName.fromString(tag))) return tag;
  await client.image.build(context, {
    t: tag,
    dockerfile: 'Dockerfile',
    networkmode: 'host',
    labels: { [CONTAINER_LABEL]: 'image' },
    ...(base === undefined ? {} : { buildargs: { BASE: base } }),
  } as never);
  if (!(await client.image.exists(tc.ImageName.fromString(tag)))) {
    throw new UserError(
      `launch mode container: the image did not build from ${context}; \`docker build --network host${base ? ` --build-arg BASE=${base}` : ''} ${context}\` shows why`,
    );
  }
  pruneImages(tag);
  return tag;
}

/** Images built from this project's Dockerfile kept on the engine: the newest, for runs of recent sources. */
export const KEPT_IMAGES = 4;

/**
 * Each source change builds an image of 300 MB; left alone they fill the engine's disk. After a
 * build: our images (by label, in `current`'s repository) beyond the newest KEPT_IMAGES are
 * removed, never `current` and never one a container uses (no force: the engine refuses those).
 * The build stages' leftovers (labelled in the Dockerfile) stay: they are the next build's cache,
 * and another build on the same engine may be using them at that moment; `docker image prune
 * --filter label=dev.stampede.launch=stage` removes them. Best effort through the docker CLI:
 * pruning never fails a run.
 */
export function pruneImages(current: string, keep = KEPT_IMAGES): { removed: string[] } {
  const docker = (...args: string[]): string | undefined => {
    const out = spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
    return out.status === 0 ? out.stdout : undefined;
  };
  // newest first, as the engine lists them
  const repository = current.slice(0, current.lastIndexOf(':'));
  const ours = (docker('image', 'ls', repository, '--filter', `label=${CONTAINER_LABEL}=image`, '--format', '{{.Repository}}:{{.Tag}}') ?? '')
    .split('\n')
    .filter((name) => name.length > 0 && !name.endsWith(':<none>'));
  const kept = [current, ...ours.filter((name) => name !== current)].slice(0, keep);
  const removed = ours.filter((name) => !kept.includes(name) && docker('image', 'rm', name) !== undefined);
  return { removed };
}

/**
 * The stack in a container started by testcontainers (docs/architecture.md, "Seams"): by default
 * the reference stack from this project's image (`stampede stack`, its MAD drivers inside the
 * container), or a user's image, e.g. their OpenNebula with an oned.conf mounted in that names
 * `stampede driver` as its MADs. Host networking keeps every packet on 127.0.0.1: the stack
 * serves XML-RPC there and its drivers reach the host farm, served here over HTTP, at the URL in
 * STAMPEDE_FARM. The run waits on the XML-RPC port; the container's log goes into the report
 * (`container.log`), and the container is removed on every way out: the run's end, its failure,
 * Ctrl-C, and the harness's exit.
 */
export const containerMode: LaunchMode<ContainerOptions> = {
  name: 'container',
  description: 'the stack in a container (this project\'s image or yours) started by testcontainers, host network, the host farm over HTTP on 127.0.0.1',
  clocks: ['scaled'],
  options: ContainerOptionsSchema,
  async start({ resolved, farm, out }, options) {
    if (resolved.clock.kind !== 'scaled') throw new UserError('launch mode container runs on the scaled clock (--clock scaled:FACTOR)');
    const own = options.image === undefined;
    if (!own && options.port === 0) {
      throw new UserError('launch mode container: with launch.image, give launch.port, the XML-RPC port your image\'s stack listens on');
    }
    const tc = await testcontainers();
    await engine(tc);
    const base = options.base ?? (process.env['STAMPEDE_IMAGE_BASE']?.trim() || undefined);
    const image = options.image ?? (await buildImage(resolve(options.context ?? checkout()), base));
    const port = options.port === 0 ? await freePort() : options.port;
    const server = await serveFarm({ launcher: farm });
    const command = options.command ?? (own ? ['stampede', ...stackArguments(resolved, port, server.url)] : undefined);
    const url = `http://127.0.0.1:${port}/RPC2`;

    let log = '';
    let container: StartedTestContainer | undefined;
    const removeOnExit = (): void => {
      // the process is going (a second Ctrl-C): nothing asynchronous runs any more
      if (container) spawnSync('docker', ['rm', '-f', container.getId()], { stdio: 'ignore' });
    };
    process.once('exit', removeOnExit);
    const saveLog = async (): Promise<void> => {
      if (out !== undefined) await writeFile(join(out, CONTAINER_LOG), log).catch(() => {});
    };
    const stop = async (): Promise<void> => {
      try {
        await container?.stop({ timeout: 10_000, remove: true });
      } finally {
        process.off('exit', removeOnExit);
        await saveLog();
        await server.close();
      }
    };

    const definition = new tc.GenericContainer(image)
      .withNetworkMode('host')
      // the harness's pid too: a test counts the containers its own runs left, not another process's
      .withLabels({ [CONTAINER_LABEL]: 'stack', [CONTAINER_OWNER_LABEL]: String(process.pid) })
      .withEnvironment({ ...options.env, STAMPEDE_FARM: server.url, STAMPEDE_HEALTH_PORT: String(port) })
      .withBindMounts(options.mounts.map((m) => ({ source: resolve(m.source), target: m.target, mode: m.readOnly ? ('ro' as const) : ('rw' as const) })))
      .withWaitStrategy(new XmlRpcWait(url, options.session))
      .withStartupTimeout(options.startTimeoutS * 1000)
      .withLogConsumer((stream) => stream.on('data', (d: Buffer | string) => (log = (log + d.toString()).slice(-LOG_KEEP))));
    if (command) definition.withCommand(command);
    try {
      container = await definition.start();
    } catch (error) {
      await stop();
      const last = log.trim().split('\n').slice(-3).join(' | ');
      throw new UserError(
        `launch mode container: the stack in ${image} did not answer XML-RPC at ${url} (${(error as Error).message.split('\n')[0]})` +
          `${last ? `; its log ends: ${last}` : ''}${out === undefined ? '' : `; the whole log is in ${join(out, CONTAINER_LOG)}`}`,
      );
    }
    const client = new XmlRpcClient(url);
    return {
      endpoint: client,
      session: options.session,
      // this project's image serves its stack's clock; a user's stack answers nothing there
      lostTime: (runClock) => readStackLostTime(url, runClock),
      async stop() {
        server.retire();
        await client.close();
        await stop();
      },
    };
  },
};

/**
 * testcontainers' wait strategy for an XML-RPC API: ready when one.system.version answers (a
 * refusal of the session counts: the API is up), polled every half second until the startup
 * timeout; a container that exits meanwhile ends the wait at once.
 */
class XmlRpcWait implements WaitStrategy {
  private startupTimeoutMs = DEFAULT_START_TIMEOUT_S * 1000;
  private timeoutSet = false;

  constructor(
    private readonly url: string,
    private readonly session: string,
  ) {}

  withStartupTimeout(ms: number): this {
    this.startupTimeoutMs = ms;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }

  async waitUntilReady(container: Parameters<WaitStrategy['waitUntilReady']>[0]): Promise<void> {
    const clock = wallClock();
    const until = clock.now() + this.startupTimeoutMs;
    const client = new XmlRpcClient(this.url);
    try {
      for (;;) {
        try {
          await client.call('one.system.version', [this.session]);
          return;
        } catch {
          const { State } = await container.inspect();
          if (!State.Running) throw new Error(`the container exited with code ${State.ExitCode}`);
          if (clock.now() > until) throw new Error(`no answer within ${this.startupTimeoutMs / 1000} s`);
          await clock.sleep(500);
        }
      }
    } finally {
      await client.close();
    }
  }
}
