import { z } from 'zod'

/**
 * How every reply crosses a boundary: a value, or an error with one clear message. Exceptions
 * never cross (an Electron IPC rejection or a worker error would lose the message and the type).
 */
export type ApiResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError }

export interface ApiError {
  readonly message: string
}

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value }
}

export function fail(message: string): ApiResult<never> {
  return { ok: false, error: { message } }
}

/** The message of anything thrown, for an error that crosses as a value. */
export function errorMessage(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message
  if (typeof thrown === 'string') return thrown
  return 'unknown error'
}

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }).strict(),
    z.object({ ok: z.literal(false), error: z.object({ message: z.string() }).strict() }).strict(),
  ])
}

/** One line naming the field at fault, for a payload that does not match its schema. */
export function describeZodError(what: string, error: z.ZodError): string {
  const issue = error.issues[0]
  if (issue === undefined) return `invalid ${what}`
  const path = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''
  return `invalid ${what}: ${path}${issue.message}`
}
