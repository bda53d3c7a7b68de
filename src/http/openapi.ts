/** The OpenAPI 3.1 document, written from the routes' specs and their zod schemas. */
import { z } from 'zod';
import type { RouteSpec } from './route.ts';
import { errorSchema } from './schemas.ts';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

/** `/api/v1/numbers/:number` → `/api/v1/numbers/{number}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const ERRORS: Readonly<Record<number, string>> = {
  400: 'VALIDATION, INVALID_NUMBER or USAGE',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN (role), CSRF (missing x-csrf-token with a session cookie)',
  404: 'NOT_FOUND (unknown, or outside the actor’s scope)',
  500: 'INTERNAL (no stack trace; a reference to the server’s log)',
};

function operation(spec: RouteSpec): Record<string, unknown> {
  const parameters: unknown[] = [];
  for (const [name, description] of Object.entries(spec.params ?? {}))
    parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  if (spec.query !== undefined) {
    const schema = jsonSchema(spec.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(schema.properties ?? {}))
      parameters.push({
        name,
        in: 'query',
        required: schema.required?.includes(name) ?? false,
        schema: property,
      });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(spec.responses))
    responses[status] =
      r.schema === undefined
        ? { description: r.description }
        : {
            description: r.description,
            content: { [r.contentType ?? 'application/json']: { schema: r.schema } },
          };
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  for (const [status, description] of Object.entries(ERRORS)) {
    if (spec.auth === 'none' && (status === '401' || status === '403')) continue;
    if (!(status in responses)) responses[status] = errorResponse(description);
  }
  const op: Record<string, unknown> = {
    operationId: `${spec.method.toLowerCase()}${openApiPath(spec.url)
      .replace('/api/v1', '')
      .replace(/[{}]/g, '')
      .split('/')
      .filter(Boolean)
      .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
      .join('')}`,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    ...(parameters.length > 0 ? { parameters } : {}),
    responses,
    security: spec.auth === 'none' ? [] : [{ session: [] }, { apiKey: [] }],
  };
  if (spec.roles !== undefined) op['x-roles'] = spec.roles;
  if (spec.body === 'multipart')
    op.requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['kind', 'files'],
            properties: {
              kind: { type: 'string', enum: ['calls', 'reports', 'registry'] },
              provider: { type: 'string' },
              client: { type: 'string' },
              campaign: { type: 'string' },
              site: { type: 'string' },
              format: { type: 'string' },
              timezone: { type: 'string' },
              files: { type: 'array', items: { type: 'string', format: 'binary' } },
            },
          },
        },
      },
    };
  else if (spec.body !== undefined)
    op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } };
  return op;
}

export function buildOpenApi(routes: readonly RouteSpec[], version: string): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const path = openApiPath(spec.url);
    paths[path] = { ...(paths[path] ?? {}), [spec.method.toLowerCase()]: operation(spec) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigie API',
      version,
      description:
        'Caller-ID health and French telemarketing compliance. Errors are always {"error":{"code","message"}}; lists are {items, nextCursor}. Messages follow Accept-Language (fr by default, en). See docs/api.md.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'vigie_session',
          description: 'POST /api/v1/session; state-changing requests also send the x-csrf-token header',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'vigie keys create: Authorization: Bearer vk_…',
        },
      },
    },
  };
}
