/**
 * One demo per teaching bug switch (docs/bugs.md): each runs a short script with the switch on
 * and expects the checker to report the rule it breaks and, where the run gets that far, the
 * safety property that fails. `bug-commit-old-term` is Figure 8 and lives with it (safety.ts).
 *
 * Leaders are chosen with `timeout-now` at fixed instants, so the captions can name nodes.
 */
/**
 * Node 2 votes for node 1 in term 1; then, on node 3's side of a moved partition (and, with
 * `restartVoter`, just restarted), it is asked for its vote in term 1 again. The two demos of
 * a second vote in one term differ only in why node 2 votes again.
 */
function secondVote(restartVoter: boolean, secondVoteStep: unknown, twoLeadersCaption: string) {
  return {
    defaults: { nodes: 3, network: 'reliable', duration: 800, rate: 0 },
    script: [
      { at: 10, action: 'partition', groups: [[1, 2], [3]] },
      { at: 10, action: 'timeout-now', node: 1 },
      ...(restartVoter
        ? [
            { at: 40, action: 'crash', node: 2 },
            { at: 40, action: 'restart', node: 2 },
          ]
        : []),
      { at: 40, action: 'partition', groups: [[2, 3], [1]] },
      { at: 40, action: 'timeout-now', node: 3 },
    ],
    narration: [
      {
        title: 'Node 2 votes for node 1',
        caption:
          'Nodes 1 and 2 are together, node 3 alone. Node 1 starts an election in term 1 and node 2 votes for it: node 1 leads term 1.',
        until: { leaderElected: true },
        highlight: { nodes: [1, 2], messages: ['RequestVote', 'RequestVoteReply'] },
      },
      secondVoteStep,
      {
        title: 'Two leaders in one term',
        caption: twoLeadersCaption,
        until: { finding: 'election-safety' },
        highlight: { nodes: [1, 3] },
      },
    ],
    expect: [{ finding: 'one-vote-per-term' }, { finding: 'election-safety' }],
  }
}

export const BUG_DEMOS: readonly unknown[] = [
  {
    name: 'bug-vote-without-log-check',
    description:
      'With the vote-without-log-check switch on, a server votes for a candidate whose log lacks a committed entry; that candidate becomes leader and overwrites the entry (§5.4.1).',
    defaults: { nodes: 3, network: 'reliable', duration: 1_500, rate: 0 },
    config: { seed: 1, bugs: ['vote-without-log-check'] },
    script: [
      { at: 0, action: 'timeout-now', node: 1 },
      { at: 300, action: 'disconnect', node: 3 },
      { at: 310, action: 'submit', command: 'x=1', node: 1 },
      { at: 500, action: 'disconnect', node: 1 },
      { at: 500, action: 'connect', node: 3 },
      { at: 500, action: 'timeout-now', node: 3 },
      { at: 600, action: 'submit', command: 'y=2', node: 3 },
    ],
    narration: [
      {
        title: 'Node 3 misses a commit',
        caption:
          'Node 1 leads. Node 3 is cut off at 0.3 s; x=1 then commits on nodes 1 and 2, a majority. Node 3’s log does not have it.',
        until: { t: 450 },
        highlight: {
          nodes: [3],
          log: [
            { node: 1, from: 1 },
            { node: 2, from: 1 },
          ],
        },
      },
      {
        title: 'A vote without the log check',
        caption:
          'At 0.5 s node 1 is cut off, node 3 comes back and stands for election. Node 2 should refuse: node 3’s log is less up to date than its own (§5.4.1). With the bug it votes yes, and node 3 becomes leader without the committed entry.',
        until: { finding: 'leader-completeness' },
        highlight: { nodes: [2, 3], messages: ['RequestVote', 'RequestVoteReply'] },
        expect: [{ finding: 'vote-log-check' }],
      },
      {
        title: 'A committed entry is overwritten',
        caption:
          'A client writes y=2 to node 3, which sends it to node 2 at index 1. Node 2 deletes its committed, applied x=1 to take it: committed data is lost.',
        until: { finding: 'commit-durability' },
        highlight: { nodes: [2], log: [{ node: 2, from: 1 }] },
      },
    ],
    expect: [
      { finding: 'vote-log-check' },
      { finding: 'leader-completeness' },
      { finding: 'commit-durability' },
      { finding: 'state-machine-safety' },
    ],
  },
  {
    name: 'bug-votedfor-not-persisted',
    description:
      'With the votedfor-not-persisted switch on, a server that restarts forgets whom it voted for and votes again in the same term: two leaders of term 1 (§5.2, Figure 2).',
    config: { seed: 1, bugs: ['votedfor-not-persisted'], nodes: { min: 3, max: 3 } },
    ...secondVote(
      true,
      {
        title: 'Node 2 restarts and forgets',
        caption:
          'At 40 ms node 2 crashes and restarts, now on node 3’s side. With the bug it recovers its term and log but not its vote. Node 3 asks for a vote in term 1, and node 2 gives it a second time.',
        until: { finding: 'one-vote-per-term' },
        highlight: { nodes: [2, 3], messages: ['RequestVote', 'RequestVoteReply'] },
      },
      'Node 3 has two votes of three, so it leads term 1 too. Election Safety is broken: each leader believes it alone decides what term 1’s entries are.',
    ),
  },
  {
    name: 'bug-double-vote',
    description:
      'With the double-vote switch on, a server votes for a second candidate in a term it already voted in: two leaders of term 1 (§5.2).',
    config: { seed: 1, bugs: ['double-vote'], nodes: { min: 3, max: 3 } },
    ...secondVote(
      false,
      {
        title: 'A second vote in the same term',
        caption:
          'At 40 ms the partition moves node 2 to node 3’s side, and node 3 asks for a vote in term 1. Node 2 already voted in term 1 and must refuse; with the bug it votes again.',
        until: { finding: 'one-vote-per-term' },
        highlight: { nodes: [2, 3], messages: ['RequestVote', 'RequestVoteReply'] },
      },
      'Node 3 now has a majority too and leads term 1 beside node 1. Election Safety, the property every other guarantee builds on, is broken.',
    ),
  },
  {
    name: 'bug-truncate-on-any-append',
    description:
      'With the truncate-on-any-append switch on, a follower deletes matching entries when a late AppendEntries arrives: one request held up on a slow link makes it drop entries it had acknowledged and knew were committed (Figure 2, AppendEntries step 3).',
    defaults: { nodes: 3, network: 'reliable', duration: 1_000, rate: 0 },
    config: { seed: 1, bugs: ['truncate-on-any-append'] },
    script: [
      { at: 0, action: 'timeout-now', node: 1 },
      { at: 100, action: 'submit', command: 'x=1' },
      { at: 150, action: 'submit', command: 'x=2' },
      // One request is held up: the link is slow only while x=3 is sent, so every later
      // message to node 2 overtakes it, whatever the seed draws for the fast ones.
      { at: 300, action: 'set-link', from: 1, to: 2, link: { latencyMin: 300, latencyMax: 300 } },
      { at: 300, action: 'submit', command: 'x=3' },
      { at: 300, action: 'set-link', from: 1, to: 2, link: { latencyMin: 1, latencyMax: 10 } },
      { at: 400, action: 'submit', command: 'x=4' },
    ],
    narration: [
      {
        title: 'Node 1 leads',
        caption:
          'Node 1 leads term 1, and two client writes, x=1 and x=2, commit on all three servers. When a heartbeat repeats an entry a follower already has, the bug makes it delete and rewrite it: the checker flags that, though no harm is done while the request carries the same entries.',
        until: { allCommitted: 2 },
        highlight: { nodes: [1] },
      },
      {
        title: 'One request is held up',
        caption:
          'At 0.3 s a client writes x=3. The AppendEntries that carries it to node 2 is held up on the way: it will arrive 300 ms later. Real networks delay and reorder messages like this.',
        until: { t: 300 },
        highlight: { nodes: [1, 2], messages: ['AppendEntries'] },
      },
      {
        title: 'Node 2 moves on',
        caption:
          'The next heartbeat carries x=3 to node 2 again, and a client writes x=4. Node 2 stores both, acknowledges them, and learns they are committed; the held-up copy is still on its way.',
        until: { allCommitted: 4 },
        highlight: { nodes: [2], log: [{ node: 2, from: 3, to: 4 }] },
      },
      {
        title: 'A late request deletes committed entries',
        caption:
          'The late AppendEntries arrives: after index 2 it carries x=3, which node 2 already has. Node 2 should keep its log (it deletes only on a conflict); with the bug it deletes everything after prevLogIndex, x=3 and x=4, entries it acknowledged and knew were committed.',
        until: { finding: 'commit-durability' },
        highlight: {
          nodes: [2],
          messages: ['AppendEntries', 'AppendEntriesReply'],
          log: [{ node: 2, from: 3, to: 4 }],
        },
        expect: [{ finding: 'conflict-only-truncation' }],
      },
      {
        title: 'The leader does not know',
        caption:
          'Node 2 appends x=3 again, but x=4 is gone from its log. The leader still counts node 2 as storing x=4: the majority that made x=4 committed is no longer there.',
        until: { after: 200 },
        highlight: { nodes: [1, 2], log: [{ node: 2, from: 4 }] },
        expect: [{ logsMatch: false }],
      },
    ],
    expect: [{ finding: 'conflict-only-truncation' }, { finding: 'commit-durability' }],
  },
  {
    name: 'bug-no-step-down',
    description:
      'With the no-step-down switch on, a leader ignores the higher term in replies and stays a stale leader, accepting writes it can never commit; safety holds, progress does not (Figure 2, rules for all servers).',
    defaults: { nodes: 3, network: 'reliable', duration: 2_500, rate: 0 },
    config: { seed: 1, bugs: ['no-step-down'], nodes: { min: 3 } },
    script: [
      { at: 0, action: 'timeout-now', node: 1 },
      { at: 500, action: 'disconnect', node: 1 },
      { at: 1_500, action: 'connect', node: 1 },
      { at: 1_500, action: 'cut', from: 'leader', to: 1 },
      { at: 1_600, action: 'submit', command: 'x=1', node: 1 },
      { at: 2_000, action: 'heal' },
    ],
    narration: [
      {
        title: 'Node 1 leads term 1',
        caption: 'The script starts an election on node 1, which leads term 1.',
        until: { leaderElected: true },
        highlight: { nodes: [1] },
      },
      {
        title: 'A new leader while node 1 is away',
        caption:
          'Node 1 is cut off at 0.5 s; nodes 2 and 3 elect a leader in a later term. Node 1 still thinks it leads term 1.',
        until: { leaderElected: true },
        highlight: { nodes: [1, 'leader'] },
      },
      {
        title: 'The higher term arrives in replies',
        caption:
          'At 1.5 s node 1 is reconnected, except that the new leader’s messages to it are still cut. The other follower answers node 1’s heartbeats with the higher term; correct Raft steps down at once, but with the bug node 1 ignores a higher term in a reply.',
        until: { finding: 'term-adoption' },
        highlight: { nodes: [1], messages: ['AppendEntries', 'AppendEntriesReply'] },
        expect: [{ finding: 'term-adoption' }],
      },
      {
        title: 'A stale leader accepts a write',
        caption:
          'A client writes x=1 to node 1, which accepts it as leader of term 1. It can never commit: no server accepts entries from a stale term. Safety holds; the client just waits. This is a liveness bug.',
        until: { t: 2_000 },
        highlight: { nodes: [1], log: [{ node: 1, from: 1 }] },
      },
    ],
    expect: [{ finding: 'term-adoption' }],
  },
]
