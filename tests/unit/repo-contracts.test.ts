// Files that must agree with each other: generated resolver types vs schema.graphql, docker-compose.yml vs the
// configuration the code reads, README's commands vs package.json.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateAll, ROOT } from '../../scripts/codegen.js';

const read = (file: string) => readFile(path.join(ROOT, file), 'utf8');

describe('schema.graphql is the single source of truth', () => {
  it('the committed resolver and SDK types are generated from the current schema (run npm run codegen)', async () => {
    const files = await generateAll();
    expect(files.length).toBe(2);
    for (const [file, generated] of files) expect(await read(file), `${file} is stale`).toBe(generated);
  });
});

describe('docker-compose.yml', () => {
  it('wires postgres, qdrant (pinned official images) and the api with health checks and the env the code reads', async () => {
    const compose = parse(await read('docker-compose.yml'));
    const { postgres, qdrant, api } = compose.services;
    expect(postgres.image).toMatch(/^postgres:\d+\.\d+/);
    expect(qdrant.image).toMatch(/^qdrant\/qdrant:v\d+\.\d+\.\d+$/);
    for (const service of [postgres, qdrant, api]) expect(service.healthcheck?.test).toBeDefined();
    expect(api.build).toBeDefined();
    expect(api.init, "an init as PID 1 forwards docker stop's SIGTERM").toBe(true);
    expect(api.depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      qdrant: { condition: 'service_healthy' },
    });
    expect(api.environment.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(api.environment.QDRANT_URL).toBe('http://qdrant:6333');
    const config = await read('src/config.ts');
    for (const name of Object.keys(api.environment))
      expect(config, `src/config.ts reads ${name}`).toContain(`env.${name}`);
    expect(await read('Dockerfile')).toMatch(/CMD \["node", "scripts\/recgraph.mjs", "start"\]/);
  });
});

describe('docker-compose.yml cluster profile', () => {
  it('runs three Qdrant peers that bootstrap through the first and an API that lists all three', async () => {
    const compose = parse(await read('docker-compose.yml'));
    const services = compose.services as Record<string, Record<string, any>>;
    const peers = ['qdrant-node1', 'qdrant-node2', 'qdrant-node3'].map((name) => services[name]!);
    for (const [i, peer] of peers.entries()) {
      expect(peer.profiles).toEqual(['cluster']);
      expect(peer.image).toBe(services.qdrant!.image);
      expect(peer.environment.QDRANT__CLUSTER__ENABLED).toBe('true');
      expect(peer.command).toContain(`--uri http://qdrant-node${i + 1}:6335`);
      if (i > 0) expect(peer.command).toContain('--bootstrap http://qdrant-node1:6335');
      expect(peer.healthcheck?.test).toEqual(services.qdrant!.healthcheck.test);
    }
    const api = services['api-cluster']!;
    expect(api.profiles).toEqual(['cluster']);
    expect(api.environment.QDRANT_URL.split(',')).toEqual(
      ['qdrant-node1', 'qdrant-node2', 'qdrant-node3'].map((host) => `http://${host}:6333`),
    );
    expect(Number(api.environment.RECGRAPH_QDRANT_REPLICAS)).toBeGreaterThanOrEqual(2);
    const config = await read('src/config.ts');
    for (const name of Object.keys(api.environment))
      expect(config, `src/config.ts reads ${name}`).toContain(`env.${name}`);
    const defaultServices = Object.entries(services).filter(([, service]) => !service.profiles);
    expect(defaultServices.map(([name]) => name).sort()).toEqual(['api', 'postgres', 'qdrant']);
  });
});

describe('README.md', () => {
  it('documents the two commands and every environment variable the code reads', async () => {
    const readme = await read('README.md');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    const config = await read('src/config.ts');
    const variables = [...config.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1]);
    expect(variables.length).toBeGreaterThan(5);
    for (const name of new Set(variables)) expect(readme, `README documents ${name}`).toContain(`\`${name}\``);
  });

  it('the CI script runs the README test command after npm ci', async () => {
    const ci = await read('.ci/run');
    expect(ci.indexOf('npm ci')).toBeGreaterThan(-1);
    expect(ci.indexOf('npm test')).toBeGreaterThan(ci.indexOf('npm ci'));
  });
});
