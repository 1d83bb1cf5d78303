import { describe, expect, it } from 'vitest'
import { Cluster } from '../../../src/shared/sim/cluster'
import {
  ConfigError,
  DEFAULT_CONFIG,
  NETWORK_PRESETS,
  resolveConfig,
} from '../../../src/shared/sim/config'

describe('cluster config', () => {
  it('fills every field from defaults: 5 nodes, reliable network, Raft paper timing', () => {
    const config = resolveConfig({})
    expect(config).toEqual(DEFAULT_CONFIG)
    expect(config.nodes).toBe(5)
    expect(config.timing.electionTimeoutMin).toBeGreaterThanOrEqual(
      3 * config.timing.heartbeatInterval,
    )
  })

  it('takes a network preset by name, or a partial link config on top of the reliable one', () => {
    expect(resolveConfig({ network: 'unreliable' }).network).toEqual(NETWORK_PRESETS.unreliable)
    const custom = resolveConfig({ network: { loss: 0.3 } })
    expect(custom.networkPreset).toBe('custom')
    expect(custom.network).toEqual({ ...NETWORK_PRESETS.reliable, loss: 0.3 })
  })

  it.each([
    [{ nodes: 0 }, 'nodes', 'at least 1'],
    [{ nodes: 16 }, 'nodes', 'at most 15'],
    [{ nodes: 2.5 }, 'nodes', ''],
    [{ seed: -1 }, 'seed', 'at least 0'],
    [{ network: { latencyMin: -5 } }, 'network.latencyMin', ''],
    [{ network: { loss: 1.5 } }, 'network.loss', 'at most 1'],
    [{ network: { duplicate: -0.1 } }, 'network.duplicate', ''],
    [
      { network: { latencyMin: 50, latencyMax: 10 } },
      'network.latencyMin',
      'above network.latencyMax',
    ],
    [{ network: { longDelayMin: 900, longDelayMax: 300 } }, 'network.longDelayMin', 'above'],
    [{ network: 'lossy' }, 'network', ''],
    [
      { timing: { electionTimeoutMin: 400, electionTimeoutMax: 300 } },
      'timing.electionTimeoutMin',
      'above timing.electionTimeoutMax',
    ],
    [{ timing: { heartbeatInterval: 100 } }, 'timing.electionTimeoutMin', 'heartbeatInterval'],
    [{ timing: { rpcRetryTimeout: 0 } }, 'timing.rpcRetryTimeout', ''],
    [{ timing: { maxEntriesPerAppend: 0 } }, 'timing.maxEntriesPerAppend', 'at least 1'],
    [{ nodez: 3 }, 'nodez', 'unknown field'],
    [{ timing: { heartbeat: 3 } }, 'timing.heartbeat', 'unknown field'],
  ])('rejects %j with one error naming %s', (input, field, detail) => {
    let error: unknown
    try {
      resolveConfig(input)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).field).toBe(field)
    expect((error as ConfigError).message).toContain(`invalid config: ${field}:`)
    expect((error as ConfigError).message).toContain(detail)
  })

  it('builds nothing from a bad config', () => {
    expect(() => new Cluster({ nodes: 99 })).toThrow(ConfigError)
    expect(() => new Cluster('five nodes')).toThrow(/invalid config/)
  })
})
