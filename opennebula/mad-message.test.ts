import { describe, expect, it } from 'vitest';
import { failure, success } from './driver.js';
import {
  FINALIZE_LINE,
  INIT_LINE,
  INIT_SUCCESS_LINE,
  MadProtocolError,
  formatLog,
  formatReply,
  formatRequest,
  parseDriverLine,
  parseOnedLine,
} from './mad-message.js';

// Lines as oned 7.5.80 and its drivers wrote them (captured on a head node running the dummy drivers), byte for byte;
// the DEPLOY payload is cut after 120 base64 characters.
const deploy0 = 'DEPLOY  0 PFZNTV9EUklWRVJfQUNUSU9OX0RBVEE+PEhPU1Q+ZHVtbXlob3N0MDwvSE9TVD48TUlHUl9IT1NULz48REVQTE9ZX0lELz48TE9DQUxfREVQTE9ZTUVOVF9GSUxFPi92YXIvbGliL29uZS92bXMvMC9';
const onedLines = {
  transferProlog: 'TRANSFER  0 /var/lib/one/vms/0/transfer.0.prolog',
  transferEpilog: 'TRANSFER  1 /var/lib/one/vms/1/transfer.0.epilog',
  driverCancel: 'DRIVER_CANCEL  5 ',
};
const driverLines = [
  'TRANSFER SUCCESS 0 -',
  'DEPLOY SUCCESS 0 dummyhost0:mad-vm-0:dummy',
  'DEPLOY FAILURE 5 dummyhost0:mad-vm-5-deployfail:dummy',
  'SHUTDOWN SUCCESS 0 -',
  'CANCEL SUCCESS 1 -',
  'CLEANUP SUCCESS 5 -',
  'CP SUCCESS 0 dummy_path dummy_format',
];

describe('oned -> driver lines', () => {
  it('reads oned 7 requests, whose empty status leaves two spaces', () => {
    expect(parseOnedLine(onedLines.transferProlog)).toEqual({
      kind: 'request',
      request: { action: 'TRANSFER', id: 0, payload: '/var/lib/one/vms/0/transfer.0.prolog' },
    });
    expect(parseOnedLine(onedLines.driverCancel)).toEqual({ kind: 'request', request: { action: 'DRIVER_CANCEL', id: 5, payload: '' } });
    const deploy = parseOnedLine(`${deploy0}\n`);
    expect(deploy.kind === 'request' && deploy.request.id).toBe(0);
    const payload = deploy.kind === 'request' ? Buffer.from(deploy.request.payload, 'base64').toString() : '';
    expect(payload).toBe('<VMM_DRIVER_ACTION_DATA><HOST>dummyhost0</HOST><MIGR_HOST/><DEPLOY_ID/><LOCAL_DEPLOYMENT_FILE>/var/lib/one/vms/0/');
  });

  it('writes them back byte for byte, trailing separator of an empty payload included', () => {
    for (const line of [...Object.values(onedLines), deploy0]) {
      const parsed = parseOnedLine(line);
      expect(parsed.kind).toBe('request');
      if (parsed.kind === 'request') expect(formatRequest(parsed.request)).toBe(line);
    }
  });

  it('writes and reads the 4.4 dialect, which has no status field', () => {
    const line = formatRequest({ action: 'DEPLOY', id: 17, payload: 'PFZN' }, 'one-4.4');
    expect(line).toBe('DEPLOY 17 PFZN');
    expect(parseOnedLine(line)).toEqual({ kind: 'request', request: { action: 'DEPLOY', id: 17, payload: 'PFZN' } });
    expect(parseOnedLine('MONITOR 3 host01 /var/lib/one/datastores 1')).toEqual({
      kind: 'request',
      request: { action: 'MONITOR', id: 3, payload: 'host01 /var/lib/one/datastores 1' },
    });
  });

  it('reads a status word where the monitoring hop puts one', () => {
    expect(parseOnedLine('UPDATE_HOST - 0 eJzT')).toEqual({ kind: 'request', request: { action: 'UPDATE_HOST', id: 0, payload: 'eJzT' } });
  });

  it('reads INIT and FINALIZE', () => {
    expect(parseOnedLine(INIT_LINE)).toEqual({ kind: 'init' });
    expect(parseOnedLine(`${FINALIZE_LINE}\n`)).toEqual({ kind: 'finalize' });
  });

  it('refuses what it cannot carry or read', () => {
    expect(() => formatRequest({ action: 'DEPLOY', id: 1, payload: 'a\nb' })).toThrow(MadProtocolError);
    expect(() => formatRequest({ action: 'TWO WORDS', id: 1, payload: '' })).toThrow("A MAD action must be one word, not 'TWO WORDS'.");
    expect(() => parseOnedLine('DEPLOY  x payload')).toThrow("The MAD line 'DEPLOY  x payload' has no numeric id where one is expected.");
    expect(() => parseOnedLine('SHUTDOWN')).toThrow("The MAD line 'SHUTDOWN' has an action but no id.");
  });
});

describe('driver -> oned lines', () => {
  it('reads replies into driver.ts MadReply and writes them back byte for byte', () => {
    expect(parseDriverLine(driverLines[1] as string)).toEqual({ kind: 'reply', reply: success('DEPLOY', 0, 'dummyhost0:mad-vm-0:dummy') });
    expect(parseDriverLine(driverLines[2] as string)).toEqual({ kind: 'reply', reply: failure('DEPLOY', 5, 'dummyhost0:mad-vm-5-deployfail:dummy') });
    for (const line of driverLines) {
      const parsed = parseDriverLine(`${line}\n`);
      expect(parsed.kind).toBe('reply');
      if (parsed.kind === 'reply') expect(formatReply(parsed.reply)).toBe(line);
    }
  });

  it('keeps spaces in a failure message and sends "-" for an empty info', () => {
    const line = formatReply(failure('TRANSFER', 9, 'Transfer Driver \'ssh\' not available'));
    expect(line).toBe("TRANSFER FAILURE 9 Transfer Driver 'ssh' not available");
    expect(parseDriverLine(line)).toEqual({ kind: 'reply', reply: failure('TRANSFER', 9, "Transfer Driver 'ssh' not available") });
    expect(formatReply(success('TRANSFER', 3, ''))).toBe('TRANSFER SUCCESS 3 -');
    expect(parseDriverLine('TRANSFER SUCCESS 3')).toEqual({ kind: 'reply', reply: success('TRANSFER', 3) });
  });

  it('reads LOG lines and the answers to INIT', () => {
    expect(parseDriverLine('LOG I 5 Driver command for 5 cancelled')).toEqual({ kind: 'log', severity: 'I', id: 5, message: 'Driver command for 5 cancelled' });
    expect(formatLog('I', 5, 'Driver command for 5 cancelled')).toBe('LOG I 5 Driver command for 5 cancelled');
    expect(parseDriverLine(INIT_SUCCESS_LINE)).toEqual({ kind: 'init', result: 'SUCCESS' });
    expect(parseDriverLine('INIT SUCCESS')).toEqual({ kind: 'init', result: 'SUCCESS' });
    expect(parseDriverLine('INIT FAILURE - missing ruby')).toEqual({ kind: 'init', result: 'FAILURE' });
  });

  it('says what is wrong with a line it cannot read', () => {
    expect(() => parseDriverLine('DEPLOY DONE 1 x')).toThrow(/neither a reply \(SUCCESS or FAILURE\), a LOG line nor an answer to INIT/);
    expect(() => parseDriverLine('LOG X 1 hello')).toThrow("The LOG line 'LOG X 1 hello' has no severity I, E, W or D.");
    expect(() => parseDriverLine('DEPLOY SUCCESS - x')).toThrow(/has no numeric id/);
  });
});
