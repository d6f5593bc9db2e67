import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';

/** One definition of the connection, shared by the app, the migration CLI and the tests. */
export function typeormOptions(databaseUrl: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // The migrations own the schema, extensions included (pgcrypto); TypeORM installs nothing at
    // connect, and generated uuids are gen_random_uuid(), as the migrations' defaults are.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    logging: ['error'],
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  };
}
