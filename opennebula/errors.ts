/**
 * XML-RPC result arrays and error codes (include/Request.h).
 * Success is `[true, value, 0]`; failure `[false, "[method] message", code]` (4.4 shape; 6.x/7.x
 * append the object id and a replication index, which our callers never need).
 */

export const ErrorCode = {
  SUCCESS: 0x0000,
  AUTHENTICATION: 0x0100,
  AUTHORIZATION: 0x0200,
  NO_EXISTS: 0x0400,
  ACTION: 0x0800,
  XML_RPC_API: 0x1000,
  INTERNAL: 0x2000,
  ALLOCATE: 0x4000,
  LOCKED: 0x8000,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type ApiValue = string | number | boolean;
export type ApiSuccess<T extends ApiValue = ApiValue> = [true, T, 0];
export type ApiFailure = [false, string, ErrorCode];
export type ApiResult<T extends ApiValue = ApiValue> = ApiSuccess<T> | ApiFailure;

export function ok<T extends ApiValue>(value: T): ApiSuccess<T> {
  return [true, value, 0];
}

export function fail(method: string, message: string, code: ErrorCode): ApiFailure {
  return [false, `[${method}] ${message}`, code];
}

export function authenticationFailure(method: string): ApiFailure {
  return fail(method, "User couldn't be authenticated, aborting call.", ErrorCode.AUTHENTICATION);
}
