/**
 * A few fields of every member of a pool document (VM_POOL/VM, HOST_POOL/HOST), read in one
 * pass without an element tree: a poller that wants ID, STATE and LCM_STATE of 2,000 VMs should
 * not pay for the 40 other elements of each. The document is still checked for well-formedness
 * (walkXml), so a broken answer is refused as the tree reader would refuse it.
 *
 *   readPoolFields(xml, 'VM', ['ID', 'STATE', 'USER_TEMPLATE/ERROR', 'HISTORY_RECORDS/HISTORY/HOSTNAME'])
 *     -> { root: 'VM_POOL', items: [['19', '3', undefined, 'dummyhost0'], ...] }
 *
 * A field is the text (and CDATA) directly inside the element at its path below the member, or
 * undefined when there is none. Where an element on the way repeats, the last counts (each one
 * starts its fields afresh): HISTORY_RECORDS/HISTORY/HOSTNAME is the last record's host; where the
 * field's own element repeats, the first counts.
 */
import { walkXml, type XmlVisitor } from './xml-reader.js';

export interface PoolFields {
  /** the root element's name, for the caller to check */
  root: string;
  /** per member, in document order: the fields in the order asked for */
  items: Array<Array<string | undefined>>;
}

interface PathNode {
  name: string;
  children: PathNode[];
  /** index of the field this element is, or -1 */
  field: number;
  /** fields below this element: reset when it opens again */
  leaves: number[];
}

export function readPoolFields(xml: string, member: string, paths: readonly string[]): PoolFields {
  const reader = new FieldReader(member, paths);
  walkXml(xml, reader);
  return { root: reader.root, items: reader.items };
}

class FieldReader implements XmlVisitor {
  root = '';
  readonly items: Array<Array<string | undefined>> = [];
  private readonly tree: PathNode;
  /** the matched path node at each open depth (index 0: the root), null below an unwanted element */
  private readonly matched: Array<PathNode | null> = [];
  private current: Array<string | undefined> = [];
  /** the field whose text is being gathered, and at which depth */
  private capturing = -1;
  private captureDepth = -1;
  private captured = '';

  constructor(member: string, private readonly paths: readonly string[]) {
    this.tree = { name: member, children: [], field: -1, leaves: [] };
    paths.forEach((path, field) => {
      let node = this.tree;
      for (const name of path.split('/')) {
        let next = node.children.find((c) => c.name === name);
        if (next === undefined) {
          next = { name, children: [], field: -1, leaves: [] };
          node.children.push(next);
        }
        node = next;
      }
      node.field = field;
    });
    const below = (node: PathNode): number[] => {
      for (const c of node.children) {
        if (c.field >= 0) node.leaves.push(c.field);
        node.leaves.push(...below(c));
      }
      return node.leaves;
    };
    below(this.tree);
  }

  open(xml: string, nameStart: number, nameEnd: number): void {
    const depth = this.matched.length;
    if (depth === 0) {
      this.root = xml.slice(nameStart, nameEnd);
      this.matched.push(null);
      return;
    }
    let node: PathNode | null = null;
    if (depth === 1) {
      if (isName(xml, nameStart, nameEnd, this.tree.name)) {
        node = this.tree;
        this.current = new Array<string | undefined>(this.paths.length);
      }
    } else {
      const parent = this.matched[depth - 1]!;
      if (parent !== null && this.capturing < 0) {
        for (const c of parent.children) {
          if (isName(xml, nameStart, nameEnd, c.name)) {
            node = c;
            break;
          }
        }
      }
    }
    this.matched.push(node);
    if (node === null) return;
    if (depth > 1) for (const f of node.leaves) this.current[f] = undefined;
    if (node.field >= 0 && this.current[node.field] === undefined) {
      this.capturing = node.field;
      this.captureDepth = depth;
      this.captured = '';
    }
  }

  close(): void {
    const depth = this.matched.length - 1;
    const node = this.matched.pop();
    if (depth === this.captureDepth) {
      this.current[this.capturing] = this.captured;
      this.capturing = -1;
      this.captureDepth = -1;
    }
    if (depth === 1 && node !== null) this.items.push(this.current);
  }

  wantsText(): boolean {
    return this.capturing >= 0 && this.matched.length - 1 === this.captureDepth;
  }

  text(value: string): void {
    this.captured += value;
  }
}

function isName(xml: string, start: number, end: number, name: string): boolean {
  return end - start === name.length && xml.startsWith(name, start);
}
