/**
 * A fixed number of slots and a bounded line of waiters, first come first served: how many function workers
 * may live at once, and how many calls may wait for one.
 */

interface Waiter {
  start: (release: () => void) => void
  cancel: () => void
}

export class Slots {
  private taken = 0
  private readonly line: Waiter[] = []

  constructor(
    private readonly size: number,
    private readonly lineLength: number,
  ) {}

  /** Slots taken now. */
  get running(): number {
    return this.taken
  }

  /** Waiters in line now. */
  get waiting(): number {
    return this.line.length
  }

  /**
   * Calls `start` with the function that frees the slot (once; later calls do nothing), now when a slot is
   * free, else when one frees up. Returns false, and never calls `start`, when the line is full too.
   * `cancel` is called instead of `start` if the line is cleared first.
   */
  enter(start: (release: () => void) => void, cancel: () => void): boolean {
    if (this.taken < this.size) {
      this.begin(start)
      return true
    }
    if (this.line.length >= this.lineLength) return false
    this.line.push({ start, cancel })
    return true
  }

  /** Cancels every waiter (the emulator stops); slots already taken stay so until released. */
  clear(): void {
    for (const waiter of this.line.splice(0)) waiter.cancel()
  }

  private begin(start: (release: () => void) => void): void {
    this.taken++
    let released = false
    start(() => {
      if (released) return
      released = true
      this.taken--
      const next = this.line.shift()
      if (next) this.begin(next.start)
    })
  }
}
