/**
 * What a leader knows of one follower (Figure 2 "Volatile state on leaders"), plus the
 * bookkeeping for the one batch of entries it has in flight to that follower.
 */
export class FollowerProgress {
  /** Index of the next log entry to send to this follower. */
  nextIndex: number
  /** Highest index known to be replicated on this follower. */
  matchIndex = 0
  /** When the outstanding batch of entries was sent, or null when none is outstanding. */
  inflightSince: number | null = null
  /** Last index carried by the outstanding batch. */
  inflightLastIndex = 0

  constructor(nextIndex: number) {
    this.nextIndex = nextIndex
  }

  /** Whether a batch sent at `inflightSince` should be considered lost at `now`. */
  canSendBatch(now: number, retryTimeout: number): boolean {
    return this.inflightSince === null || now - this.inflightSince >= retryTimeout
  }

  sentBatch(now: number, lastIndex: number): void {
    this.inflightSince = now
    this.inflightLastIndex = lastIndex
  }

  clearInflight(): void {
    this.inflightSince = null
    this.inflightLastIndex = 0
  }
}
