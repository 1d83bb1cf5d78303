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
 * cluster, where it came from (so Back can replay it on a new cluster), and its narration as
 * the batches carry it.
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
