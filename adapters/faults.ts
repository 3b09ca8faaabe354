import { z } from 'zod';
import type { Random, StreamKeyPart } from '../sim/random.js';
import { TM_VERBS } from './latency-model.js';

/**
 * Faults as plain data, in the spirit of KWOK's stages: per operation a failure and a hang
 * probability, plus named victims for tests that need "exactly this one"; per host a slowdown
 * and a crash time. Example:
 *
 *   {
 *     operations: { 'tm.*': { failRate: 0.05 }, 'vmm.deploy': { hang: { vmIds: [17] } } },
 *     hosts: { 'host-03': { crashAt: 40_000 }, 'host-07': { slow: 3 } },
 *   }
 */

/** Every operation the farm runs, by the name faults and latencies use. */
export const FAULT_OPERATIONS = [
  ...TM_VERBS.map((v) => `tm.${v}` as const),
  'vmm.deploy',
  'vmm.shutdown',
  'vmm.cancel',
  'im.monitor',
  'guest.boot',
] as const;
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

/** A rule applies to one operation, a family (`tm.*`: every TM line), or everything (`*`). */
const RULE_KEYS = [...FAULT_OPERATIONS, 'tm.*', 'vmm.*', 'im.*', 'guest.*', '*'] as const;
type RuleKey = (typeof RULE_KEYS)[number];

const VictimsSchema = z
  .object({
    /** These VMs' actions (every attempt: a VM named here fails or hangs each time). */
    vmIds: z.array(z.number().int().nonnegative()).default([]),
    /** The n-th action (1-based) this rule applies to, counted in the order actions start. */
    nth: z.array(z.number().int().positive()).default([]),
  })
  .strict();

export const OperationFaultSchema = z
  .object({
    /** Probability that an action fails (answers FAILURE after its usual latency). */
    failRate: z.number().min(0).max(1).default(0),
    /** Probability that an action hangs: it never answers (a guest boot never ends). */
    hangRate: z.number().min(0).max(1).default(0),
    /** The FAILURE reason; default names the action and the host. */
    message: z.string().min(1).optional(),
    fail: VictimsSchema.prefault({}),
    hang: VictimsSchema.prefault({}),
  })
  .strict()
  .refine((f) => f.failRate + f.hangRate <= 1, { message: 'failRate + hangRate must be at most 1', path: ['hangRate'] });
export type OperationFault = z.infer<typeof OperationFaultSchema>;

const RulesSchema = z.partialRecord(z.enum(RULE_KEYS), OperationFaultSchema);

export const HostFaultSchema = z
  .object({
    /** Multiplier on this host's latencies and CPU work (3 = three times slower). */
    slow: z.number().finite().positive().default(1),
    /** Emulated ms since the clock's origin at which the host crashes. */
    crashAt: z.number().finite().nonnegative().optional(),
    /** Rules for actions on this host; they replace the farm-wide rule for the same operation. */
    operations: RulesSchema.default({}),
  })
  .strict();
export type HostFault = z.infer<typeof HostFaultSchema>;

export const FaultPlanSchema = z
  .object({
    operations: RulesSchema.default({}),
    hosts: z.record(z.string(), HostFaultSchema).default({}),
  })
  .strict();
export type FaultPlan = z.infer<typeof FaultPlanSchema>;
export type FaultPlanInput = z.input<typeof FaultPlanSchema>;

export type FaultOutcome = { kind: 'ok' } | { kind: 'fail'; message: string | undefined } | { kind: 'hang' };

const OK: FaultOutcome = { kind: 'ok' };

interface CompiledRule {
  rule: OperationFault;
  failVms: ReadonlySet<number>;
  hangVms: ReadonlySet<number>;
  failNth: ReadonlySet<number>;
  hangNth: ReadonlySet<number>;
  /** actions this rule applied to so far */
  seen: number;
}

type Rules = Partial<Record<RuleKey, CompiledRule>>;

/**
 * Decides, per action, whether a fault is injected. Probabilities are drawn from a stream named
 * by the action itself (the caller's key: operation, VM or host, attempt), so the same action
 * meets the same fate whatever else runs, and switching a fault on leaves latency draws alone.
 */
export class Faults {
  private readonly global: Rules;
  private readonly perHost = new Map<string, Rules>();
  readonly active: boolean;

  constructor(
    readonly plan: FaultPlan,
    private readonly random: Random,
  ) {
    this.global = compile(plan.operations);
    for (const [host, f] of Object.entries(plan.hosts)) this.perHost.set(host, compile(f.operations));
    this.active = Object.keys(plan.operations).length > 0 || [...this.perHost.values()].some((r) => Object.keys(r).length > 0);
  }

  /** What happens to this action of `op` on `host` (for `vmId`, when it is about a VM). */
  decide(op: FaultOperation, host: string, vmId: number | undefined, key: readonly StreamKeyPart[]): FaultOutcome {
    if (!this.active) return OK;
    const c = pick(this.perHost.get(host), op) ?? pick(this.global, op);
    if (c === undefined) return OK;
    c.seen += 1;
    if ((vmId !== undefined && c.hangVms.has(vmId)) || c.hangNth.has(c.seen)) return { kind: 'hang' };
    if ((vmId !== undefined && c.failVms.has(vmId)) || c.failNth.has(c.seen)) return { kind: 'fail', message: c.rule.message };
    const { failRate, hangRate } = c.rule;
    if (failRate + hangRate === 0) return OK;
    const u = this.random.stream('fault', ...key).next();
    if (u < failRate) return { kind: 'fail', message: c.rule.message };
    if (u < failRate + hangRate) return { kind: 'hang' };
    return OK;
  }
}

function compile(rules: FaultPlan['operations']): Rules {
  const out: Rules = {};
  for (const [key, rule] of Object.entries(rules) as [RuleKey, OperationFault][]) {
    out[key] = {
      rule,
      failVms: new Set(rule.fail.vmIds),
      hangVms: new Set(rule.hang.vmIds),
      failNth: new Set(rule.fail.nth),
      hangNth: new Set(rule.hang.nth),
      seen: 0,
    };
  }
  return out;
}

/** The most specific rule: the operation, then its family, then `*`. */
function pick(rules: Rules | undefined, op: FaultOperation): CompiledRule | undefined {
  if (rules === undefined) return undefined;
  const family = `${op.slice(0, op.indexOf('.'))}.*` as RuleKey;
  return rules[op] ?? rules[family] ?? rules['*'];
}
