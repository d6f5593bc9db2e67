import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { typeormOptions } from './typeorm-options';

// Used by the TypeORM CLI (npm run migration:*). The app builds its own from the same options.
const config = loadConfig();
export default new DataSource(typeormOptions(config.databaseUrl, 2));
