/** One thing a person does in the room (a button or a form): whether it is under way, and why it failed. */
export class RoomAction {
  pending = $state(false);
  error = $state<unknown>(null);

  /** Runs `task` unless already running; true when it succeeded. */
  async run(task: () => Promise<unknown>): Promise<boolean> {
    if (this.pending) return false;
    this.pending = true;
    this.error = null;
    try {
      await task();
      return true;
    } catch (err) {
      this.error = err;
      return false;
    } finally {
      this.pending = false;
    }
  }
}
