import { DataSource } from 'typeorm';

/**
 * The statements TypeORM would run to make the database match the entities: none when the entities
 * and the migrations agree. Read-only (the schema builder's log, never its synchronize).
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
