import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/app-config';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // One clear line naming the variable, and a non-zero exit: nothing starts half-configured.
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const app = await createApp(config);
  if (config.appRole === 'worker') {
    await app.init(); // workers serve no HTTP; they run until SIGTERM closes them gracefully
  } else {
    await app.listen(config.port, '0.0.0.0');
  }
}

main().catch((error) => {
  process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
