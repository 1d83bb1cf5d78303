/**
 * Figure 8 of the Raft paper (§5.4.2), twice: with the correct commit rule, and with the
 * `commit-old-term` bug switch on. The two scripts are the same, step for step; only the
 * switch differs, so a class can run them side by side.
 *
 * S1 … S5 are nodes 1 … 5. Leaders are made by `timeout-now` at chosen instants (well before
 * any randomized election timer could run out), so the terms match the paper's.
 */
function figure8Script(): unknown[] {
  return [
    // Term 1: node 2 leads and commits index 1 everywhere.
    { at: 0, action: 'timeout-now', node: 2 },
    { at: 60, action: 'submit', command: 'x=1', node: 2 },
    // (a) Term 2: S1 leads and replicates index 2 to S2 only.
    { at: 200, action: 'timeout-now', node: 1 },
    {
      at: 260,
      action: 'partition',
      groups: [
        [1, 2],
        [3, 4, 5],
      ],
    },
    { at: 270, action: 'submit', command: 'y=2', node: 1 },
    // (b) S1 crashes; S5 wins term 3 with votes from S3, S4 and itself, and takes a different
    // entry at index 2 that nobody else gets.
    { at: 320, action: 'crash', node: 1 },
    { at: 320, action: 'heal' },
    { at: 330, action: 'timeout-now', node: 5 },
    { at: 380, action: 'disconnect', node: 5 },
    { at: 390, action: 'submit', command: 'y=3', node: 5 },
    { at: 400, action: 'crash', node: 5 },
    // (c) S1 restarts and wins term 4 (its term-3 attempt is refused: S3 and S4 voted for S5);
    // it replicates its term-2 entry to a majority.
    { at: 410, action: 'restart', node: 1 },
    { at: 415, action: 'timeout-now', node: 1 },
    { at: 440, action: 'timeout-now', node: 1 },
    // (d) S1 crashes; S5 restarts and wins term 5 (S2, S3 and S4 vote for it: its last term,
    // 3, beats their 2), then replicates its own index 2 over everyone else's.
    { at: 600, action: 'crash', node: 1 },
    { at: 610, action: 'restart', node: 5 },
    { at: 610, action: 'connect', node: 5 },
    { at: 615, action: 'timeout-now', node: 5 },
    { at: 640, action: 'timeout-now', node: 5 },
    { at: 800, action: 'submit', command: 'z=5', node: 5 },
    { at: 1_200, action: 'restart', node: 1 },
  ]
}

const FIGURE_8_STEPS = {
  termOne: {
    title: 'Term 1: index 1 commits everywhere',
    caption:
      'Node 2 leads term 1 and commits x=1 at index 1 on all five servers. Figure 8 starts from here; its servers S1 … S5 are nodes 1 … 5.',
    until: { allCommitted: 1 },
    highlight: { nodes: [2], log: [{ node: 2, from: 1 }] },
  },
  a: {
    title: '(a) S1 leads term 2',
    caption:
      'S1 wins term 2 and, cut off from S3 … S5, replicates y=2 at index 2 to S2 only. The entry of term 2 is on two servers: not a majority.',
    until: { t: 310 },
    highlight: {
      nodes: [1, 2],
      log: [
        { node: 1, from: 2 },
        { node: 2, from: 2 },
      ],
    },
  },
  b: {
    title: '(b) S5 leads term 3',
    caption:
      'S1 crashed. S5 wins term 3 with votes from S3, S4 and itself (S2 refuses: its log is more up to date), takes a different entry, y=3, at index 2, and crashes before sending it anywhere.',
    until: { t: 405 },
    highlight: { nodes: [5], log: [{ node: 5, from: 2 }] },
  },
} as const

export const SAFETY_LESSONS: readonly unknown[] = [
  {
    name: 'figure-8',
    description:
      'The paper’s Figure 8 with the correct commit rule: a leader does not commit an entry of an earlier term by counting replicas, so when a later leader overwrites that entry nothing committed is lost (§5.4.2).',
    defaults: { nodes: 5, network: 'reliable', duration: 1_500, rate: 0 },
    config: { seed: 1 },
    script: figure8Script(),
    narration: [
      FIGURE_8_STEPS.termOne,
      FIGURE_8_STEPS.a,
      FIGURE_8_STEPS.b,
      {
        title: '(c) S1 leads term 4',
        caption:
          'S1 restarts and wins term 4. It sends its term-2 entry, y=2, to S3 and S4: now a majority stores it. Yet S1 does not commit it: a leader commits by counting replicas only entries of its own term.',
        until: { t: 590 },
        highlight: {
          nodes: [1],
          log: [
            { node: 1, from: 2 },
            { node: 2, from: 2 },
            { node: 3, from: 2 },
          ],
        },
        expect: [{ committedAtLeast: 1 }],
      },
      {
        title: '(d) S5 leads term 5 and overwrites index 2',
        caption:
          'S1 crashes; S5 restarts and wins term 5: its last entry (term 3) is more up to date than the others’ (term 2). It replaces y=2 with its own y=3 on every follower. That is safe only because y=2 was never committed.',
        until: { t: 800 },
        highlight: {
          nodes: [5],
          messages: ['AppendEntries', 'AppendEntriesReply'],
          log: [
            { node: 2, from: 2 },
            { node: 3, from: 2 },
            { node: 4, from: 2 },
          ],
        },
        expect: [{ rolledBack: true }, { noFindings: true }],
      },
      {
        title: '(e) Committing through the current term',
        caption:
          'A client writes z=5 to S5. Once this entry of term 5 is on a majority it commits, and index 2 (y=3) commits with it, indirectly, by Log Matching. Had S1 done the same in term 4, S5 could never have won.',
        until: { committed: 3 },
        highlight: { nodes: [5], log: [{ node: 5, from: 2, to: 3 }] },
      },
    ],
    expect: [
      { rolledBack: true },
      { committedAtLeast: 3 },
      { maxTerm: 5 },
      { logsMatch: true },
      { noFindings: true },
    ],
  },
  {
    name: 'bug-commit-old-term',
    description:
      'Figure 8 with the commit-old-term bug switch on: the leader of term 4 commits a term-2 entry because a majority stores it, and the leader of term 5 then overwrites that committed entry (§5.4.2).',
    defaults: { nodes: 5, network: 'reliable', duration: 1_500, rate: 0 },
    config: { seed: 1, bugs: ['commit-old-term'] },
    script: figure8Script(),
    narration: [
      FIGURE_8_STEPS.termOne,
      FIGURE_8_STEPS.a,
      FIGURE_8_STEPS.b,
      {
        title: '(c) S1 commits an old-term entry: the bug',
        caption:
          'S1 restarts, wins term 4 and sends y=2 (term 2) to S3 and S4. With the bug switched on it counts replicas for an entry of an earlier term: y=2 is on a majority, so S1 commits and applies it. The checker names the broken rule.',
        until: { finding: 'current-term-commit' },
        highlight: {
          nodes: [1],
          log: [
            { node: 1, from: 2 },
            { node: 2, from: 2 },
            { node: 3, from: 2 },
          ],
        },
        expect: [{ finding: 'current-term-commit' }],
      },
      {
        title: '(d) A committed entry is overwritten',
        caption:
          'S1 crashes; S5 wins term 5 (its last term, 3, beats the others’ 2) and replaces y=2 with y=3 on every follower. But y=2 was committed and applied: committed data is lost, and servers disagree on what index 2 holds.',
        until: { finding: 'commit-durability' },
        highlight: {
          nodes: [5],
          messages: ['AppendEntries'],
          log: [
            { node: 2, from: 2 },
            { node: 3, from: 2 },
          ],
        },
        expect: [{ finding: 'commit-durability' }],
      },
      {
        title: 'State machines disagree',
        caption:
          'S5 applies y=3 at index 2 where the others applied y=2: State Machine Safety is broken. Compare with the figure-8 scenario, where the same script stays safe.',
        until: { finding: 'state-machine-safety' },
        highlight: { nodes: [5] },
      },
    ],
    expect: [
      { finding: 'current-term-commit' },
      { finding: 'commit-durability' },
      { finding: 'state-machine-safety' },
    ],
  },
]
