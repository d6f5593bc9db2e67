// Prepared once before the e2e project: a database of the tests' own, migrated from empty.
export default async function globalSetup(): Promise<void> {
  const { prepareTestDatabase } = await import('./test-database');
  await prepareTestDatabase();
}
