import { labCommands, type LabCommands, type LabReply } from '../api/commands'
import type { LabCommandName } from '../api/names'
import { describeZodError, errorMessage, fail, ok, type ApiResult } from '../api/result'
import type { z } from 'zod'
import type { LabHost } from './lab-host'

type Handlers = {
  readonly [K in LabCommandName]: (
    request: z.output<LabCommands[K]['request']>,
  ) => LabReply<K> | Promise<LabReply<K>>
}

function handlers(host: LabHost): Handlers {
  return {
    createSession: (request) => host.createSession(request.config ?? {}, request.running),
    reset: () => host.reset(),
    snapshot: () => host.snapshot(),
    play: () => host.play(),
    pause: () => host.pause(),
    setSpeed: (request) => host.setSpeed(request.speed),
    step: () => host.step(),
    runTo: (request) => host.runTo(request.t),
    apply: (request) => host.apply(request.action),
    applyAll: (request) => host.applyAll(request.actions),
    clientRequest: (request) => host.clientRequest(request.request),
    setWorkload: (request) => host.setWorkload(request.workload),
    traceSlice: (request) => host.traceSlice(request.from, request.to, request.limit),
    exportTrace: () => host.exportTrace(),
    importTrace: (request) => host.importTrace(request.data, request.at),
    fork: (request) => host.fork(request.t),
    traceText: (request) => host.traceText(request.session, request.fromEvent, request.limit),
    startScenario: (request) => host.startScenario(request.scenario, request.running),
    scenarioNext: () => host.scenarioNext(),
    scenarioBack: () => host.scenarioBack(),
    scenarioGoTo: (request) => host.scenarioGoTo(request.step),
  }
}

/** Answers one command: what both adapters (Electron IPC, worker messages) call. */
export type LabServer = (command: LabCommandName, payload: unknown) => Promise<ApiResult<unknown>>

/**
 * The host side of the contract: checks each request against its schema, runs it, and turns
 * anything thrown (a bad config, an impossible action) into an error value with its message.
 * Nothing is applied when the request does not parse.
 */
export function serveLabHost(host: LabHost): LabServer {
  const table = handlers(host)
  return async (command, payload) => {
    const schema = labCommands[command].request
    const parsed = schema.safeParse(payload ?? {})
    if (!parsed.success) return fail(describeZodError(`${command} request`, parsed.error))
    try {
      const handler = table[command] as (request: unknown) => unknown
      return ok(await handler(parsed.data))
    } catch (thrown) {
      return fail(errorMessage(thrown))
    }
  }
}
