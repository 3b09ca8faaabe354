/**
 * An error a user can cause (a bad flag, a bad budget, a stack that lacks a method): its message
 * is one sentence naming what and where, printed as it is, without a stack trace. Anything else
 * that escapes a run is a defect of stampede and is reported with its stack.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
