/**
 * Lessons on leader election (§5.2): the first election, a split vote, a leader's crash.
 * Plain data in the scenario file format (docs/scenarios.md); the seeds are chosen so each
 * shows its phenomenon, and test/shared/scenario/library.test.ts holds them to it.
 */
export const ELECTION_LESSONS: readonly unknown[] = [
  {
    name: 'first-election',
    description:
      'Five servers start as followers; the first election timer to run out starts an election, and a leader is elected in term 1 (§5.2).',
    defaults: { nodes: 5, network: 'reliable', duration: 2_000, rate: 0 },
    config: { seed: 1, nodes: { min: 2 } },
    // Two random timers that run out within a network delay of each other can split the vote
    // (a later lesson). One timer, on a node the seed picks, runs out before any random one
    // can, so every seed shows a single candidate winning term 1.
    script: [{ at: 0, action: 'set-election-timer', node: 'random', delay: 100 }],
    narration: [
      {
        title: 'Everyone starts as a follower',
        caption:
          'All five servers start as followers in term 0, with empty logs. Each has an election timer set to a random time between 150 and 300 ms, except one the script set to run out first, at 100 ms, so this first election has a single candidate: watch the timers run down.',
        until: { term: 1 },
      },
      {
        title: 'A candidate asks for votes',
        caption:
          'The first timer ran out: that server became a candidate, moved to term 1, voted for itself and sent RequestVote to every other server. Each server grants one vote per term, to the first candidate that asks.',
        until: { leaderElected: true },
        highlight: { messages: ['RequestVote', 'RequestVoteReply'] },
        expect: [{ leaderElected: true }],
      },
      {
        title: 'Heartbeats keep the peace',
        caption:
          'With votes from a majority (3 of 5) the candidate became leader. It now sends empty AppendEntries (heartbeats) every 50 ms; each one resets the followers’ timers, so nobody starts another election.',
        until: { after: 1_000 },
        highlight: { nodes: ['leader'], messages: ['AppendEntries', 'AppendEntriesReply'] },
        expect: [{ maxTerm: 1 }],
      },
    ],
    expect: [{ leaderElected: true }, { hasLeader: true }, { maxTerm: 1 }, { noFindings: true }],
  },
  {
    name: 'split-vote',
    description:
      'Four election timers are set to run out at the same instant: four candidates split the votes, nobody wins term 1, and randomized timeouts settle it in a later term (§5.2).',
    defaults: { nodes: 5, network: 'reliable', duration: 2_500, rate: 0 },
    config: { seed: 1, nodes: { min: 4, max: 6 } },
    script: [
      { at: 0, action: 'set-election-timer', node: 1, delay: 100 },
      { at: 0, action: 'set-election-timer', node: 2, delay: 100 },
      { at: 0, action: 'set-election-timer', node: 3, delay: 100 },
      { at: 0, action: 'set-election-timer', node: 4, delay: 100 },
    ],
    narration: [
      {
        title: 'Four timers run out together',
        caption:
          'The script set the election timers of nodes 1 to 4 to run out at the same instant, 100 ms in. Randomized timeouts make this rare in practice; here we force it to see what happens.',
        until: { t: 100 },
        highlight: { nodes: [1, 2, 3, 4] },
      },
      {
        title: 'The votes split',
        caption:
          'Four candidates in term 1, each of which voted for itself and so refuses the others. Node 5 can vote for only one of them: nobody can reach 3 votes, and term 1 ends without a leader.',
        until: { term: 2 },
        highlight: { nodes: [1, 2, 3, 4], messages: ['RequestVote', 'RequestVoteReply'] },
      },
      {
        title: 'Try again, at random',
        caption:
          'Every candidate drew a new random timeout (150–300 ms), and node 5 reset its timer when it voted. The first server whose timer runs out starts term 2 and asks for votes before anyone else does, so this time it wins.',
        until: { leaderElected: true },
        highlight: { messages: ['RequestVote', 'RequestVoteReply'] },
        expect: [{ splitVote: true }, { leaderElected: true }],
      },
      {
        title: 'A stable leader',
        caption:
          'The new leader’s heartbeats reset every timer. Ask: why does randomizing the timeout make a repeat of the split unlikely?',
        until: { after: 500 },
        highlight: { nodes: ['leader'] },
      },
    ],
    expect: [
      { splitVote: true },
      { leaderElected: true },
      { termAtLeast: 2 },
      { hasLeader: true },
      { noFindings: true },
    ],
  },
  {
    name: 'leader-failover',
    description:
      'The leader crashes at 2 s; the followers notice the silence, elect a new leader in a higher term, and the old leader comes back as a follower and catches up (§5.2, §5.5).',
    defaults: { nodes: 5, network: 'reliable', duration: 6_000, rate: 4 },
    config: { seed: 1, nodes: { min: 3 } },
    script: [
      { at: 2_000, action: 'crash', node: 'leader', as: 'old-leader' },
      { at: 4_000, action: 'restart', node: '@old-leader' },
      { at: 5_000, action: 'set-rate', rate: 0 },
    ],
    narration: [
      {
        title: 'A leader is elected',
        caption: 'The cluster starts and elects a leader, as in the first-election scenario.',
        until: { leaderElected: true },
      },
      {
        title: 'Normal operation',
        caption:
          'Clients send about 4 commands a second to the leader, which replicates them to the followers. Its heartbeats keep every follower’s election timer from running out.',
        until: { t: 2_000 },
        highlight: { nodes: ['leader'], messages: ['AppendEntries'] },
      },
      {
        title: 'The leader crashes',
        caption:
          'The leader has just crashed. The followers hear nothing more; the first whose election timer runs out becomes a candidate in the next term.',
        until: { leaderElected: true },
        highlight: { nodes: ['@old-leader'], messages: ['RequestVote', 'RequestVoteReply'] },
      },
      {
        title: 'A new leader',
        caption:
          'The four servers still running elected a new leader in a higher term. Only a server whose log is at least as up to date as a majority’s can win (§5.4.1), so it holds every committed entry. Clients now send to it.',
        until: { t: 4_000 },
        highlight: { nodes: ['leader', '@old-leader'] },
        expect: [{ leaderChanged: true }],
      },
      {
        title: 'The old leader returns',
        caption:
          'The old leader restarts from its disk with its term, vote and log, as a follower. The new leader’s AppendEntries tell it the new term and bring it the entries it missed.',
        until: { caughtUp: '@old-leader' },
        highlight: {
          nodes: ['@old-leader'],
          messages: ['AppendEntries', 'AppendEntriesReply'],
        },
      },
    ],
    expect: [
      { leaderChanged: true },
      { committedAtLeast: 15 },
      { logsMatch: true },
      { noFindings: true },
    ],
  },
]
