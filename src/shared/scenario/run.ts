import type { Trace } from '../trace'
import type { SkippedStep } from './driver'
import { ScenarioSession, type NarrationProgress, type ScenarioOutcome } from './session'
import type { RunOptions, RunSettings } from './settings'

export interface RunHooks {
  /** Called as virtual time advances (every `progressStep` ms of it), and once at the end. */
  readonly onProgress?: (now: number, duration: number) => void
  readonly progressStep?: number
  /** Called for each script step that found nobody to act on. */
  readonly onSkip?: (skipped: SkippedStep) => void
}

/** A scenario played to its end: the trace, and whether it showed what it promised. */
export interface PlayedScenario {
  readonly settings: RunSettings
  readonly trace: Trace
  readonly outcome: ScenarioOutcome
  /** Each narration step that began: where it began and paused, in the trace. */
  readonly narration: readonly NarrationProgress[]
  readonly skipped: readonly SkippedStep[]
}

/**
 * Plays a scenario headless from start to end: a cluster built from the settings, a recorder
 * and the checkers on it, the script and client workload driven in virtual time, every
 * narration step run to its pause point, and the expected outcomes judged. Same options =>
 * the same trace, byte for byte.
 */
export function playScenario(options: RunOptions = {}, hooks: RunHooks = {}): PlayedScenario {
  const session = ScenarioSession.start(options)
  const { settings } = session
  const step = Math.max(1, hooks.progressStep ?? 100)
  let reported = 0
  let target = 0
  while (session.phase !== 'finished') {
    if (session.phase === 'paused') {
      session.proceed()
      continue
    }
    if (session.cluster.now >= target) target = Math.min(target + step, settings.duration)
    session.advance(target)
    const skipped = session.driver.skipped
    for (; reported < skipped.length; reported++) hooks.onSkip?.(skipped[reported]!)
    if (session.cluster.now >= target) hooks.onProgress?.(target, settings.duration)
  }
  const outcome = session.outcome()
  return {
    settings,
    trace: session.finishTrace(),
    outcome,
    narration: session.narration,
    skipped: session.driver.skipped,
  }
}

/** Runs a scenario headless from start to end and returns its trace (see playScenario). */
export function runScenario(options: RunOptions = {}, hooks: RunHooks = {}): Trace {
  return playScenario(options, hooks).trace
}
