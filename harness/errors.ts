/**
 * An error a user can cause (a bad flag, a bad budget, a stack that lacks a method): its message
 * is one sentence naming what and where, printed as it is, without a stack trace. Anything else
 * that escapes a run is a defect of stampede and is reported with its stack.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

/** The stack cannot be reached at all (refused, reset, timed out): it may have died mid-run. */
export class StackUnreachable extends UserError {
  override readonly name: string = 'StackUnreachable';
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/**
 * The known word closest to what was typed, for a "did you mean" after an unknown name: within
 * an edit distance of a third of its length (at least 1), or equal ignoring case. Undefined when
 * nothing is that close.
 */
export function closest(typed: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(typed.length / 3));
  for (const word of known) {
    const d = word.toLowerCase() === typed.toLowerCase() ? 0.5 : editDistance(typed, word);
    if (d <= limit && d < bestDistance) [best, bestDistance] = [word, d];
  }
  return best;
}

/** ` (did you mean "x"?)`, or nothing when no known word is close. */
export function didYouMean(typed: string, known: Iterable<string>): string {
  const guess = closest(typed, known);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}

/** Levenshtein distance, with a transposition of two neighbours counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
