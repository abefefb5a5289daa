/**
 * Process checks shared by the tests that start and stop DynamoDB Local's JVM.
 */

/**
 * Whether a process with this pid exists: signal 0 runs the kill(2) permission and existence
 * checks without delivering anything (ESRCH when the pid is gone).
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
