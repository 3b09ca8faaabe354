import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { XmlRpcClient } from '../harness/xmlrpc-client.js';
import { main } from './main.js';
import { servingHarness } from './test-support/serving.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const harness = () => servingHarness('stack');

function authFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-stack-'));
  dirs.push(dir);
  const file = join(dir, 'one_auth');
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

describe('stampede stack', () => {
  it('serves the reference stack on 127.0.0.1 until SIGTERM, then ends with 0', async () => {
    const h = harness();
    const url = h.listening();
    const exit = main(['stack', '--port', '0', '--profile', 'opennebula-4.4'], h.deps);
    const client = new XmlRpcClient(await url);
    try {
      expect(await url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/RPC2$/);
      await expect(client.call('one.system.version', ['oneadmin:oneadmin'])).resolves.toEqual([true, '7.4.0', 0]);
      const [ok, config] = await client.call('one.system.config', ['oneadmin:oneadmin']);
      expect(ok).toBe(true);
      expect(config).toContain('<MAX_CONN><![CDATA[15]]></MAX_CONN>');
    } finally {
      await client.close();
      h.signals.emit('SIGTERM');
    }
    expect(await exit).toBe(0);
    expect(h.stdout()).toContain('the reference stack (profile opennebula-4.4) serves http://127.0.0.1:');
    expect(h.stdout()).toContain('stampede stack: stopped (SIGTERM)\n');
  });

  it('takes the session from --auth, and refuses every other session with 0x0100', async () => {
    const h = harness();
    const url = h.listening();
    const file = authFile('oneadmin:s3cret\n');
    const exit = main(['stack', '--port', '0', '--auth', file], h.deps);
    const client = new XmlRpcClient(await url);
    try {
      await expect(client.call('one.system.version', ['oneadmin:s3cret'])).resolves.toEqual([true, '7.4.0', 0]);
      expect((await client.call('one.system.version', ['oneadmin:oneadmin']))[2]).toBe(0x0100);
    } finally {
      await client.close();
      h.signals.emit('SIGINT');
    }
    expect(await exit).toBe(0);
    expect(h.stdout()).not.toContain('s3cret');
  });

  it('refuses another listen address without --auth, and an auth file for another user, in one sentence (exit 2)', async () => {
    const h = harness();
    expect(await main(['stack', '--port', '0', '--listen', '0.0.0.0'], h.deps)).toBe(2);
    expect(h.stderr()).toBe('stampede stack: listening on 0.0.0.0 needs --auth FILE: the default session oneadmin:oneadmin is for 127.0.0.1 only\n');
    const other = harness();
    const file = authFile('serveradmin:pw');
    expect(await main(['stack', '--port', '0', '--auth', file], other.deps)).toBe(2);
    expect(other.stderr()).toBe(`stampede stack: --auth ${file} must name the user oneadmin, the account the stack's scheduler calls as\n`);
  });
});
