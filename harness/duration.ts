/**
 * The one way a duration is written, in scenarios (`deadline: 2h`) and in budgets (`p95 < 80s`):
 * `500ms`, `30s`, `5m`, `2h`, or a bare number of seconds. Emulated time.
 */
export const DURATION_FORMS = '500ms, 30s, 5m, 2h or a number of seconds';

/** The written form, as a regular expression (also the JSON Schema's `pattern` for durations). */
export const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/;
type Unit = 'ms' | 's' | 'm' | 'h';
const UNIT_MS: Record<Unit, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const UNIT_SECONDS: Record<Unit, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** A duration as written: its number and its unit (seconds when bare); undefined if it is not one. */
export function parseDuration(value: string | number): { amount: number; unit: Unit } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? { amount: value, unit: 's' } : undefined;
  const m = DURATION.exec(value.trim());
  return m ? { amount: Number(m[1]), unit: (m[2] ?? 's') as Unit } : undefined;
}

/** The duration in emulated milliseconds. */
export function durationMs(value: string | number): number | undefined {
  const d = parseDuration(value);
  return d && d.amount * UNIT_MS[d.unit];
}

/** The duration in emulated seconds. */
export function durationSeconds(value: string | number): number | undefined {
  const d = parseDuration(value);
  return d && d.amount * UNIT_SECONDS[d.unit];
}
