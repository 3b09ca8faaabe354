/**
 * Reaching a stack as OpenNebula's own tools do (docs/architecture.md, "The XML-RPC wire"): the
 * endpoint from `ONE_XMLRPC` (default http://localhost:2633/RPC2), the session `user:password`
 * from the file `ONE_AUTH` names (default ~/.one/one_auth). The session is a secret: it is
 * read, never printed, never written, and no error message quotes the file's content.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from './errors.js';
import { parseEndpointUrl } from './xmlrpc-client.js';

export const DEFAULT_ONE_XMLRPC = 'http://localhost:2633/RPC2';

export interface OneAuth {
  user: string;
  password: string;
  /** `user:password`, the first parameter of every call */
  session: string;
}

/** Reads a one_auth file: its first non-empty line, `user:password` (split at the first ':'). */
export function readAuthFile(path: string, what = `the auth file ${path}`): OneAuth {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${what} cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')})`);
  }
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  const colon = line.indexOf(':');
  if (colon <= 0 || colon === line.length - 1) throw new UserError(`${what} does not hold a session of the form user:password on its first line`);
  return { user: line.slice(0, colon), password: line.slice(colon + 1), session: line };
}

export interface OneEnvironment {
  url: string;
  auth: OneAuth;
}

/** The endpoint and session OpenNebula's CLI would use in this environment. */
export function oneEnvironment(env: NodeJS.ProcessEnv = process.env, home = homedir()): OneEnvironment {
  const url = env.ONE_XMLRPC?.trim() || DEFAULT_ONE_XMLRPC;
  parseEndpointUrl(url, 'ONE_XMLRPC');
  const file = env.ONE_AUTH?.trim() || join(home, '.one', 'one_auth');
  const what = env.ONE_AUTH?.trim() ? `the auth file ${file} (ONE_AUTH)` : `the auth file ${file} (the default when ONE_AUTH is unset)`;
  return { url, auth: readAuthFile(file, what) };
}
