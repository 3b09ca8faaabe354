/**
 * one.template.*: register a VM template, read it back, instantiate it. Instantiate merges the
 * extra template over the stored one (same-named attributes replaced, as Template::merge does)
 * and then allocates the VM exactly as one.vm.allocate would.
 */
import { ErrorCode, fail, ok } from '../opennebula/errors.js';
import { getSingle, removeAttribute, type Template } from '../opennebula/template.js';
import { renderVmTemplate, renderVmTemplatePool } from '../opennebula/vmtemplate-xml.js';
import type { MethodDefinition } from './api.js';
import { createVm, isApiResult, parseTemplateArgument } from './api-vm.js';
import { toVmTemplateDocument } from './documents.js';
import type { HeadNode } from './head-node.js';
import { epochSeconds } from './records.js';

const noTemplate = (method: string, id: number) =>
  fail(method, `Error getting virtual machine template [${id}].`, ErrorCode.NO_EXISTS);

export function templateMethods(node: HeadNode): Record<string, MethodDefinition> {
  return {
    'one.template.allocate': {
      params: [{ name: 'template', type: 'string' }],
      handle([text]) {
        const method = 'one.template.allocate';
        const template = parseTemplateArgument(method, text as string);
        if (isApiResult(template)) return template;
        const name = getSingle(template, 'NAME') || 'Unnamed';
        const taken = node.templates.all().find((t) => t.name === name);
        if (taken) {
          return fail(method, `Error allocating a new virtual machine template. NAME is already taken by TEMPLATE ${taken.id}.`, ErrorCode.ALLOCATE);
        }
        const id = node.templates.peekId();
        node.templates.insert({
          id,
          uid: 0,
          gid: 0,
          uname: 'oneadmin',
          gname: 'oneadmin',
          name,
          regtime: epochSeconds(node.clock.epochMs()),
          template,
        });
        return ok(id);
      },
    },

    'one.template.info': {
      params: [
        { name: 'id', type: 'int' },
        { name: 'extended', type: 'boolean', optional: true },
        { name: 'decrypt', type: 'boolean', optional: true },
      ],
      handle([id]) {
        const t = node.templates.get(id as number);
        return t ? ok(renderVmTemplate(toVmTemplateDocument(t))) : noTemplate('one.template.info', id as number);
      },
    },

    'one.templatepool.info': {
      params: [
        { name: 'filter flag', type: 'int' },
        { name: 'start', type: 'int' },
        { name: 'end', type: 'int' },
      ],
      objects: () => node.templates.all().length,
      handle([filter, start, end]) {
        const method = 'one.templatepool.info';
        if ((filter as number) < -4) return fail(method, 'Incorrect filter_flag.', ErrorCode.XML_RPC_API);
        const [s, e] = [start as number, end as number];
        let list = node.templates.all().filter((t) => (filter as number) < 0 || t.uid === filter);
        if (e >= -1) list = list.filter((t) => t.id >= s && (e === -1 || t.id <= e));
        list.reverse();
        if (e < -1) list = list.slice(Math.max(0, s), Math.max(0, s) - e);
        return ok(renderVmTemplatePool(list.map(toVmTemplateDocument)));
      },
    },

    'one.template.instantiate': {
      params: [
        { name: 'template id', type: 'int' },
        { name: 'vm name', type: 'string' },
        { name: 'hold', type: 'boolean', optional: true },
        { name: 'extra template', type: 'string', optional: true },
        { name: 'persistent', type: 'boolean', optional: true },
      ],
      handle([id, vmName, hold, extra]) {
        const method = 'one.template.instantiate';
        const stored = node.templates.get(id as number);
        if (!stored) return noTemplate(method, id as number);
        let template: Template = stored.template;
        if (typeof extra === 'string' && extra.trim() !== '') {
          const parsed = parseTemplateArgument(method, extra);
          if (isApiResult(parsed)) return parsed;
          for (const name of new Set(parsed.map((a) => a.name))) template = removeAttribute(template, name);
          template = [...template, ...parsed];
        }
        const name = (vmName as string) !== '' ? (vmName as string) : `${stored.name}-${node.vms.peekId()}`;
        return createVm(node, method, template, hold === true, stored.id, name);
      },
    },
  };
}
