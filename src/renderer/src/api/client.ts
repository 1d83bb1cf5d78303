import { apiCommands, type ApiFunctions, type LabApi } from '../../../shared/api/api'
import { labBatchSchema } from '../../../shared/api/batch'
import { API_COMMAND_NAMES, type ApiCommandName } from '../../../shared/api/names'
import {
  describeZodError,
  errorMessage,
  fail,
  resultSchema,
  type ApiResult,
} from '../../../shared/api/result'
import { menuIntentSchema } from '../../../shared/api/shell'
import type { LabTransport } from './transport'

/** What the client does with a pushed message that does not match the contract. */
export type Complaint = (message: string) => void

/**
 * The page's side of the contract: one function per command, whatever the transport. Every
 * reply and every pushed message is checked against its schema here, where it enters the page;
 * a transport failure or a malformed reply becomes an error value, never an exception.
 */
export function createLabClient(
  transport: LabTransport,
  complain: Complaint = (message) => console.error(`[raftlab] ${message}`),
): LabApi {
  const replySchemas = new Map(
    API_COMMAND_NAMES.map((name) => [name, resultSchema(apiCommands[name].reply)] as const),
  )

  async function call(name: ApiCommandName, request: unknown): Promise<ApiResult<unknown>> {
    let reply: unknown
    try {
      reply = await transport.invoke(name, request)
    } catch (thrown) {
      return fail(`${name} failed: ${errorMessage(thrown)}`)
    }
    const parsed = replySchemas.get(name)!.safeParse(reply)
    if (!parsed.success) return fail(describeZodError(`${name} reply`, parsed.error))
    return parsed.data as ApiResult<unknown>
  }

  const functions = Object.fromEntries(
    API_COMMAND_NAMES.map((name) => [name, (request: unknown) => call(name, request ?? {})]),
  ) as unknown as ApiFunctions

  return {
    ...functions,
    onBatch: (listener) =>
      transport.onBatch((payload) => {
        const parsed = labBatchSchema.safeParse(payload)
        if (parsed.success) listener(parsed.data)
        else complain(describeZodError('batch', parsed.error))
      }),
    onMenu: (listener) =>
      transport.onMenu((payload) => {
        const parsed = menuIntentSchema.safeParse(payload)
        if (parsed.success) listener(parsed.data)
        else complain(describeZodError('menu message', parsed.error))
      }),
  }
}
