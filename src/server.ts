import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.js';
import { keepFirstResponseAlive } from './lifecycle/hot-shapes.js';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${error.message}\nSee .env.example and the README's configuration table.\n`,
    );
    process.exit(1);
  }
  const app = await createApp(config);
  // SIGTERM / SIGINT: readiness 503 at once, a bounded grace for running jobs, then exit.
  new GracefulShutdown(app, config.generation.shutdownGraceMs).listen();
  // Before the first request: see `hot-shapes.ts`.
  keepFirstResponseAlive(app.getHttpServer());
  await app.listen({ port: config.server.port, host: config.server.host });
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  new Logger('Main').log(
    `image-forge listening on ${url} (API ${url}/api/v1, Swagger UI ${url}/docs)`,
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `image-forge failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
