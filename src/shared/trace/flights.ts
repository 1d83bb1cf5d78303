import type { RaftMessage } from '../raft/messages'
import type { NodeId } from '../raft/types'
import type { CheckpointMessage } from './types'

/** An event that does not fit the state it is applied to (a corrupt or mis-ordered trace). */
export class PlaybackError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PlaybackError'
  }
}

/** A message in flight, as checkpoints and playback states list them. */
export type FlightRecord = CheckpointMessage

/** Ring slots to start with, and the most the ring grows to before stragglers move aside. */
const FIRST_SLOTS = 64
const MAX_RING_SLOTS = 4096

// A slot is eight numbers (one cache line): these are their offsets.
const WIDTH = 8
const ID = 0
const FROM = 1
const TO = 2
const SENT_AT = 3
const BYTES = 4
/** Copies in flight (0: the slot is free). */
const COUNT = 5
/** The copy in flight when there is one; with several, `several` lists them. */
const SINGLE = 6
const MAX_COPY = 7

/**
 * Messages in flight by id, each with the copies still on their way (0 for the original, then
 * one more per duplicate). Ids count up from 1 and nearly every message is delivered or dropped
 * soon after it is sent, so a message lives in a ring of slots at `id % size`: no object and no
 * hash lookup per message, and one cache line of numbers per slot. A message still in flight
 * when the ring needs its slot for a newer id (a long delay, a paused receiver) moves to a side
 * slot found by a map.
 *
 * Lookups return a slot number (or -1); the accessors read a slot. A slot is valid until the
 * next call that changes the table.
 */
export class FlightTable {
  private ringSize = FIRST_SLOTS
  /** Ring slots, then side slots. */
  private capacity = FIRST_SLOTS
  private slots = new Float64Array(FIRST_SLOTS * WIDTH)
  private messages: (RaftMessage | undefined)[] = new Array<RaftMessage | undefined>(
    FIRST_SLOTS,
  ).fill(undefined)
  private readonly several = new Map<number, number[]>()
  /** Side slots by message id, and the side slots free for reuse. */
  private readonly side = new Map<number, number>()
  private readonly freeSide: number[] = []
  /** Messages in flight. */
  size = 0

  /** The slot of message `id` if any copy of it is in flight, else -1. */
  find(id: number): number {
    const slot = id & (this.ringSize - 1)
    const at = slot * WIDTH
    if (this.slots[at + ID] === id && this.slots[at + COUNT]! > 0) return slot
    if (this.side.size === 0) return -1
    return this.side.get(id) ?? -1
  }

  fromAt(slot: number): NodeId {
    return this.slots[slot * WIDTH + FROM]!
  }

  toAt(slot: number): NodeId {
    return this.slots[slot * WIDTH + TO]!
  }

  messageAt(slot: number): RaftMessage {
    return this.messages[slot]!
  }

  /** A message sent: its copy 0 is in flight. Throws PlaybackError if it already is. */
  add(
    id: number,
    from: NodeId,
    to: NodeId,
    sentAt: number,
    bytes: number,
    message: RaftMessage,
  ): void {
    if (this.find(id) >= 0) throw new PlaybackError(`message ${id} is sent twice`)
    const slot = this.freeSlotFor(id)
    const slots = this.slots
    const at = slot * WIDTH
    slots[at + ID] = id
    slots[at + FROM] = from
    slots[at + TO] = to
    slots[at + SENT_AT] = sentAt
    slots[at + BYTES] = bytes
    slots[at + COUNT] = 1
    slots[at + SINGLE] = 0
    slots[at + MAX_COPY] = 0
    this.messages[slot] = message
    this.size++
  }

  /** A duplicate of message `id` made copy `copy` (the next copy number). */
  duplicate(id: number, copy: number): void {
    const slot = this.find(id)
    if (slot < 0) throw new PlaybackError(`duplicate of message ${id}, which is not in flight`)
    const at = slot * WIDTH
    const slots = this.slots
    const expected = slots[at + MAX_COPY]! + 1
    if (copy !== expected) {
      throw new PlaybackError(`duplicate of message ${id} is copy ${copy}, expected ${expected}`)
    }
    slots[at + MAX_COPY] = copy
    if (slots[at + COUNT] === 1) this.several.set(id, [slots[at + SINGLE]!, copy])
    else this.several.get(id)!.push(copy)
    slots[at + COUNT]!++
  }

  /**
   * Copy `copy` of message `id` delivered or dropped (`what`): it leaves the table. Returns the
   * message; throws PlaybackError if that copy is not in flight.
   */
  take(id: number, copy: number, what: string): RaftMessage {
    return this.takeAt(this.find(id), id, copy, what)
  }

  /** take() for a message whose slot is known (`find(id)`, -1 if none). */
  takeAt(slot: number, id: number, copy: number, what: string): RaftMessage {
    const slots = this.slots
    const at = slot * WIDTH
    const count = slot < 0 ? 0 : slots[at + COUNT]!
    if (count === 1 && slots[at + SINGLE] === copy) {
      const message = this.messages[slot]!
      this.release(slot)
      return message
    }
    const copies = count > 1 ? this.several.get(id)! : undefined
    const index = copies === undefined ? -1 : copies.indexOf(copy)
    if (copies === undefined || index < 0) {
      throw new PlaybackError(
        `${what} of message ${id}${copy > 0 ? ` copy ${copy}` : ''}, which is not in flight`,
      )
    }
    copies.splice(index, 1)
    if (copies.length === 1) {
      slots[at + SINGLE] = copies[0]!
      this.several.delete(id)
    }
    slots[at + COUNT]!--
    return this.messages[slot]!
  }

  /** Every message in flight, by id (for checkpoints and states). */
  list(): FlightRecord[] {
    const out: FlightRecord[] = []
    const slots = this.slots
    for (let slot = 0; slot < this.capacity; slot++) {
      const at = slot * WIDTH
      const count = slots[at + COUNT]!
      if (count === 0) continue
      const id = slots[at + ID]!
      out.push({
        id,
        from: slots[at + FROM]!,
        to: slots[at + TO]!,
        sentAt: slots[at + SENT_AT]!,
        bytes: slots[at + BYTES]!,
        message: this.messages[slot]!,
        copies:
          count === 1 ? [slots[at + SINGLE]!] : [...this.several.get(id)!].sort((a, b) => a - b),
        maxCopy: slots[at + MAX_COPY]!,
      })
    }
    return out.sort((a, b) => a.id - b.id)
  }

  /** Puts a listed message back (restoring a checkpoint or a state). */
  restore(flight: FlightRecord): void {
    if (flight.copies.length === 0) return
    this.add(flight.id, flight.from, flight.to, flight.sentAt, flight.bytes, flight.message)
    const at = this.find(flight.id) * WIDTH
    this.slots[at + MAX_COPY] = flight.maxCopy
    if (flight.copies.length === 1) {
      this.slots[at + SINGLE] = flight.copies[0]!
    } else {
      this.several.set(flight.id, flight.copies.slice())
      this.slots[at + COUNT] = flight.copies.length
    }
  }

  private release(slot: number): void {
    const at = slot * WIDTH
    this.slots[at + COUNT] = 0
    this.messages[slot] = undefined
    this.size--
    if (slot >= this.ringSize) {
      this.side.delete(this.slots[at + ID]!)
      this.freeSide.push(slot)
    }
  }

  /** A free slot for a new message: its ring slot, after moving a straggler out of the way. */
  private freeSlotFor(id: number): number {
    if (!Number.isSafeInteger(id)) return this.sideSlot(id)
    let slot = id & (this.ringSize - 1)
    if (this.slots[slot * WIDTH + COUNT] === 0) return slot
    if (this.ringSize < MAX_RING_SLOTS) {
      this.growRing()
      slot = id & (this.ringSize - 1)
      if (this.slots[slot * WIDTH + COUNT] === 0) return slot
    }
    // The ring slot holds a message still in flight: move it to a side slot.
    const moved = this.sideSlot(this.slots[slot * WIDTH + ID]!)
    this.slots.copyWithin(moved * WIDTH, slot * WIDTH, slot * WIDTH + WIDTH)
    this.messages[moved] = this.messages[slot]
    this.slots[slot * WIDTH + COUNT] = 0
    this.messages[slot] = undefined
    return slot
  }

  private sideSlot(id: number): number {
    let slot = this.freeSide.pop()
    if (slot === undefined) {
      if (this.capacity * WIDTH === this.slots.length) this.grow(this.capacity * 2)
      slot = this.capacity++
    }
    this.side.set(id, slot)
    return slot
  }

  /** Room for `slots` slots in all, keeping every slot where it is. */
  private grow(slots: number): void {
    const grown = new Float64Array(slots * WIDTH)
    grown.set(this.slots)
    this.slots = grown
    const messages = new Array<RaftMessage | undefined>(slots).fill(undefined)
    for (let slot = 0; slot < this.messages.length; slot++) messages[slot] = this.messages[slot]
    this.messages = messages
  }

  /** Doubles the ring, putting each message in flight at its slot in the bigger ring. */
  private growRing(): void {
    const oldSlots = this.slots
    const oldMessages = this.messages
    const oldCapacity = this.capacity
    const ring = this.ringSize * 2
    const length = ring + (oldCapacity - this.ringSize)
    this.slots = new Float64Array(length * WIDTH)
    this.messages = new Array<RaftMessage | undefined>(length).fill(undefined)
    this.ringSize = ring
    this.capacity = ring
    this.side.clear()
    this.freeSide.length = 0
    for (let old = 0; old < oldCapacity; old++) {
      if (oldSlots[old * WIDTH + COUNT] === 0) continue
      const id = oldSlots[old * WIDTH + ID]!
      let slot = Number.isSafeInteger(id) ? id & (ring - 1) : -1
      if (slot < 0 || this.slots[slot * WIDTH + COUNT] !== 0) slot = this.sideSlot(id)
      this.slots.set(oldSlots.subarray(old * WIDTH, old * WIDTH + WIDTH), slot * WIDTH)
      this.messages[slot] = oldMessages[old]
    }
  }
}
