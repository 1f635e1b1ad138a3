import type { TestProject } from 'vitest/node';
import { startTestServer } from './database';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startTestServer();
  project.provide('pgServerUrl', server.serverUrl);
  return server.stop;
}
