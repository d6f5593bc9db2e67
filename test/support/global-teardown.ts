export default async function globalTeardown(): Promise<void> {
  // Nothing to stop: each e2e file closes the app it booted. The database is kept for post-mortems
  // and re-created from empty by the next run.
}
