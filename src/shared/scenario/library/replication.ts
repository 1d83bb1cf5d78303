/**
 * Lessons on log replication (§5.3) and on how a leader repairs logs that diverged (§5.3,
 * Figure 7; §5.5): commit by majority, a follower catching up with fast backtracking, a stale
 * leader whose uncommitted writes roll back, and Figure 7's divergent followers.
 */
export const REPLICATION_LESSONS: readonly unknown[] = [
  {
    name: 'log-replication',
    description:
      'A client command travels from the leader to the followers and commits once a majority stores it; a paused follower does not stop commits, and catches up when it resumes (§5.3).',
    defaults: { nodes: 5, network: 'reliable', duration: 3_000, rate: 0 },
    config: { seed: 1 },
    script: [
      { at: 0, action: 'timeout-now', node: 1 },
      { at: 500, action: 'submit', command: 'x=1' },
      { at: 1_000, action: 'pause', node: 5 },
      { at: 1_200, action: 'submit', command: 'y=2' },
      { at: 1_250, action: 'submit', command: 'x=3' },
      { at: 2_000, action: 'resume', node: 5 },
    ],
    narration: [
      {
        title: 'Node 1 becomes leader',
        caption:
          'The script starts an election on node 1 at once (timeout-now), so node 1 leads term 1 before any other timer runs out.',
        until: { leaderElected: true },
        highlight: { nodes: [1] },
      },
      {
        title: 'A client command arrives',
        caption:
          'At 0.5 s a client sends x=1 to the leader. The leader appends it to its own log at index 1, not yet committed, and sends it to every follower in AppendEntries.',
        until: { t: 500 },
        highlight: { nodes: [1], log: [{ node: 1, from: 1 }] },
      },
      {
        title: 'Stored on a majority: committed',
        caption:
          'Each follower appends the entry and replies. As soon as 3 of the 5 servers (a majority, the leader included) store it, the leader marks index 1 committed and applies x=1.',
        until: { committed: 1 },
        highlight: {
          messages: ['AppendEntries', 'AppendEntriesReply'],
          log: [
            { node: 1, from: 1 },
            { node: 2, from: 1 },
            { node: 3, from: 1 },
            { node: 4, from: 1 },
            { node: 5, from: 1 },
          ],
        },
        expect: [{ committedAtLeast: 1 }],
      },
      {
        title: 'Followers learn the commit',
        caption:
          'Followers learn that index 1 is committed from the leaderCommit field of the next AppendEntries (a heartbeat will do), and apply x=1 to their own state machines.',
        until: { allCommitted: 1 },
        highlight: { messages: ['AppendEntries'] },
      },
      {
        title: 'A slow follower',
        caption:
          'At 1 s node 5 pauses (think of a long garbage-collection pause). Two more commands arrive: they commit with 4 of 5 servers, because a majority is enough.',
        until: { committed: 3 },
        highlight: {
          nodes: [5],
          log: [
            { node: 1, from: 2, to: 3 },
            { node: 5, from: 2, to: 3 },
          ],
        },
      },
      {
        title: 'It catches up',
        caption:
          'Node 5 resumes at 2 s. The leader kept retrying it; now node 5 appends entries 2 and 3 and learns they are committed. No command was lost or applied twice.',
        until: { allCommitted: 3 },
        highlight: { nodes: [5], log: [{ node: 5, from: 2, to: 3 }] },
      },
    ],
    expect: [{ committedAtLeast: 3 }, { maxTerm: 1 }, { logsMatch: true }, { noFindings: true }],
  },
  {
    name: 'catch-up',
    description:
      'A follower is cut off for 5 s while 100 entries commit and the leader changes; when it returns, the new leader finds where its log ends in a round trip or two (fast backtracking, §5.3) and streams it the rest.',
    defaults: { nodes: 5, network: 'reliable', duration: 8_000, rate: 20 },
    config: { seed: 1, nodes: { min: 3 } },
    script: [
      { at: 1_000, action: 'disconnect', node: 'follower', as: 'lagging' },
      { at: 1_000, action: 'set-election-timer', node: '@lagging', delay: 30_000 },
      { at: 3_000, action: 'crash', node: 'leader', as: 'first-leader' },
      { at: 3_500, action: 'restart', node: '@first-leader' },
      { at: 6_000, action: 'connect', node: '@lagging' },
      { at: 7_000, action: 'set-rate', rate: 0 },
    ],
    narration: [
      {
        title: 'A healthy cluster',
        caption:
          'A leader replicates about 20 client commands a second to four followers. Every follower’s log follows the leader’s closely.',
        until: { t: 1_000 },
        highlight: { nodes: ['leader'] },
      },
      {
        title: 'A follower is cut off',
        caption:
          'One follower (highlighted) lost its network at 1 s. The other four still make a majority and go on committing without it: its log stops growing. (The script also holds its election timer back; otherwise it would start election after election alone, raising its term, and disrupt the cluster when it returns.)',
        until: { t: 3_000 },
        highlight: { nodes: ['@lagging'] },
      },
      {
        title: 'A new leader',
        caption:
          'The leader crashed at 3 s and a new one takes over. A new leader knows nothing of how far each follower got: it starts by assuming every follower has its whole log (nextIndex = its last index + 1).',
        until: { leaderElected: true },
        highlight: { nodes: ['leader', '@first-leader'] },
      },
      {
        title: 'The lagging follower returns',
        caption:
          'The cut-off follower is reconnected at 6 s, about 100 entries behind. Watch the next AppendEntries to it.',
        until: { t: 6_000 },
        highlight: { nodes: ['@lagging', 'leader'] },
      },
      {
        title: 'Fast backtracking',
        caption:
          'The first AppendEntries does not match the follower’s short log, so it is rejected. The rejection says where the follower’s log ends, and the leader jumps straight there instead of stepping back one entry per round trip; then it streams the missing entries in large batches.',
        until: { caughtUp: '@lagging' },
        highlight: { nodes: ['@lagging'], messages: ['AppendEntries', 'AppendEntriesReply'] },
        expect: [{ rejectionsAtMost: 3 }],
      },
    ],
    expect: [
      { committedAtLeast: 100 },
      { rejectionsAtMost: 3 },
      { logsMatch: true },
      { noFindings: true },
    ],
  },
  {
    name: 'stale-leader',
    description:
      'The leader is cut off and keeps accepting writes it can never commit while the majority elects a new leader; after the heal the old leader steps down and its uncommitted entries are rolled back (§5.3, §5.4, §8).',
    defaults: { nodes: 5, network: 'reliable', duration: 7_000, rate: 2 },
    config: { seed: 1, nodes: { min: 3 } },
    script: [
      { at: 2_000, action: 'disconnect', node: 'leader', as: 'stale' },
      { at: 2_600, action: 'submit', node: '@stale', command: 'stale-1' },
      { at: 2_800, action: 'submit', node: '@stale', command: 'stale-2' },
      { at: 3_000, action: 'submit', node: '@stale', command: 'stale-3' },
      { at: 4_500, action: 'connect', node: '@stale' },
      { at: 5_500, action: 'set-rate', rate: 0 },
    ],
    narration: [
      {
        title: 'Normal operation',
        caption:
          'A leader commits about 2 client commands a second. At 2 s it loses its network (highlighted).',
        until: { t: 2_000 },
        highlight: { nodes: ['leader'] },
      },
      {
        title: 'The majority elects a new leader',
        caption:
          'The old leader does not know it is cut off: it still thinks it leads. The other four stop hearing its heartbeats and elect a new leader in a higher term.',
        until: { leaderElected: true },
        highlight: { nodes: ['@stale'], messages: ['RequestVote', 'RequestVoteReply'] },
      },
      {
        title: 'Two leaders, one of them stale',
        caption:
          'A client that still talks to the old leader sends it three writes. It appends them to its log, but it can never commit them: no majority can hear it. Its term is lower than the new leader’s, so nothing it does can win.',
        until: { t: 3_000 },
        highlight: { nodes: ['@stale', 'leader'] },
        expect: [{ leaderChanged: true }],
      },
      {
        title: 'Meanwhile the majority commits',
        caption:
          'The new leader commits new client writes with the majority. Compare the logs: at the same indexes the old leader holds different, uncommitted entries of the old term.',
        until: { t: 4_500 },
        highlight: { nodes: ['@stale', 'leader'] },
        expect: [{ logsMatch: false }],
      },
      {
        title: 'The stale leader steps down',
        caption:
          'The network heals at 4.5 s. The first message of the new term that reaches the old leader makes it adopt that term and step down to follower.',
        until: { nodeRole: { node: '@stale', role: 'follower' } },
        highlight: { nodes: ['@stale'] },
      },
      {
        title: 'Its writes are rolled back',
        caption:
          'The new leader’s entries conflict with the old leader’s stale ones (same index, different term), so the follower deletes them and takes the leader’s. The stale writes are gone: they never committed, so no client was told they succeeded.',
        until: { caughtUp: '@stale' },
        highlight: { nodes: ['@stale'], messages: ['AppendEntries', 'AppendEntriesReply'] },
        expect: [{ rolledBack: '@stale' }],
      },
    ],
    expect: [
      { leaderChanged: true },
      { rolledBack: '@stale' },
      { logsMatch: true },
      { noFindings: true },
    ],
  },
  {
    name: 'figure-7',
    description:
      'Seven servers, as in the paper’s Figure 7: crafted partitions leave followers with missing entries and with extra uncommitted entries from two old terms; a new leader brings every log back in line with its own (§5.3).',
    defaults: { nodes: 7, network: 'reliable', duration: 7_000, rate: 4 },
    config: { seed: 1 },
    // Each leader is made by timeout-now at the moment the one before it is cut off, so no
    // randomized timer decides who leads which term. The client load stops for 100 ms before
    // each of those moments: every follower then holds the same log, and all the servers left
    // can vote for the chosen candidate (terms 2 and 3 need four of seven votes).
    script: [
      { at: 0, action: 'timeout-now', node: 1 },
      { at: 800, action: 'crash', node: 7 },
      { at: 1_400, action: 'set-rate', rate: 0 },
      { at: 1_500, action: 'disconnect', node: 1 },
      { at: 1_500, action: 'timeout-now', node: 2 },
      { at: 1_500, action: 'set-rate', rate: 4 },
      { at: 1_600, action: 'submit', node: 1, command: 'lost-a' },
      { at: 1_700, action: 'submit', node: 1, command: 'lost-b' },
      { at: 2_900, action: 'set-rate', rate: 0 },
      { at: 3_000, action: 'disconnect', node: 2 },
      { at: 3_000, action: 'timeout-now', node: 3 },
      { at: 3_000, action: 'set-rate', rate: 4 },
      { at: 3_100, action: 'submit', node: 2, command: 'lost-c' },
      { at: 4_500, action: 'set-rate', rate: 0 },
      { at: 5_000, action: 'heal' },
      { at: 5_000, action: 'restart', node: 7 },
    ],
    narration: [
      {
        title: 'A healthy start',
        caption:
          'The script starts an election on node 1, which leads term 1 of seven servers and commits client commands. So far every log is the same.',
        until: { t: 800 },
        highlight: { nodes: [1] },
      },
      {
        title: 'A follower falls behind',
        caption:
          'Node 7 crashed at 0.8 s. It keeps its log on disk but misses every entry from now on: like followers (a) and (b) in Figure 7.',
        until: { t: 1_500 },
        highlight: { nodes: [7] },
      },
      {
        title: 'The leader of term 1 is cut off',
        caption:
          'Node 1 is cut off at 1.5 s, and node 2 wins term 2 with the votes of nodes 3 to 6. Clients still reach node 1 for a moment and it appends their commands, but it can no longer commit them: extra, uncommitted entries of an old term, like follower (f).',
        until: { leaderElected: true },
        highlight: { nodes: [1, 2] },
      },
      {
        title: 'A leader of term 2 is cut off too',
        caption:
          'Node 2 leads term 2 and commits more entries. At 3 s it is cut off in turn; a client still reaches it, and it appends that write in term 2 but can never commit it.',
        until: { t: 3_000 },
        highlight: { nodes: [2] },
      },
      {
        title: 'Divergent logs',
        caption:
          'Nodes 3 to 6, four of seven and just a majority, elect node 3 leader of term 3, and it commits more. Compare the logs now: node 7’s is short, nodes 1 and 2 end in entries of terms 1 and 2 that no other server has. This is the situation of Figure 7.',
        until: { t: 5_000 },
        highlight: { nodes: [3, 7, 1, 2] },
        expect: [{ logsMatch: false }],
      },
      {
        title: 'The leader repairs every log',
        caption:
          'The network heals and node 7 restarts at 5 s. For each follower the leader finds the last index where their logs agree (rejections walk nextIndex back), deletes the follower’s conflicting entries and sends its own. The leader never changes its own log.',
        until: { logsMatch: true },
        highlight: {
          nodes: [7, 1, 2],
          messages: ['AppendEntries', 'AppendEntriesReply'],
        },
        expect: [{ rolledBack: 1 }, { rolledBack: 2 }],
      },
    ],
    expect: [
      { rolledBack: 1 },
      { rolledBack: 2 },
      { termAtLeast: 3 },
      { maxTerm: 3 },
      { logsMatch: true },
      { noFindings: true },
    ],
  },
]
