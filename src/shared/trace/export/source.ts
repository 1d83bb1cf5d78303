import type { TraceEnd, TraceEvent, TraceHeader, TraceInput } from '../types'

/**
 * What an exporter reads: a trace's header, inputs and events, and its end when known (an
 * exporter without it ends the picture at the last event).
 */
export interface ExportSource {
  readonly header: TraceHeader
  readonly inputs: readonly TraceInput[]
  readonly events: readonly TraceEvent[]
  readonly end?: Pick<TraceEnd, 't'>
}
