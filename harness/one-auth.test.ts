import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { oneEnvironment, readAuthFile } from './one-auth.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function auth(content: string): string {
  dir = mkdtempSync(join(tmpdir(), 'stampede-auth-'));
  const file = join(dir, 'one_auth');
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

describe('ONE_XMLRPC and ONE_AUTH', () => {
  it('reads the session from the file ONE_AUTH names, the endpoint from ONE_XMLRPC', () => {
    const file = auth('\nserveradmin:s3cr:et\n');
    expect(oneEnvironment({ ONE_AUTH: file, ONE_XMLRPC: 'http://127.0.0.1:2634/RPC2' }, '/nonexistent')).toEqual({
      url: 'http://127.0.0.1:2634/RPC2',
      auth: { user: 'serveradmin', password: 's3cr:et', session: 'serveradmin:s3cr:et' },
    });
  });

  it("defaults as OpenNebula's CLI does: localhost:2633 and ~/.one/one_auth", () => {
    const file = auth('oneadmin:pw');
    const home = join(file, '..', 'home');
    expect(() => oneEnvironment({}, home)).toThrow(`the auth file ${join(home, '.one', 'one_auth')} (the default when ONE_AUTH is unset) cannot be read (no such file)`);
    expect(oneEnvironment({ ONE_AUTH: file }, home).url).toBe('http://localhost:2633/RPC2');
  });

  it('refuses a file without user:password and never quotes what it holds', () => {
    for (const content of ['justapassword', ':pw', 'user:', '']) {
      const file = auth(content);
      const error = (() => {
        try {
          readAuthFile(file);
        } catch (e) {
          return e as Error;
        }
        throw new Error('expected a refusal');
      })();
      expect(error.message).toBe(`the auth file ${file} does not hold a session of the form user:password on its first line`);
      rmSync(dir, { recursive: true, force: true });
    }
    dir = mkdtempSync(join(tmpdir(), 'stampede-auth-'));
  });

  it('refuses an ONE_XMLRPC that is no http URL', () => {
    const file = auth('oneadmin:pw');
    expect(() => oneEnvironment({ ONE_AUTH: file, ONE_XMLRPC: 'localhost:2633' })).toThrow('ONE_XMLRPC "localhost:2633" is not an http or https URL');
  });
});
