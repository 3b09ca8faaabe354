/**
 * The parts every pool object shares in oned's XML, written and read:
 *
 *   permissionsXml(p) / permissionsFromElement(el, what)   PERMISSIONS (OWNER_U ... OTHER_A)
 *   lockXml(lock) / lockFromElement(el, what)              LOCK, written only while locked
 *   idsXml(root, ids) / idsFromElement(el, what)           an ObjectCollection: <ROOT><ID>3</ID>...</ROOT>
 *
 * A missing PERMISSIONS (short pool bodies) reads as OWNER_USE_MANAGE, oned's default.
 */
import { OWNER_USE_MANAGE, type Lock, type Permissions } from './documents.js';
import { child, children, intOf, intValue, type XmlElement } from './xml-reader.js';

export function idsXml(root: string, ids: readonly number[]): string {
  let out = `<${root}>`;
  for (const id of ids) out += `<ID>${id}</ID>`;
  return `${out}</${root}>`;
}

export function permissionsXml(p: Permissions): string {
  return (
    `<PERMISSIONS><OWNER_U>${p.owner.use}</OWNER_U><OWNER_M>${p.owner.manage}</OWNER_M><OWNER_A>${p.owner.admin}</OWNER_A>` +
    `<GROUP_U>${p.group.use}</GROUP_U><GROUP_M>${p.group.manage}</GROUP_M><GROUP_A>${p.group.admin}</GROUP_A>` +
    `<OTHER_U>${p.other.use}</OTHER_U><OTHER_M>${p.other.manage}</OTHER_M><OTHER_A>${p.other.admin}</OTHER_A></PERMISSIONS>`
  );
}

export function lockXml(lock: Lock | undefined): string {
  if (lock === undefined) return '';
  let out = `<LOCK><LOCKED>${lock.locked}</LOCKED>`;
  if (lock.owner !== undefined) out += `<OWNER>${lock.owner}</OWNER>`;
  if (lock.time !== undefined) out += `<TIME>${lock.time}</TIME>`;
  if (lock.reqId !== undefined) out += `<REQ_ID>${lock.reqId}</REQ_ID>`;
  return `${out}</LOCK>`;
}

function bit(el: XmlElement, name: string, what: string): 0 | 1 {
  return intOf(el, name, 0, what) === 1 ? 1 : 0;
}

export function permissionsFromElement(el: XmlElement | undefined, what: string): Permissions {
  if (el === undefined) {
    return { owner: { ...OWNER_USE_MANAGE.owner }, group: { ...OWNER_USE_MANAGE.group }, other: { ...OWNER_USE_MANAGE.other } };
  }
  const bits = (who: 'OWNER' | 'GROUP' | 'OTHER') => ({
    use: bit(el, `${who}_U`, what),
    manage: bit(el, `${who}_M`, what),
    admin: bit(el, `${who}_A`, what),
  });
  return { owner: bits('OWNER'), group: bits('GROUP'), other: bits('OTHER') };
}

export function lockFromElement(el: XmlElement | undefined, what: string): Lock | undefined {
  if (el === undefined) return undefined;
  const lock: Lock = { locked: intOf(el, 'LOCKED', 0, what) };
  if (child(el, 'OWNER')) lock.owner = intOf(el, 'OWNER', 0, what);
  if (child(el, 'TIME')) lock.time = intOf(el, 'TIME', 0, what);
  if (child(el, 'REQ_ID')) lock.reqId = intOf(el, 'REQ_ID', 0, what);
  return lock;
}

export function idsFromElement(el: XmlElement | undefined, what: string): number[] {
  if (el === undefined) return [];
  return children(el, 'ID').map((id) => intValue(id, what));
}
