import type { CheckView, NarrationView, ScenarioSource } from '../api/narration'
import type { SimDriver } from '../kv/driver'
import { scenarioKind } from '../scenario/builtin'
import { describeCondition } from '../scenario/conditions'
import type { ExpectationResult } from '../scenario/expectations'
import { loadScenario, parseScenarioText } from '../scenario/load'
import { ScenarioError } from '../scenario/scenario'
import type { ScenarioOutcome, ScenarioSession, SessionPhase } from '../scenario/session'
import { resolveRunSettings, type RunSettings } from '../scenario/settings'

/**
 * A scenario's settings from where it comes: a built-in one by name, or a teacher's file's
 * text, checked whole (docs/scenarios.md). Throws ScenarioError naming the problem, and the
 * file when a name is given.
 */
export function scenarioSettingsOf(source: ScenarioSource): RunSettings {
  try {
    const scenario = 'name' in source ? loadScenario(source.name) : parseScenarioText(source.text)
    return resolveRunSettings({ scenario })
  } catch (error) {
    if ('text' in source && source.fileName !== undefined && error instanceof ScenarioError) {
      throw new ScenarioError(`${source.fileName}: ${error.message}`)
    }
    throw error
  }
}

/**
 * A narrated scenario playing as the live session: the ScenarioSession that drives the
 * cluster, where it came from (so Reset can start it over), and its narration as the batches
 * carry it.
 */
export class LiveScenario {
  private readonly steps: NarrationView['steps']
  /** The outcome judged when the run reached its duration (later actions do not change it). */
  private finalOutcome: ScenarioOutcome | null = null

  constructor(
    readonly session: ScenarioSession,
    readonly settings: RunSettings,
    readonly source: ScenarioSource,
  ) {
    this.steps = session.steps.map((step, i) => ({
      title: step.title ?? `Step ${i + 1}`,
      caption: step.caption,
      until: describeCondition(step.until),
    }))
  }

  get phase(): SessionPhase {
    return this.session.phase
  }

  /**
   * Plays toward virtual time `target`, stopping at the current step's pause point, with the
   * live clients' callbacks (a user's KV request, a workload) run in time order between. The
   * scenario's own script steps and client writes happen on time inside `session.advance`.
   */
  advance(target: number, clients: SimDriver, maxCallbacks: number): SessionPhase {
    for (let callbacks = 0; ; callbacks++) {
      const callbackAt = clients.nextCallbackTime()
      const phase = this.session.advance(
        callbackAt === null ? target : Math.min(target, callbackAt),
      )
      if (phase === 'paused' || phase === 'finished') break
      if (callbackAt === null || callbackAt > target || callbacks >= maxCallbacks) break
      if (this.session.cluster.now < callbackAt) break
      clients.runNext()
    }
    if (this.session.phase === 'finished') this.finalOutcome ??= this.session.outcome()
    return this.session.phase
  }

  /**
   * Step: the next cluster event, and before it whatever is due by its time — the script's
   * steps and client writes, the live clients' callbacks — in the order playing would take
   * them; unless the narration's pause point comes first (a time pause point, or an event or
   * script step after which the condition holds): then it stops there, paused. Returns whether
   * anything happened (false only when nothing at all is pending).
   */
  step(clients: SimDriver, maxCallbacks: number): boolean {
    const { session } = this
    const cluster = session.cluster
    const before = [cluster.stepCount, cluster.now, cluster.inputs.length, session.index]
    const phase = session.phase
    for (let callbacks = 0; ; callbacks++) {
      const callbackAt = clients.nextCallbackTime()
      const stoppedIn = session.step(callbackAt ?? Infinity)
      if (stoppedIn === 'paused' || stoppedIn === 'finished') break
      if (cluster.stepCount > before[0]!) break
      // Nothing happened up to the callback's time: it runs (a callback, like the cluster's
      // events, may be all there is), then the search for the next event goes on.
      if (callbackAt === null || cluster.now < callbackAt || callbacks >= maxCallbacks) break
      clients.runNext()
      if (cluster.stepCount > before[0]!) break
    }
    if (session.phase === 'finished') this.finalOutcome ??= session.outcome()
    const after = [cluster.stepCount, cluster.now, cluster.inputs.length, session.index]
    return session.phase !== phase || after.some((value, i) => value !== before[i])
  }

  /**
   * Plays on from the present, without pausing, to the start of narration step `index` (a
   * step the run has not begun yet): the user's actions so far stay, and the live clients'
   * callbacks run in time order as they would while playing.
   */
  skipTo(index: number, clients: SimDriver): SessionPhase {
    const { session } = this
    while (session.phase !== 'finished' && session.index < index) {
      if (session.phase === 'paused') session.proceed()
      else this.advance(this.settings.duration, clients, Number.MAX_SAFE_INTEGER)
    }
    return session.phase
  }

  view(): NarrationView {
    const { session, settings } = this
    const phase = session.phase
    const judged =
      phase === 'finished'
        ? (this.finalOutcome ??= session.outcome())
        : phase === 'epilogue'
          ? session.outcome()
          : null
    return {
      scenario: settings.scenario.name,
      description: settings.scenario.description,
      kind: scenarioKind(settings.scenario),
      steps: this.steps,
      index: session.index,
      phase,
      highlight: session.highlight(),
      played: session.narration.map((step) => ({
        index: step.index,
        reached: step.reached,
        pausedAt: step.pause?.t ?? null,
        checks: step.checks.map(checkView),
      })),
      expectations: judged === null ? null : judged.expectations.map(checkView),
      passed: judged === null ? null : judged.passed,
      duration: settings.duration,
    }
  }
}

function checkView(result: ExpectationResult): CheckView {
  return { text: result.text, held: result.held, actual: result.actual }
}
