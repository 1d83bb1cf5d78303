/**
 * A broken Raft invariant inside the implementation itself (not a user error): for example a
 * leader about to delete its own entries. Carries the context needed to understand it.
 */
export class RaftInvariantError extends Error {
  constructor(
    message: string,
    readonly context: Readonly<Record<string, unknown>>,
  ) {
    super(message)
    this.name = 'RaftInvariantError'
  }
}

export function assertInvariant(
  condition: boolean,
  message: string,
  context: Readonly<Record<string, unknown>>,
): asserts condition {
  if (!condition) throw new RaftInvariantError(message, context)
}
