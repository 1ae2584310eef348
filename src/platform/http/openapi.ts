import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/**
 * Registers @fastify/swagger before any route, so the OpenAPI document is built
 * from the very schemas that validate requests, and serves it at /openapi.json.
 */
export async function installOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Rouge API', version, description: 'Model registry, serving, catalog and commerce services. Errors follow Google\'s error model.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Rouge API key: rk_<keyId>_<secret>' } } },
      security: [{ apiKey: [] }],
    },
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
