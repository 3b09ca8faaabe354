/**
 * The confusion matrix as a Markdown table: one row per case switched on, one column per name a
 * detector can give, the count of findings in each cell, blank for none. A perfect harness has
 * its counts on the diagonal only (and an empty `clean` row).
 */
export function confusionMatrix(rows: ReadonlyArray<{ name: string; fired: readonly string[] }>, names: readonly string[]): string {
  const header = `| switched on \\ fired | ${names.join(' | ')} |`;
  const rule = `| --- | ${names.map(() => ':---:').join(' | ')} |`;
  const body = rows.map((r) => {
    const cells = names.map((n) => {
      const count = r.fired.filter((f) => f === n).length;
      return count === 0 ? '' : String(count);
    });
    const unknown = r.fired.filter((f) => !names.includes(f));
    return `| ${r.name} | ${cells.join(' | ')} |${unknown.length > 0 ? ` also: ${unknown.join(', ')}` : ''}`;
  });
  return [header, rule, ...body].join('\n');
}
