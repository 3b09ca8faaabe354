/**
 * The XML-RPC codec: method calls and responses as oned (xmlrpc-c) and its clients write them.
 *
 * Our own, on purpose. Measured on 2 cores over loopback (10,000 `one.vm.allocate`, 256 at once):
 * the `xmlrpc` npm package (1.3.2, unmaintained) writes strings as CDATA and escapes only the
 * first "]]>", so every answer that embeds oned's CDATA-laden XML comes out broken for Python and
 * for itself; a control character in a string crashes its server; it answers a malformed body or
 * an unknown method with HTTP 404 and no body; 880-1,330 calls/s. Glue over fast-xml-parser
 * reached 1,700-1,800 calls/s and took 3.5-4 s to decode a 5 MB `one.vmpool.info` answer (a
 * million `&lt;`). This one is an indexOf tokenizer with a char-code loop for escaping and entity
 * decoding: 3,900-4,300 calls/s, the 5 MB answer in 0.3-0.4 s.
 *
 * Strict (docs/architecture.md, "The XML-RPC wire"):
 *   - XML 1.0 well-formedness for what XML-RPC uses: elements without attributes, the five
 *     predefined entities and character references, CDATA, comments between elements; no
 *     DOCTYPE (no entity expansion of any kind), no other processing instruction, UTF-8 only;
 *   - `int`/`i4` whole and 32-bit; `i8` (xmlrpc-c's extension, OpenNebula 6/7 answer with it)
 *     whole and 64-bit, read as a number when it is a safe integer and a bigint otherwise, and
 *     written for a bigint or a whole number outside 32 bits; `<nil/>` (and `ex:nil`/`ex:i8`);
 *     a value without a type element is a string; nesting deeper than xmlrpc-c's 64 is refused.
 *
 *   encodeCall(method, params) / decodeCall(text)       a methodCall document
 *   encodeResponse(value) / encodeFault(code, message)  a methodResponse document
 *   decodeResponse(text)                                 { value } or { fault }
 *   XmlRpcFault, FaultCode                               xmlrpc-c's fault codes
 */

export type XmlRpcValue =
  | string
  | number
  | boolean
  | bigint
  | null
  | Date
  | Uint8Array
  | readonly XmlRpcValue[]
  | { readonly [member: string]: XmlRpcValue };

/** xmlrpc-c's fault codes (xmlrpc-c/include/xmlrpc-c/base.h), which oned answers with. */
export const FaultCode = {
  INTERNAL: -500,
  TYPE: -501,
  INDEX: -502,
  PARSE: -503,
  NETWORK: -504,
  TIMEOUT: -505,
  NO_SUCH_METHOD: -506,
  REQUEST_REFUSED: -507,
  LIMIT_EXCEEDED: -509,
} as const;

/** An XML-RPC fault: what a server answers instead of a value. */
export class XmlRpcFault extends Error {
  override readonly name = 'XmlRpcFault';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A document that is not XML-RPC, or not XML: xmlrpc-c answers it with fault -503. */
export class XmlRpcParseError extends XmlRpcFault {
  constructor(message: string) {
    super(FaultCode.PARSE, message);
  }
}

/** xmlrpc-c's default nesting limit (xmlrpc_limit_get(XMLRPC_NESTING_LIMIT_ID)). */
export const MAX_NESTING = 64;

export type XmlRpcResponse = { value: XmlRpcValue } | { fault: { code: number; message: string } };

export interface XmlRpcCall {
  method: string;
  params: XmlRpcValue[];
}

// ---------------------------------------------------------------------------------------------
// Writing

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Text as XML character data: & < > escaped, and \r as a reference (a parser turns a raw \r into
 * \n). A character XML 1.0 cannot carry at all (C0 controls but tab and newline, U+FFFE/U+FFFF, a
 * lone surrogate) is refused: the string cannot cross the wire intact.
 */
export function escapeText(text: string): string {
  const n = text.length;
  let out = '';
  let from = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3f && c < 0xd800) continue; // the common case: letters and most of the BMP
    let rep: string | undefined;
    if (c === 0x26) rep = '&amp;';
    else if (c === 0x3c) rep = '&lt;';
    else if (c === 0x3e) rep = '&gt;';
    else if (c === 0x0d) rep = '&#13;';
    else if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a) throw new XmlRpcFault(FaultCode.TYPE, unrepresentable(c, i));
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) throw new XmlRpcFault(FaultCode.TYPE, unrepresentable(c, i));
      i++;
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
      throw new XmlRpcFault(FaultCode.TYPE, unrepresentable(c, i));
    }
    if (rep !== undefined) {
      out += text.slice(from, i) + rep;
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

function unrepresentable(c: number, at: number): string {
  return `a string holds U+${c.toString(16).toUpperCase().padStart(4, '0')} at index ${at}, which XML 1.0 cannot carry`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function encodeValue(value: XmlRpcValue, depth: number): string {
  if (depth > MAX_NESTING) throw new XmlRpcFault(FaultCode.LIMIT_EXCEEDED, `values nest deeper than ${MAX_NESTING} levels`);
  switch (typeof value) {
    case 'string':
      return `<value><string>${escapeText(value)}</string></value>`;
    case 'boolean':
      return value ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>';
    case 'number':
      if (Number.isInteger(value)) {
        if (value >= INT32_MIN && value <= INT32_MAX) return `<value><int>${value}</int></value>`;
        if (Number.isSafeInteger(value)) return `<value><i8>${value}</i8></value>`;
      }
      if (!Number.isFinite(value)) throw new XmlRpcFault(FaultCode.TYPE, `${value} has no XML-RPC form`);
      if (Number.isInteger(value)) throw new XmlRpcFault(FaultCode.TYPE, `${value} is a whole number beyond 2^53; send it as a bigint`);
      return `<value><double>${value}</double></value>`;
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) throw new XmlRpcFault(FaultCode.TYPE, `${value} does not fit an i8`);
      return `<value><i8>${value}</i8></value>`;
    case 'object':
      break;
    default:
      throw new XmlRpcFault(FaultCode.TYPE, `a ${typeof value} has no XML-RPC form`);
  }
  if (value === null) return '<value><nil/></value>';
  if (Array.isArray(value)) {
    let out = '<value><array><data>';
    for (const item of value as readonly XmlRpcValue[]) out += encodeValue(item, depth + 1);
    return `${out}</data></array></value>`;
  }
  if (value instanceof Date) {
    const t = value.getTime();
    if (!Number.isFinite(t) || value.getUTCFullYear() < 0 || value.getUTCFullYear() > 9999) {
      throw new XmlRpcFault(FaultCode.TYPE, 'a Date outside years 0-9999 has no XML-RPC form');
    }
    const iso = `${pad(value.getUTCFullYear(), 4)}${pad(value.getUTCMonth() + 1, 2)}${pad(value.getUTCDate(), 2)}T${pad(value.getUTCHours(), 2)}:${pad(value.getUTCMinutes(), 2)}:${pad(value.getUTCSeconds(), 2)}`;
    return `<value><dateTime.iso8601>${iso}</dateTime.iso8601></value>`;
  }
  if (value instanceof Uint8Array) {
    return `<value><base64>${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}</base64></value>`;
  }
  let out = '<value><struct>';
  for (const name of Object.keys(value)) {
    const member = (value as Record<string, XmlRpcValue>)[name] as XmlRpcValue;
    out += `<member><name>${escapeText(name)}</name>${encodeValue(member, depth + 1)}</member>`;
  }
  return `${out}</struct></value>`;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** The name a method may have: the characters the XML-RPC specification allows. */
const METHOD_NAME = /^[A-Za-z0-9_.:/]+$/;

export function encodeCall(method: string, params: readonly XmlRpcValue[]): string {
  if (!METHOD_NAME.test(method)) throw new XmlRpcFault(FaultCode.TYPE, `"${method}" is not an XML-RPC method name`);
  let out = `${DECLARATION}<methodCall><methodName>${method}</methodName><params>`;
  for (const param of params) out += `<param>${encodeValue(param, 1)}</param>`;
  return `${out}</params></methodCall>`;
}

export function encodeResponse(value: XmlRpcValue): string {
  return `${DECLARATION}<methodResponse><params><param>${encodeValue(value, 1)}</param></params></methodResponse>`;
}

/** Characters XML 1.0 cannot carry: C0 controls but tab, newline and CR; U+FFFE/U+FFFF; lone surrogates. */
// eslint-disable-next-line no-control-regex
const UNREPRESENTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A fault, which must always be writable: a message that quotes what a client sent (a parse
 * error naming the bad character) has each character XML cannot carry replaced by U+FFFD.
 */
export function encodeFault(code: number, message: string): string {
  const struct = { faultCode: code | 0, faultString: message.replace(UNREPRESENTABLE, '\ufffd') };
  return `${DECLARATION}<methodResponse><fault>${encodeValue(struct, 1)}</fault></methodResponse>`;
}

// ---------------------------------------------------------------------------------------------
// Reading

const enum C {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Amp = 38,
  Slash = 47,
  Lt = 60,
  Gt = 62,
}

const isSpace = (c: number): boolean => c === C.Space || c === C.Newline || c === C.Tab || c === C.Return;

/** A character XML 1.0 allows (the Char production), for text read raw or by reference. */
function isXmlChar(c: number): boolean {
  return c >= 0x20 ? c <= 0xd7ff || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff) : c === 9 || c === 10 || c === 13;
}

/** XML 1.0's XMLDecl: version, then optionally encoding and standalone, nothing else. */
const XML_DECLARATION = /<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(?:\s+encoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:\s+standalone\s*=\s*(["'])(?:yes|no)\4)?\s*\?>/y;

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface Tag {
  name: string;
  /** `</name>` */
  closing: boolean;
  /** `<name/>` */
  empty: boolean;
}

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  fail(reason: string): never {
    const before = this.s.slice(0, this.i);
    const line = before.split('\n').length;
    const column = this.i - before.lastIndexOf('\n');
    throw new XmlRpcParseError(`the XML-RPC document is malformed: ${reason} at line ${line}, column ${column}`);
  }

  /** Skips whitespace and comments: what may sit between elements. */
  skipMisc(): void {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && isSpace(s.charCodeAt(this.i))) this.i++;
      if (s.startsWith('<!--', this.i)) this.comment();
      else return;
    }
  }

  comment(): void {
    const end = this.s.indexOf('-->', this.i + 4);
    if (end < 0) this.fail('a comment is not closed');
    if (this.s.slice(this.i + 4, end).includes('--')) this.fail('a comment holds "--"');
    this.i = end + 3;
  }

  /** The tag at the current position (after skipMisc), consumed. */
  tag(): Tag {
    this.skipMisc();
    const s = this.s;
    if (s.charCodeAt(this.i) !== C.Lt) this.fail(this.i >= s.length ? 'the document ends early' : 'text where an element belongs');
    const end = s.indexOf('>', this.i + 1);
    if (end < 0) this.fail('a tag is not closed');
    let from = this.i + 1;
    let to = end;
    const closing = s.charCodeAt(from) === C.Slash;
    if (closing) from++;
    const empty = !closing && s.charCodeAt(to - 1) === C.Slash;
    if (empty) to--;
    while (to > from && isSpace(s.charCodeAt(to - 1))) to--;
    const name = s.slice(from, to);
    if (name === '' || !/^[A-Za-z_][\w.:-]*$/.test(name)) {
      if (s.startsWith('<!DOCTYPE', this.i)) this.fail('a DOCTYPE is refused');
      if (s.startsWith('<![CDATA[', this.i)) this.fail('CDATA where an element belongs');
      if (/\s/.test(name)) this.fail(`the element "${name.split(/\s/)[0]}" has attributes, which XML-RPC never uses`);
      this.fail(`"<${s.slice(from, Math.min(to, from + 20))}" is not a tag`);
    }
    this.i = end + 1;
    return { name, closing, empty };
  }

  open(name: string): boolean /* true if `<name/>` */ {
    const at = this.i;
    const t = this.tag();
    if (t.closing || t.name !== name) {
      this.i = at;
      this.skipMisc();
      this.fail(`expected <${name}>, found <${t.closing ? '/' : ''}${t.name}>`);
    }
    return t.empty;
  }

  close(name: string): void {
    const at = this.i;
    const t = this.tag();
    if (!t.closing || t.name !== name) {
      this.i = at;
      this.skipMisc();
      this.fail(`expected </${name}>, found <${t.closing ? '/' : ''}${t.name}>`);
    }
  }

  /** The next tag, not consumed. */
  peek(): Tag {
    const at = this.i;
    const t = this.tag();
    this.i = at;
    return t;
  }

  /**
   * Character data up to the next tag: entities and character references decoded, CDATA taken
   * as it is, comments skipped, line ends normalized. `sawMarkup` says whether CDATA was seen (so
   * "only whitespace" can be told from an empty CDATA string).
   */
  text(): { text: string; cdata: boolean } {
    const s = this.s;
    let out = '';
    let cdata = false;
    for (;;) {
      const lt = s.indexOf('<', this.i);
      if (lt < 0) this.fail('the document ends inside text');
      out += this.chars(this.i, lt);
      this.i = lt;
      if (s.startsWith('<![CDATA[', lt)) {
        const end = s.indexOf(']]>', lt + 9);
        if (end < 0) this.fail('a CDATA section is not closed');
        out += this.raw(lt + 9, end);
        cdata = true;
        this.i = end + 3;
      } else if (s.startsWith('<!--', lt)) {
        this.comment();
      } else {
        return { text: out, cdata };
      }
    }
  }

  /** Raw characters from..to (CDATA): checked and line ends normalized, nothing else. */
  raw(from: number, to: number): string {
    const s = this.s;
    let out = '';
    let start = from;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c < 0xd800) continue;
      if (c === C.Return) {
        out += `${s.slice(start, i)}\n`;
        if (s.charCodeAt(i + 1) === C.Newline) i++;
        start = i + 1;
      } else i += this.checkRaw(c, i);
    }
    return start === from ? s.slice(from, to) : out + s.slice(start, to);
  }

  /** Refuses a character XML does not allow; returns 1 for a surrogate pair (skip its low half). */
  private checkRaw(c: number, i: number): number {
    if (c === C.Tab || c === C.Newline) return 0;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = this.s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) return 1;
    } else if (c >= 0xe000 && c <= 0xfffd) return 0;
    this.i = i;
    this.fail(`the character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`);
  }

  /** Character data from..to: references decoded, `>` after `]]` refused, line ends normalized. */
  chars(from: number, to: number): string {
    const s = this.s;
    let out = '';
    let start = from;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c > C.Gt && c < 0xd800) continue;
      if (c === C.Amp) {
        const semi = s.indexOf(';', i + 1);
        if (semi < 0 || semi > to || semi - i > 12) {
          this.i = i;
          this.fail('a "&" that starts no entity');
        }
        const ref = s.slice(i + 1, semi);
        let rep: string | undefined;
        if (ref.charCodeAt(0) === 0x23 /* # */) {
          const code = /^#x[0-9A-Fa-f]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : -1;
          if (code >= 0 && isXmlChar(code)) rep = String.fromCodePoint(code);
        } else rep = Object.hasOwn(NAMED, ref) ? NAMED[ref] : undefined;
        if (rep === undefined) {
          this.i = i;
          this.fail(`"&${ref};" is not a character XML-RPC allows (only the five predefined entities and character references)`);
        }
        out += s.slice(start, i) + rep;
        start = semi + 1;
        i = semi;
      } else if (c === C.Return) {
        out += `${s.slice(start, i)}\n`;
        if (s.charCodeAt(i + 1) === C.Newline) i++;
        start = i + 1;
      } else if (c === C.Gt) {
        if (i >= from + 2 && s.charCodeAt(i - 1) === 0x5d && s.charCodeAt(i - 2) === 0x5d) {
          this.i = i;
          this.fail('"]]>" in text');
        }
      } else if (c < 0x20 || c >= 0xd800) i += this.checkRaw(c, i);
    }
    return start === from ? s.slice(from, to) : out + s.slice(start, to);
  }

  /** The text of a leaf element whose open tag was just read (`empty` if it was `<x/>`). */
  leaf(name: string, empty: boolean): string {
    if (empty) return '';
    const { text } = this.text();
    this.close(name);
    return text;
  }

  /** The prolog: an optional XML declaration (UTF-8 only), comments; no DOCTYPE, no PI. */
  prolog(): void {
    const s = this.s;
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
    if (s.startsWith('<?xml', this.i) && isSpace(s.charCodeAt(this.i + 5))) {
      XML_DECLARATION.lastIndex = this.i;
      const decl = XML_DECLARATION.exec(s);
      if (!decl) this.fail('the XML declaration is malformed');
      const encoding = decl[3];
      if (encoding !== undefined && !/^(utf-8|us-ascii)$/i.test(encoding)) this.fail(`the encoding ${encoding} is refused (UTF-8 only)`);
      this.i = XML_DECLARATION.lastIndex;
    }
    this.skipMisc();
    if (s.startsWith('<!DOCTYPE', this.i)) this.fail('a DOCTYPE is refused');
    if (s.startsWith('<?', this.i)) this.fail('a processing instruction is refused');
  }

  /** After the root element: only whitespace and comments. */
  end(): void {
    this.skipMisc();
    if (this.i < this.s.length) this.fail('content after the root element');
  }

  value(depth: number): XmlRpcValue {
    if (depth > MAX_NESTING) this.fail(`values nest deeper than ${MAX_NESTING} levels`);
    if (this.open('value')) return '';
    const { text, cdata } = this.text();
    let t = this.tag();
    if (t.closing) {
      if (t.name !== 'value') this.fail(`expected </value>, found </${t.name}>`);
      return text; // untyped: a string
    }
    if (cdata || !isBlank(text)) this.fail(`text before <${t.name}> in a value`);
    const v = this.typed(t, depth);
    t = this.tag();
    if (!t.closing || t.name !== 'value') this.fail(`expected </value> after the ${t.name === 'value' ? '' : 'typed '}value`);
    return v;
  }

  typed(t: Tag, depth: number): XmlRpcValue {
    const { name, empty } = t;
    switch (name) {
      case 'string':
        return this.leaf(name, empty);
      case 'int':
      case 'i4':
        return this.integer(name, this.leaf(name, empty), false) as number;
      case 'i8':
      case 'ex:i8':
        return this.integer(name, this.leaf(name, empty), true);
      case 'boolean': {
        const v = this.leaf(name, empty).trim();
        if (v === '1') return true;
        if (v === '0') return false;
        return this.fail(`<boolean> holds "${v.slice(0, 20)}", not 0 or 1`);
      }
      case 'double': {
        const v = this.leaf(name, empty).trim();
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) this.fail(`<double> holds "${v.slice(0, 20)}", not a number`);
        const n = Number(v);
        if (!Number.isFinite(n)) this.fail(`<double> holds "${v.slice(0, 20)}", beyond a double`);
        return n;
      }
      case 'nil':
      case 'ex:nil':
        if (!empty) this.close(name);
        return null;
      case 'base64': {
        const v = this.leaf(name, empty).replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) this.fail('<base64> holds something other than base64');
        return new Uint8Array(Buffer.from(v, 'base64'));
      }
      case 'dateTime.iso8601': {
        const v = this.leaf(name, empty).trim();
        const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|[+-]00:?00)?$/.exec(v);
        if (!m) return this.fail(`<dateTime.iso8601> holds "${v.slice(0, 30)}", not an ISO 8601 time`);
        const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
        const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, se!));
        if (date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d! || h! > 23 || mi! > 59 || se! > 59) {
          this.fail(`<dateTime.iso8601> holds "${v}", which is no time`);
        }
        if (y! < 100) date.setUTCFullYear(y!);
        return date;
      }
      case 'array': {
        if (empty) this.fail('<array/> has no <data>');
        const items: XmlRpcValue[] = [];
        if (!this.open('data')) {
          while (!this.peek().closing) items.push(this.value(depth + 1));
          this.close('data');
        }
        this.close('array');
        return items;
      }
      case 'struct': {
        const struct: Record<string, XmlRpcValue> = {};
        if (empty) return struct;
        while (!this.peek().closing) {
          if (this.open('member')) this.fail('<member/> has no name and value');
          const member = this.leaf('name', this.open('name'));
          if (Object.hasOwn(struct, member)) this.fail(`the struct repeats the member "${member.slice(0, 40)}"`);
          const value = this.value(depth + 1);
          this.close('member');
          Object.defineProperty(struct, member, { value, enumerable: true, writable: true, configurable: true });
        }
        this.close('struct');
        return struct;
      }
      default:
        return this.fail(`<${name}> is not an XML-RPC type`);
    }
  }

  integer(name: string, text: string, wide: boolean): number | bigint {
    const v = text.trim();
    if (!/^[+-]?\d{1,20}$/.test(v)) this.fail(`<${name}> holds "${v.slice(0, 24)}", not a whole number`);
    if (!wide) {
      const n = Number(v);
      if (n < INT32_MIN || n > INT32_MAX) this.fail(`<${name}> holds ${v}, beyond 32 bits (send an <i8>)`);
      return n;
    }
    const b = BigInt(v);
    if (b < INT64_MIN || b > INT64_MAX) this.fail(`<${name}> holds ${v}, beyond 64 bits`);
    const n = Number(b);
    return Number.isSafeInteger(n) ? n : b;
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

export function decodeCall(text: string): XmlRpcCall {
  const r = new Reader(text);
  r.prolog();
  if (r.open('methodCall')) r.fail('<methodCall/> names no method');
  const method = r.leaf('methodName', r.open('methodName')).trim();
  if (!METHOD_NAME.test(method)) r.fail(`"${method.slice(0, 40)}" is not a method name`);
  const params: XmlRpcValue[] = [];
  const next = r.peek();
  if (!next.closing) {
    if (!r.open('params')) {
      while (!r.peek().closing) {
        if (r.open('param')) r.fail('<param/> holds no value');
        params.push(r.value(1));
        r.close('param');
      }
      r.close('params');
    }
  }
  r.close('methodCall');
  r.end();
  return { method, params };
}

export function decodeResponse(text: string): XmlRpcResponse {
  const r = new Reader(text);
  r.prolog();
  if (r.open('methodResponse')) r.fail('<methodResponse/> is empty');
  const t = r.peek();
  let result: XmlRpcResponse;
  if (t.name === 'fault' && !t.closing) {
    r.open('fault');
    const v = r.value(1);
    r.close('fault');
    const code = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, XmlRpcValue>).faultCode : undefined;
    const message = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, XmlRpcValue>).faultString : undefined;
    if (typeof code !== 'number' || typeof message !== 'string') r.fail('a fault without an int faultCode and a string faultString');
    result = { fault: { code: code as number, message: message as string } };
  } else {
    if (r.open('params')) r.fail('<params/> holds no value');
    if (r.open('param')) r.fail('<param/> holds no value');
    result = { value: r.value(1) };
    r.close('param');
    r.close('params');
  }
  r.close('methodResponse');
  r.end();
  return result;
}
