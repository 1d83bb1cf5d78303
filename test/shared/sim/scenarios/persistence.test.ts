import { describe, it } from 'vitest'
import { ELECTION_TIMEOUT, makeLab, SEEDS } from './lab'

describe.each(SEEDS)('lab 2C: persistence (seed %i)', (seed) => {
  it('persist 1: nodes restart from disk alone and keep agreeing', () => {
    const { h, next } = makeLab(3, seed)
    h.one(11, 3, true)
    // Crash and restart every node at once.
    for (const id of h.nodes) h.restart(id)
    h.one(12, 3, true)
    const leader1 = h.checkOneLeader()
    h.disconnect(leader1)
    h.restart(leader1)
    h.connect(leader1)
    h.one(13, 3, true)
    const leader2 = h.checkOneLeader()
    h.disconnect(leader2)
    h.one(14, 2, true)
    h.restart(leader2)
    h.connect(leader2)
    h.wait(4, 3) // the restarted node must catch up
    const i3 = next(h.checkOneLeader(), 1)
    h.disconnect(i3)
    h.one(15, 2, true)
    h.restart(i3)
    h.connect(i3)
    h.one(16, 3, true)
  })

  it('persist 2: more churn with restarts of parts of the cluster', () => {
    const { h, next } = makeLab(5, seed)
    let index = 1
    for (let iteration = 0; iteration < 5; iteration++) {
      h.one(10 + index++, 5, true)
      const leader1 = h.checkOneLeader()
      h.disconnect(next(leader1, 1))
      h.disconnect(next(leader1, 2))
      h.one(10 + index++, 3, true)
      h.disconnect(next(leader1, 0))
      h.disconnect(next(leader1, 3))
      h.disconnect(next(leader1, 4))
      h.restart(next(leader1, 1))
      h.restart(next(leader1, 2))
      h.connect(next(leader1, 1))
      h.connect(next(leader1, 2))
      h.runFor(ELECTION_TIMEOUT)
      h.restart(next(leader1, 3))
      h.connect(next(leader1, 3))
      h.one(10 + index++, 3, true)
      h.connect(next(leader1, 4))
      h.connect(next(leader1, 0))
    }
    h.one(1000, 5, true)
  })

  it('persist 3: a partitioned leader and its follower crash; the cluster recovers from disk', () => {
    const { h, next } = makeLab(3, seed)
    h.one(101, 3, false)
    const leader = h.checkOneLeader()
    h.disconnect(next(leader, 2))
    h.one(102, 2, false)
    h.crash(next(leader, 0))
    h.crash(next(leader, 1))
    h.connect(next(leader, 2))
    h.restart(next(leader, 0))
    h.connect(next(leader, 0))
    h.one(103, 2, true)
    h.restart(next(leader, 1))
    h.connect(next(leader, 1))
    h.one(104, 3, true)
  })

  it('Figure 8: leaders crash right after accepting commands; committed entries survive', () => {
    const { h, n, random, randomCommand } = makeLab(5, seed)
    h.one(randomCommand(), 1, true)
    let up = n
    for (let iteration = 0; iteration < 1000; iteration++) {
      let leader = -1
      for (const id of h.nodes) {
        if (h.cluster.status(id) === 'up' && h.start(id, randomCommand()).isLeader) leader = id
      }
      if (random.int(0, 999) < 100) h.runFor(random.int(0, ELECTION_TIMEOUT / 2 - 1))
      else h.runFor(random.int(0, 12))
      if (leader !== -1) {
        h.crash(leader)
        up--
      }
      if (up < 3) {
        const s = random.int(1, n)
        if (h.cluster.status(s) === 'crashed') {
          h.restart(s)
          up++
        }
      }
    }
    for (const id of h.nodes) if (h.cluster.status(id) === 'crashed') h.restart(id)
    h.one(randomCommand(), n, true)
  })

  it('unreliable agreement: commands commit over a lossy, reordering network', () => {
    const { h } = makeLab(5, seed, 'unreliable')
    for (let iteration = 1; iteration < 50; iteration++) {
      for (let j = 0; j < 4; j++) h.cluster.submit(100 * iteration + j, 'leader')
      h.one(iteration, 1, true)
    }
    h.setNetwork('reliable')
    h.one(100, 5, true)
  })

  it('Figure 8 (unreliable): leaders are cut off right after accepting commands, with long reordering', () => {
    const { h, n, random } = makeLab(5, seed, 'unreliable')
    h.one(random.int(0, 9999), 1, true)
    let up = n
    for (let iteration = 0; iteration < 1000; iteration++) {
      if (iteration === 200) {
        // Long reordering: many messages now take 200 to 2200 ms.
        h.cluster.apply({
          type: 'set-network',
          network: { latencyMin: 0, latencyMax: 26, loss: 0.1, longDelayProbability: 0.3 },
        })
      }
      let leader = -1
      for (const id of h.nodes) {
        if (h.start(id, random.int(0, 9999)).isLeader && h.isConnected(id)) leader = id
      }
      if (random.int(0, 999) < 100) h.runFor(random.int(0, ELECTION_TIMEOUT / 2 - 1))
      else h.runFor(random.int(0, 12))
      if (leader !== -1 && random.int(0, 999) < ELECTION_TIMEOUT / 2) {
        h.disconnect(leader)
        up--
      }
      if (up < 3) {
        const s = random.int(1, n)
        if (!h.isConnected(s)) {
          h.connect(s)
          up++
        }
      }
    }
    for (const id of h.nodes) h.connect(id)
    h.one(random.int(0, 9999), n, true)
  })
})
