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
    // A failing query throws to its caller, which decides: a unique violation is a 409, anything
    // unexpected reaches the error filter and is logged there with the request id. TypeORM's own
    // console logging would print expected refusals on stdout, outside the JSON log.
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  };
}
