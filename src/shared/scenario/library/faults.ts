/**
 * Lessons on an imperfect world: a network that loses, duplicates and reorders messages, and a
 * clock that runs slow (§5.6: safety never depends on timing; availability does).
 */
export const FAULT_LESSONS: readonly unknown[] = [
  {
    name: 'lossy-network',
    description:
      'Every link loses 10% of messages, duplicates 10% and delays 5% long enough to reorder them; Raft still elects, commits and agrees, because lost messages are retried and duplicates and late arrivals are harmless (§5.3, §5.5).',
    defaults: { nodes: 5, network: 'reliable', duration: 8_000, rate: 5 },
    config: {
      seed: 1,
      link: {
        latencyMin: 1,
        latencyMax: 20,
        loss: 0.1,
        duplicate: 0.1,
        longDelayProbability: 0.05,
        longDelayMin: 100,
        longDelayMax: 600,
      },
      nodes: { min: 2 },
    },
    script: [
      { at: 6_000, action: 'set-rate', rate: 0 },
      { at: 6_000, action: 'set-network', network: 'reliable' },
    ],
    narration: [
      {
        title: 'A network that misbehaves',
        caption:
          'Every link loses 10% of messages, delivers 10% twice, and sends 5% on a detour of 0.1–0.6 s so that they arrive after messages sent later. Even so a leader is elected: a candidate asks again those who did not answer.',
        until: { leaderElected: true },
        highlight: { messages: ['RequestVote', 'RequestVoteReply'] },
      },
      {
        title: 'Lost messages are sent again',
        caption:
          'Watch the dropped messages. A leader resends to a follower whose reply it did not get (every heartbeat carries whatever is missing), so a loss delays a commit but never loses it.',
        until: { committed: 10 },
        highlight: { nodes: ['leader'], messages: ['AppendEntries', 'AppendEntriesReply'] },
        expect: [{ lostAtLeast: 1 }],
      },
      {
        title: 'Duplicates are harmless',
        caption:
          'A duplicated AppendEntries finds its entries already in the follower’s log, so nothing changes; a duplicated vote counts once, because a candidate counts voters, not replies.',
        until: { t: 3_000 },
        highlight: { messages: ['AppendEntries', 'RequestVoteReply'] },
        expect: [{ duplicatedAtLeast: 1 }],
      },
      {
        title: 'Late messages cannot undo progress',
        caption:
          'A delayed AppendEntries may arrive after newer ones. The follower keeps every entry that matches (it deletes only on a conflict), and the leader ignores a reply to a probe it has moved past.',
        until: { t: 6_000 },
        highlight: { messages: ['AppendEntries', 'AppendEntriesReply'] },
        expect: [{ reorderedAtLeast: 1 }],
      },
      {
        title: 'The network recovers',
        caption:
          'At 6 s the network turns reliable and the clients stop. Every log converges to the leader’s: the same entries, in the same order, on every server.',
        until: { logsMatch: true },
      },
    ],
    expect: [
      { lostAtLeast: 20 },
      { duplicatedAtLeast: 20 },
      { reorderedAtLeast: 5 },
      { committedAtLeast: 20 },
      { logsMatch: true },
      { noFindings: true },
    ],
  },
  {
    name: 'clock-drift',
    description:
      'The leader’s clock slows to a quarter of real speed, so its heartbeats come too rarely; followers time out and elect a new leader. Timing affects who leads and when, never safety (§5.6).',
    defaults: { nodes: 5, network: 'reliable', duration: 6_000, rate: 2 },
    config: { seed: 1, nodes: { min: 3 } },
    script: [
      { at: 1_500, action: 'drift', node: 'leader', rate: 0.25, as: 'slow' },
      { at: 4_000, action: 'drift', node: '@slow', rate: 1 },
      { at: 5_000, action: 'set-rate', rate: 0 },
    ],
    narration: [
      {
        title: 'A leader is elected',
        caption: 'Five servers with clocks that agree elect a leader.',
        until: { leaderElected: true },
      },
      {
        title: 'Normal operation',
        caption:
          'Heartbeats every 50 ms, election timeouts of 150–300 ms: the timeout is several heartbeats long, so a follower hears from the leader well before its timer runs out.',
        until: { t: 1_500 },
        highlight: { nodes: ['leader'], messages: ['AppendEntries'] },
      },
      {
        title: 'The leader’s clock slows down',
        caption:
          'At 1.5 s the leader’s clock starts running at a quarter of real speed: its 50 ms heartbeat timer now fires every 200 ms of real time, close to the followers’ timeouts. Watch the followers’ timers.',
        until: { leaderElected: true },
        highlight: { nodes: ['@slow'], messages: ['AppendEntries', 'RequestVote'] },
      },
      {
        title: 'Availability suffers, safety does not',
        caption:
          'A follower timed out and won a new term; the slow leader stepped down when it heard of it. Raft’s safety never depends on clocks; only how quickly it elects and commits does (§5.6: broadcastTime ≪ electionTimeout ≪ MTBF).',
        until: { t: 4_000 },
        highlight: { nodes: ['@slow', 'leader'] },
        expect: [{ leaderChanged: true }, { noFindings: true }],
      },
      {
        title: 'The clock is fixed',
        caption:
          'The slow clock is back to normal speed at 4 s. The cluster carries on with its new leader; every log agrees.',
        until: { after: 1_500 },
      },
    ],
    expect: [
      { leaderChanged: true },
      { committedAtLeast: 5 },
      { logsMatch: true },
      { noFindings: true },
    ],
  },
]
